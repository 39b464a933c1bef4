//! The conformance corpus (tests/conformance/cases.txt): every line runs through real
//! kubectl and through the shell on the same simulator state (a snapshot restored
//! between the two runs), and stdout, stderr, exit status and the objects left on the
//! server must match. Only ages, times and generated names (uids, random suffixes,
//! resource versions) are normalised, and the shell's script-mode frame (`line 1: ` and
//! `command failed with exit status N`) is taken off its stderr.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Pod};
use podsh::sim::{SimOptions, Snapshot};
use serde_json::{Value, json};

use crate::util::{TestCluster, fast_timing, kubectl_path, wait_for};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

/// One line of the corpus. A line written with a leading `kubectl` is one the shell must
/// hand to kubectl; the others it must carry out itself.
#[derive(Debug, Clone)]
struct Case {
    number: usize,
    fixture: String,
    bound: Option<Duration>,
    line: String,
    handed_to_kubectl: bool,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(Path::new(DIR).join("cases.txt")).expect("cases.txt");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let (fixture, rest) = l.split_once(": ").unwrap_or_else(|| panic!("cases.txt:{}: FIXTURE: LINE", i + 1));
            let rest = rest.trim();
            let (bound, line) = match rest.strip_prefix('~').and_then(|r| r.split_once(' ')) {
                Some((secs, line)) => {
                    let secs: f64 = secs.trim_end_matches('s').parse().expect("a bound like ~2s");
                    (Some(Duration::from_secs_f64(secs)), line.to_string())
                }
                None => (None, rest.to_string()),
            };
            let handed_to_kubectl = line.starts_with("kubectl ");
            let line = line.strip_prefix("kubectl ").unwrap_or(&line).to_string();
            Case { number: i + 1, fixture: fixture.trim().to_string(), bound, line, handed_to_kubectl }
        })
        .collect()
}

/// A loopback HTTP server for `$URL` lines, serving the corpus files.
fn serve_files(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]);
                let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
                let reply = match std::fs::read(root.join(&path)) {
                    Ok(body) if !path.contains("..") => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend(body);
                        r
                    }
                    _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found".to_vec(),
                };
                let _ = stream.write_all(&reply);
            });
        }
    });
    format!("http://{addr}")
}

/// A run's result, normalised.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    stdout: String,
    stderr: String,
    ok: bool,
    objects: Value,
}

