//! Test harness: a simulator on an ephemeral loopback port with its own runtime, a
//! kubeconfig and HOME in a temp dir (so kubectl's discovery cache and nothing of the
//! real user's is touched), and helpers to run real kubectl and wait on conditions.

#![allow(dead_code)]

pub mod tmux;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use podsh::sim::{SimOptions, Simulator, Timing};

/// What a finished command printed.
#[derive(Debug, Clone)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    fn from(o: Output) -> Self {
        Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code().unwrap_or(-1),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "command failed\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        &self.stdout
    }

    /// Asserts failure with exit code 1 and returns stderr.
    #[track_caller]
    pub fn fails(&self) -> &str {
        assert_eq!(self.code, 1, "expected exit 1\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        &self.stderr
    }
}

/// The kubectl on PATH (the version dispatcher), or a loud failure.
pub fn kubectl_path() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("kubectl is not on PATH: these tests use the real kubectl as the oracle"))
}

/// Timings short enough for tests, long enough to observe each state.
pub fn fast_timing() -> Timing {
    Timing {
        schedule: Duration::from_millis(50),
        pull: Duration::from_millis(150),
        kill: Duration::from_millis(150),
        backoff: Duration::from_millis(600),
        backoff_max: Duration::from_secs(5),
        node_lost: Duration::from_millis(600),
    }
}

pub struct TestCluster {
    pub sim: Simulator,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    pub rt: tokio::runtime::Runtime,
}

impl TestCluster {
    pub fn start() -> Self {
        Self::with(SimOptions { timing: fast_timing(), ..SimOptions::default() })
    }

    pub fn with(opts: SimOptions) -> Self {
        let rt =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("test runtime");
        let sim = rt.block_on(Simulator::start("127.0.0.1:0", opts)).expect("simulator starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        sim.write_kubeconfig(&kubeconfig, "sim").expect("kubeconfig written");
        TestCluster { sim, dir, kubeconfig, rt }
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.rt
    }

    /// A kubectl command with this cluster's kubeconfig and a private HOME.
    pub fn kubectl_cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(kubectl_path());
        c.args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.path())
            .env_remove("KUBECTL_EXTERNAL_DIFF")
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    pub fn kubectl(&self, args: &[&str]) -> Run {
        Run::from(self.kubectl_cmd(args).output().expect("kubectl runs"))
    }

    /// Writes a file into the test's directory and returns its path.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).expect("file written");
        p
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Polls `kubectl get pod NAME` until its STATUS column is `status`.
    #[track_caller]
    pub fn wait_status(&self, name: &str, status: &str) -> String {
        let mut last = String::new();
        let ok = wait_for(Duration::from_secs(20), || {
            let r = self.kubectl(&["get", "pod", name, "--no-headers"]);
            last = r.stdout.clone() + &r.stderr;
            r.stdout.split_whitespace().nth(2) == Some(status)
        });
        assert!(ok, "pod {name} never reached {status}; last output: {last}");
        last
    }
}

/// Polls `cond` every 50 ms until it holds or `limit` passes.
pub fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