fn normalize(text: &str) -> String {
    let rules: &[(&str, &str)] = &[
        (r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", "<TIME>"),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "<TIME>"),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ [+-]\d{4}", "<TIME>"),
        (r"/tmp/(LIVE|MERGED)-\d+", "/tmp/$1-<N>"),
        (r"(?m)^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ ", "<KLOG> "),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
        (r"containerd://[0-9a-f]{64}", "containerd://<ID>"),
        (r"kube-api-access-[a-z0-9]{5}", "kube-api-access-<X>"),
        (r"gen-[a-z0-9]{5}", "gen-<X>"),
        (r"\.[0-9a-f]{16}\b", ".<EVENT>"),
        (r#"("?resourceVersion"?:\s*)"\d+""#, "$1\"<RV>\""),
        (r"\b\d+(\.\d+)?(ms|s|m|h|d|y)(\d+(s|m|h|d))?\b", "<AGE>"),
        (r"<invalid>", "<AGE>"),
        // An age's width moves the padding after it (tabwriter columns); the widths of
        // two runs seconds apart may differ.
        (r"<AGE> {2,}", "<AGE>  "),
    ];
    let mut out = text.to_string();
    for (re, with) in rules {
        out = regex::Regex::new(re).expect("valid regex").replace_all(&out, *with).into_owned();
    }
    out
}

/// The shell reports a failed script line as `line 1: <error>` and a failing child as
/// `line 1: command failed with exit status N`; kubectl prints neither.
fn unframe(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !(l.starts_with("line 1: command failed with exit status ") || *l == "line 1: interrupted"))
        .map(|l| l.strip_prefix("line 1: ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// What a client's writes left on the server: each pod and namespace with what a
/// client decides (labels, annotations, spec, field managers), not what the lifecycle
/// engine does to status.
fn objects(c: &TestCluster) -> Value {
    let client = crate::sim_api::client(c);
    c.rt.block_on(async {
        let pods: kube::Api<Pod> = kube::Api::all(client.clone());
        let settled = async {
            loop {
                let list = pods.list(&Default::default()).await.map(|l| l.items).unwrap_or_default();
                if list.iter().all(|p| p.metadata.deletion_timestamp.is_none()) {
                    return list;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        let list = tokio::time::timeout(Duration::from_secs(5), settled).await.unwrap_or_default();
        let namespaces: kube::Api<Namespace> = kube::Api::all(client);
        let ns = namespaces.list(&Default::default()).await.map(|l| l.items).unwrap_or_default();
        let pods: Vec<Value> = list
            .into_iter()
            .map(|p| {
                let managers: Vec<(String, String)> = p
                    .metadata
                    .managed_fields
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| (m.manager.unwrap_or_default(), m.operation.unwrap_or_default()))
                    .collect();
                json!({
                    "namespace": p.metadata.namespace, "name": p.metadata.name,
                    "labels": p.metadata.labels, "annotations": p.metadata.annotations,
                    "spec": p.spec, "managers": managers,
                })
            })
            .collect();
        let names: Vec<Option<String>> = ns.into_iter().map(|n| n.metadata.name).collect();
        let text = normalize(&json!({"pods": pods, "namespaces": names}).to_string());
        serde_json::from_str(&text).unwrap_or(Value::Null)
    })
}

/// Runs `cmd` to its end, or until `bound` (then it is killed and counts as ok).
fn run(mut cmd: Command, bound: Option<Duration>) -> (String, String, bool) {
    use std::os::unix::process::CommandExt;
    // Its own process group, so a bound ends kubectl's dispatcher and the build it runs.
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0).spawn().expect("spawns");
    let reader = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let o = reader(Box::new(child.stdout.take().expect("stdout")));
    let e = reader(Box::new(child.stderr.take().expect("stderr")));
    let limit = bound.unwrap_or(Duration::from_secs(60));
    let start = Instant::now();
    let mut status = None;
    while start.elapsed() < limit {
        if let Ok(Some(s)) = child.try_wait() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let ok = match status {
        Some(s) => s.success(),
        None => {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.wait();
            bound.is_some()
        }
    };
    (o.join().unwrap_or_default(), e.join().unwrap_or_default(), ok)
}

/// The case's words, split as the shell splits them, with `$URL` filled in.
fn words(line: &str) -> Vec<String> {
    match podsh::command::lex::split(line) {
        Ok(st) => st
            .into_iter()
            .flat_map(|s| match s {
                podsh::command::lex::Statement::Words { words, .. } => {
                    words.into_iter().map(|w| w.text).collect::<Vec<_>>()
                }
                podsh::command::lex::Statement::Host(c) => vec![c],
            })
            .collect(),
        Err(_) => vec![line.to_string()],
    }
}

struct Bench {
    cluster: TestCluster,
    work: tempfile::TempDir,
    snapshot: Snapshot,
    kubeconfig: String,
    url: String,
}

impl Bench {
    fn new(fixture: &str, url: &str) -> Self {
        let cluster = TestCluster::with(SimOptions { timing: fast_timing(), ..SimOptions::default() });
        let manifest = Path::new(DIR).join("fixtures").join(format!("{fixture}.yaml"));
        let text = std::fs::read_to_string(&manifest).expect("fixture");
        if text.lines().any(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            let path = manifest.to_string_lossy().into_owned();
            cluster.kubectl(&["create", "-f", &path]).ok();
            settle(&cluster);
        }
        // kubectl lines that finish the fixture (e.g. status set through the subresource).
        let after = std::fs::read_to_string(manifest.with_extension("after")).unwrap_or_default();
        for line in after.lines().filter(|l| !l.trim().is_empty()) {
            let args = words(line);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cluster.kubectl(&args).ok();
        }
        let work = tempfile::tempdir().expect("work dir");
        copy_dir(&Path::new(DIR).join("files"), work.path());
        let snapshot = cluster.sim.snapshot();
        let kubeconfig = std::fs::read_to_string(&cluster.kubeconfig).expect("kubeconfig");
        Bench { cluster, work, snapshot, kubeconfig, url: url.to_string() }
    }

    fn reset(&self) {
        self.cluster.sim.restore(&self.snapshot);
        std::fs::write(&self.cluster.kubeconfig, &self.kubeconfig).expect("kubeconfig restored");
    }

    fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.env("KUBECONFIG", &self.cluster.kubeconfig)
            .env("HOME", self.cluster.dir.path())
            .env("XDG_STATE_HOME", self.cluster.dir.path().join("state"))
            .env_remove("KUBECTL_EXTERNAL_DIFF")
            .env_remove("PODSH_HISTORY")
            .current_dir(self.work.path())
            .stdin(Stdio::null());
        c
    }

    /// Whether the shell handed the line to kubectl: run without kubectl on PATH, a
    /// handed line fails saying kubectl is missing; a native one never does.
    fn handed_to_kubectl(&self, case: &Case) -> bool {
        self.reset();
        let line = case.line.replace("$URL", &self.url);
        let mut cmd = self.command(Path::new(env!("CARGO_BIN_EXE_kubectl-podsh")));
        cmd.args(["-c", &line]).env("PATH", "/nonexistent");
        let (_, stderr, _) = run(cmd, case.bound);
        stderr.contains("kubectl is not on PATH")
    }

    fn outcome(&self, case: &Case, shell: bool) -> Outcome {
        self.reset();
        let line = case.line.replace("$URL", &self.url);
        let (stdout, stderr, ok) = if shell {
            let mut cmd = self.command(Path::new(env!("CARGO_BIN_EXE_kubectl-podsh")));
            cmd.args(["-c", &line]);
            let (o, e, ok) = run(cmd, case.bound);
            (o, unframe(&e), ok)
        } else {
            let mut cmd = self.command(&kubectl_path());
            cmd.args(words(&line));
            run(cmd, case.bound)
        };
        Outcome { stdout: normalize(&stdout), stderr: normalize(&stderr), ok, objects: objects(&self.cluster) }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("files").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("dir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Waits until every pod of the fixture is in a state it stays in.
fn settle(c: &TestCluster) {
    let steady = || {
        let r = c.kubectl(&["get", "pods", "-A", "--no-headers"]);
        r.stdout.lines().all(|l| {
            let cells = crate::util::cells(l);
            let (ready, status) = (cells.get(2).map(String::as_str), cells.get(3).map(String::as_str));
            matches!(status, Some("Completed") | Some("Error"))
                || (status == Some("Running") && ready.is_some_and(|r| r.split('/').next() == r.split('/').nth(1)))
                || (status == Some("Pending") && l.contains(" 0/"))
        }) && !r.stdout.contains("ContainerCreating")
            && !r.stdout.contains("Init:")
    };
    assert!(wait_for(Duration::from_secs(20), steady), "the fixture never settled");
    std::thread::sleep(Duration::from_millis(300));
}

/// Runs every case of `fixture`; panics listing each difference in full.
fn check_fixture(fixture: &str) {
    let url = serve_files(Path::new(DIR).join("files"));
    let all: Vec<Case> = cases().into_iter().filter(|c| c.fixture == fixture).collect();
    assert!(!all.is_empty(), "no cases for fixture {fixture}");
    let bench = Bench::new(fixture, &url);
    let mut failures = Vec::new();
    for case in &all {
        let handed = bench.handed_to_kubectl(case);
        if handed != case.handed_to_kubectl {
            let (is, marked) = if handed { ("kubectl's", "native") } else { ("native", "kubectl's") };
            failures.push(format!("cases.txt:{} `{}` runs as {is} but is marked {marked}\n", case.number, case.line));
        }
        let theirs = bench.outcome(case, false);
        let ours = bench.outcome(case, true);
        if theirs != ours {
            failures.push(format!(
                "cases.txt:{} `{}`\n--- kubectl (ok={})\n{}{}--- kubectl-podsh (ok={})\n{}{}{}",
                case.number,
                case.line,
                theirs.ok,
                theirs.stdout,
                show_stderr(&theirs.stderr),
                ours.ok,
                ours.stdout,
                show_stderr(&ours.stderr),
                if theirs.objects == ours.objects {
                    String::new()
                } else {
                    format!("--- objects differ\nkubectl: {}\npodsh:   {}\n", theirs.objects, ours.objects)
                }
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} lines differ:\n\n{}", failures.len(), all.len(), failures.join("\n"));
}

fn show_stderr(s: &str) -> String {
    if s.is_empty() { String::new() } else { format!("[stderr]\n{s}") }
}

#[test]
fn the_corpus_is_large_and_well_formed() {
    let all = cases();
    assert!(all.len() >= 200, "{} cases", all.len());
    for c in &all {
        let path = Path::new(DIR).join("fixtures").join(format!("{}.yaml", c.fixture));
        assert!(path.exists(), "cases.txt:{}: no fixture {}", c.number, c.fixture);
    }
}

#[test]
fn conformance_empty() {
    check_fixture("empty");
}

#[test]
fn conformance_seed() {
    check_fixture("seed");
}

#[test]
fn conformance_pods() {
    check_fixture("pods");
}

#[test]
fn conformance_rich() {
    check_fixture("rich");
}