/// Polls the async `cond` every 50 ms until it holds, failing the test after `limit`.
#[track_caller]
pub fn wait_async<F, Fut>(limit: Duration, mut cond: F) -> impl std::future::Future<Output = ()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let caller = std::panic::Location::caller();
    async move {
        let start = Instant::now();
        while !cond().await {
            assert!(start.elapsed() < limit, "condition not met within {limit:?} (waited at {caller})");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Replaces the variable parts of kubectl output (times, container IDs, random volume
/// suffixes) with placeholders so that the rest can be compared exactly.
pub fn normalize(text: &str) -> String {
    let rules = [
        (r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", "<TIME>"),
        (r"containerd://[0-9a-f]{64}", "containerd://<ID>"),
        (r"kube-api-access-[a-z0-9]{5}", "kube-api-access-<X>"),
    ];
    let mut out = text.to_string();
    for (re, with) in rules {
        out = regex::Regex::new(re).expect("valid regex").replace_all(&out, with).into_owned();
    }
    out
}

/// How many `.tmp` files (left by an atomic `> file`) are in `dir`.
pub fn temp_files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .count()
}

/// Splits a kubectl table row into its cells (columns are separated by 2+ spaces).
pub fn cells(line: &str) -> Vec<String> {
    regex::Regex::new(r"\s{2,}").expect("valid regex").split(line.trim_end()).map(str::to_string).collect()
}

/// Shows both texts in full when they differ.
#[track_caller]
pub fn assert_text(actual: &str, expected: &str) {
    if actual != expected {
        panic!("output differs\n--- expected\n{expected}\n--- actual\n{actual}\n--- end");
    }
}

impl TestCluster {
    /// The shell binary pointed at this cluster, with HOME and state in the temp dir.
    pub fn podsh_cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"));
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env_remove("PODSH_HISTORY")
            .env_remove("KUBECONFIG")
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    /// Runs `lines` in the shell's script mode (`-c`).
    pub fn podsh(&self, lines: &str) -> Run {
        Run::from(self.podsh_cmd(&["-c", lines]).output().expect("kubectl-podsh runs"))
    }

    /// Feeds `script` to the shell on stdin.
    pub fn podsh_stdin(&self, script: &str, extra: &[&str]) -> Run {
        use std::io::Write;
        let mut child = self
            .podsh_cmd(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        child.stdin.take().expect("stdin").write_all(script.as_bytes()).expect("writes");
        Run::from(child.wait_with_output().expect("finishes"))
    }

    /// kubectl and the shell run `line` on the same state (pods held still meanwhile)
    /// and must print the same stdout, the same stderr (the shell's `line 1: ` prefix
    /// aside) and exit the same. One more try is allowed, for a clock column (AGE) that
    /// ticked between the two runs; nothing else.
    #[track_caller]
    pub fn assert_parity(&self, line: &str) {
        let args: Vec<&str> = line.split_whitespace().collect();
        let mut last = None;
        for _ in 0..2 {
            self.sim.freeze(true);
            let k = self.kubectl(&args);
            let p = self.podsh(line);
            self.sim.freeze(false);
            let ours = (p.stdout.clone(), p.stderr.replacen("line 1: ", "", 1), p.code);
            let theirs = (k.stdout.clone(), without_klog(&k.stderr), k.code);
            if ours == theirs {
                return;
            }
            last = Some((theirs, ours));
        }
        let Some(((ko, ke, kc), (po, pe, pc))) = last else { return };
        panic!(
            "`{line}` differs\n--- kubectl stdout\n{ko}--- kubectl-podsh stdout\n{po}--- kubectl stderr\n{ke}--- kubectl-podsh stderr\n{pe}--- exit: kubectl {kc}, kubectl-podsh {pc}"
        );
    }
}

/// kubectl's stderr without its klog diagnostics (`I1129 10:19:52.036120   14198 file.go:1] ...`):
/// they carry a time and a process id, so no two runs print them alike, and client-go
/// prints them or not by timing (a watch it found too short, say).
pub fn without_klog(stderr: &str) -> String {
    stderr.split_inclusive('\n').filter(|l| !is_klog(l)).collect()
}

fn is_klog(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[8] == b':'
        && b[14] == b'.'
}

/// The shell's runner in this process, over memory streams, against a test cluster: a
/// line in, its output, errors and status out, with no process spawned.
pub struct InProcess {
    pub runner: podsh::runner::Runner,
    pub captured: podsh::streams::Captured,
}

impl InProcess {
    /// Runs one line; returns what it printed and the shell's status after it.
    pub fn line(&mut self, line: &str) -> Run {
        self.runner.run_line(line, 1);
        Run { stdout: self.captured.out.take(), stderr: self.captured.err.take(), code: self.runner.last_status() }
    }

    /// Runs a script; the code is the script's exit status.
    pub fn script(&mut self, text: &str) -> Run {
        let code = self.runner.run_script(text.lines().map(str::to_string));
        Run { stdout: self.captured.out.take(), stderr: self.captured.err.take(), code }
    }
}

impl TestCluster {
    /// An in-process runner in `mode` with `input` as its stdin; state (remembered
    /// namespaces) in the test's directory.
    pub fn in_process(&self, mode: podsh::settings::Mode, input: &str) -> InProcess {
        self.in_process_with(&self.kubeconfig, mode, input, false)
    }

    pub fn in_process_with(
        &self,
        kubeconfig: &std::path::Path,
        mode: podsh::settings::Mode,
        input: &str,
        keep_going: bool,
    ) -> InProcess {
        let state = Some(self.dir.path().join("state"));
        let sources = podsh::kubeconfig::Sources::files(vec![kubeconfig.to_path_buf()]);
        let session = podsh::session::Session::new(sources, None, None, state).expect("a session");
        let mut settings = podsh::settings::Settings::new(mode);
        settings.keep_going = keep_going;
        let (streams, captured) = podsh::streams::Streams::memory(input);
        let interrupt = std::sync::Arc::new(tokio::sync::Notify::new());
        let runner = podsh::runner::Runner::new(session, settings, streams, self.rt.handle().clone(), interrupt, None);
        InProcess { runner, captured }
    }

    /// A kubeconfig beside the cluster's with a second context `other` on the same
    /// cluster (listed first).
    pub fn two_contexts(&self) -> PathBuf {
        let text = std::fs::read_to_string(&self.kubeconfig).expect("kubeconfig");
        let second = text.replace(
            "contexts:\n- name: sim\n",
            "contexts:\n- name: other\n  context:\n    cluster: sim\n    user: sim\n- name: sim\n",
        );
        self.file("two-contexts.yaml", &second)
    }
}

/// Timings for in-process session tests: every step in tens of milliseconds.
pub fn quick_timing() -> Timing {
    Timing {
        schedule: Duration::from_millis(10),
        pull: Duration::from_millis(30),
        kill: Duration::from_millis(30),
        backoff: Duration::from_millis(300),
        backoff_max: Duration::from_secs(2),
        node_lost: Duration::from_millis(300),
    }
}

#[test]
fn klog_lines_are_told_from_output() {
    let stderr = "I1129 10:19:52.036120   14198 reflector.go:556] \"Warning\"\nerror: timed out waiting\nE1129 09:04:29.488565    5513 memcache.go:265] x\n";
    assert_eq!(without_klog(stderr), "error: timed out waiting\n");
    for kept in ["Error from server (NotFound): pods \"x\" not found\n", "I1129 not a log line\n", "Warning: x\n"] {
        assert_eq!(without_klog(kept), kept);
    }
}
