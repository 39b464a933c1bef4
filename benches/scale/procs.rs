//! The processes the scale benchmark measures: the simulator as its own process, the
//! shell in a tmux pane, kubectl and the shell timed on the same list; resident memory
//! read from `/proc`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use podsh::cache::Cache;
use podsh::cache_feeder::Feeder;
use podsh::repl::helper::candidates;
use podsh::repl::names::{LiveNames, View};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-podsh");

pub const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/// The name the simulator gives its `i`th pre-created pod of `n`.
pub fn pod_name(i: usize, n: usize) -> String {
    let width = n.to_string().len().max(5);
    format!("pod-{i:0width$}")
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

pub fn kib(k: u64) -> String {
    format!("{:.1} MB", k as f64 / 1024.0)
}

/// Resident memory of a process, from `/proc/PID/status` (0 if it is gone).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("podsh-scale-{tag}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// `kubectl-podsh sim` in its own process; killed on drop.
pub struct SimProc {
    child: Child,
    pub kubeconfig: PathBuf,
    pub started: Duration,
}

impl SimProc {
    pub fn start(pods: usize, nodes: usize, namespaces: usize) -> Result<Self, String> {
        let kubeconfig = temp_dir("sim").join("kubeconfig");
        let _ = std::fs::remove_file(&kubeconfig);
        let t = Instant::now();
        let child = Command::new(BIN)
            .args(["sim", "--pods", &pods.to_string(), "--nodes", &nodes.to_string()])
            .args(["--namespaces", &namespaces.to_string(), "--kubeconfig-out"])
            .arg(&kubeconfig)
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the simulator: {e}"))?;
        let mut sim = SimProc { child, kubeconfig, started: Duration::ZERO };
        while std::fs::metadata(&sim.kubeconfig).map_or(true, |m| m.len() == 0) {
            if t.elapsed() > Duration::from_secs(300) {
                return Err("the simulator did not start within 300 s".into());
            }
            if let Ok(Some(status)) = sim.child.try_wait() {
                return Err(format!("the simulator exited: {status}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        sim.started = t.elapsed();
        Ok(sim)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SimProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn client(kubeconfig: &Path) -> Result<kube::Client, String> {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).map_err(|e| e.to_string())?;
    let config = kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    kube::Client::try_from(config).map_err(|e| e.to_string())
}

/// The median of five GETs of `path` (after one to warm the connection), and the size.
pub async fn median(client: &kube::Client, path: &str, accept: Option<&str>) -> Result<Timed, String> {
    let mut times = Vec::new();
    let mut size = 0;
    let mut first = Duration::ZERO;
    for round in 0..6 {
        let mut req = http::Request::get(path);
        if let Some(a) = accept {
            req = req.header("accept", a);
        }
        let req = req.body(Vec::new()).map_err(|e| e.to_string())?;
        let t = Instant::now();
        // The body's bytes, as a client that decodes them itself receives them (kube's
        // `request_text` would add a UTF-8 check and a copy of 25 MB to the server's time).
        let resp = client.send(req.map(kube::client::Body::from)).await.map_err(|e| format!("GET {path}: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("GET {path}: {}", resp.status()));
        }
        let body = http_body_util::BodyExt::collect(resp.into_body())
            .await
            .map_err(|e| format!("GET {path}: {e}"))?
            .to_bytes();
        if round > 0 {
            times.push(t.elapsed());
        } else {
            first = t.elapsed();
        }
        size = body.len();
    }
    times.sort();
    Ok(Timed { median: times[times.len() / 2], first, size })
}

/// A request's median time after the first, the first's (it also warms what the
/// server keeps, such as printed Table rows), and the body's size.
pub struct Timed {
    pub median: Duration,
    pub first: Duration,
    pub size: usize,
}

/// Fills a live cache in this process from the simulator (all namespaces, or
/// `default`), then times completions over it: `p50 / p99` of the slowest line.
pub async fn tab_latency(kubeconfig: &Path, all: bool, pods: usize) -> Result<String, String> {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).map_err(|e| e.to_string())?;
    let cache = Cache::default();
    let feeder = Feeder::spawn(&tokio::runtime::Handle::current(), cache.clone(), kc);
    let ns = (!all).then_some("default");
    feeder.want_pods("sim", ns);
    let t = Instant::now();
    while cache.pod_count("sim", ns) < pods {
        if t.elapsed() > Duration::from_secs(300) {
            return Err(format!("the cache holds {} of {pods} pods after 300 s", cache.pod_count("sim", ns)));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let view =
        View { context: "sim".into(), namespace: "default".into(), contexts: vec!["sim".into()], ..View::default() };
    let names = LiveNames { cache, feeder: None, view: Arc::new(Mutex::new(view)) };
    let a = if all { "-A " } else { "" };
    let last = pod_name(pods, pods);
    let lines = [
        format!("describe pod {a}{last}"),
        format!("logs {a}{}", &last[..last.len() - 1]),
        format!("get pods {a}{}", &last[..last.len() - 2]),
        format!("logs {a}{last} -c "),
    ];
    let mut worst = (Duration::ZERO, Duration::ZERO);
    tokio::task::block_in_place(|| {
        for line in &lines {
            let mut times: Vec<Duration> = (0..300)
                .map(|_| {
                    let t = Instant::now();
                    let _ = candidates(line, line.len(), &names);
                    t.elapsed()
                })
                .collect();
            times.sort();
            let p50 = times[times.len() / 2];
            let p99 = times[times.len() * 99 / 100];
            if p99 > worst.1 {
                worst = (p50, p99);
            }
        }
    });
    Ok(format!("{} / {}", ms(worst.0), ms(worst.1)))
}

/// Wall time of a shell pipeline (best of two), and what it printed.
fn timed(script: &str) -> Result<(Duration, String), String> {
    let mut best = None::<(Duration, String)>;
    for _ in 0..2 {
        let t = Instant::now();
        let out = Command::new("sh").args(["-c", script]).output().map_err(|e| e.to_string())?;
        let took = t.elapsed();
        if !out.status.success() {
            return Err(format!("`{script}` failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if best.as_ref().is_none_or(|(b, _)| took < *b) {
            best = Some((took, text));
        }
    }
    best.ok_or_else(|| "not run".to_string())
}

/// `get pods -A | wc -l` through the shell and through real kubectl, on the same state.
pub fn get_all(kubeconfig: &Path, pods: usize) -> Result<(Duration, Duration, String), String> {
    let kc = kubeconfig.display();
    let (ours, lines) = timed(&format!("'{BIN}' --kubeconfig '{kc}' -c 'get pods -A' | wc -l"))?;
    let (theirs, kubectl_lines) = timed(&format!("kubectl --kubeconfig '{kc}' get pods -A | wc -l"))?;
    if lines != kubectl_lines || lines.parse::<usize>().ok() != Some(pods + 1) {
        return Err(format!("line counts differ: podsh {lines}, kubectl {kubectl_lines}, pods {pods}"));
    }
    Ok((ours, theirs, lines))
}

/// The shell in a real terminal (a private tmux server), killed on drop. Unlike the
/// tests' `Tmux`, the pane runs the shell itself (its pid is the shell's, for `/proc`),
/// polls every 2 ms (first-Tab timing) and reports failures instead of panicking. It
/// polls through one tmux control-mode client: a `tmux` process per poll cost ~4 ms of
/// CPU, half a core at this rate, taken from the shell being timed.
pub struct Pane {
    socket: String,
    home: PathBuf,
    control: Mutex<Option<Control>>,
}

/// A `tmux -C` client: commands in on stdin, each answer between `%begin` and `%end`.
struct Control {
    child: Child,
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
}

impl Control {
    fn attach(socket: &str) -> Result<Control, String> {
        let mut child = Command::new("tmux")
            .args(["-L", socket, "-C", "attach", "-t", "main", "-f", "ignore-size"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("tmux control client: {e}"))?;
        let input = child.stdin.take().ok_or("tmux control client has no stdin")?;
        let output = std::io::BufReader::new(child.stdout.take().ok_or("tmux control client has no stdout")?);
        Ok(Control { child, input, output })
    }

    /// The output of one tmux command (notifications between answers are skipped).
    fn run(&mut self, command: &str) -> Result<String, String> {
        use std::io::Write;
        writeln!(self.input, "{command}").map_err(|e| format!("tmux control client: {e}"))?;
        self.answer()
    }

    /// Reads up to the end of the next answer block.
    fn answer(&mut self) -> Result<String, String> {
        use std::io::BufRead;
        let mut line = String::new();
        let mut out = String::new();
        let mut inside = false;
        loop {
            line.clear();
            if self.output.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("tmux control client ended".into());
            }
            if line.starts_with("%begin") {
                inside = true;
            } else if inside && (line.starts_with("%end") || line.starts_with("%error")) {
                return Ok(out);
            } else if inside {
                out.push_str(&line);
            }
        }
    }
}

impl Drop for Control {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Pane {
    pub fn shell(kubeconfig: &Path) -> Result<Pane, String> {
        let home = temp_dir("home");
        let socket = format!("podsh-scale-{}", std::process::id());
        let cmd = format!(
            "exec env HOME='{h}' XDG_CONFIG_HOME='{h}/config' XDG_STATE_HOME='{h}/state' KUBECONFIG='{k}' '{BIN}' --no-color",
            h = home.display(),
            k = kubeconfig.display()
        );
        let ok = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-s", "main", "-x", "200", "-y", "50", &cmd])
            .status()
            .map_err(|e| format!("tmux is needed: {e}"))?;
        if !ok.success() {
            return Err("tmux could not start the shell".into());
        }
        Ok(Pane { socket, home, control: Mutex::new(None) })
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        let _ = Command::new("tmux").args(args).status();
    }

    pub fn typed(&self, text: &str) {
        self.keys(&["-l", "--", text]);
    }

    /// One command through the control client (attached on first use).
    fn ask(&self, command: &str) -> Result<String, String> {
        let mut control = self.control.lock().map_err(|_| "tmux control client poisoned")?;
        if control.is_none() {
            let mut c = Control::attach(&self.socket)?;
            // The first answer is the attach's own (empty) block.
            c.answer()?;
            *control = Some(c);
        }
        let c = control.as_mut().ok_or("tmux control client missing")?;
        c.run(command)
    }

    pub fn screen(&self) -> String {
        self.ask("capture-pane -p -t main").unwrap_or_default()
    }

    /// Waits for the screen to satisfy `cond`; returns when it did.
    pub fn wait(&self, limit: Duration, cond: impl Fn(&str) -> bool) -> Result<Instant, String> {
        let t = Instant::now();
        loop {
            if cond(&self.screen()) {
                return Ok(Instant::now());
            }
            if t.elapsed() > limit {
                return Err(format!("timed out; screen:\n{}", self.screen()));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// A number tmux knows about the pane (`#{cursor_x}`, `#{pane_pid}`).
    fn display(&self, format: &str) -> Result<u32, String> {
        let out = self.ask(&format!("display -p -t main '{format}'"))?;
        out.trim().parse().map_err(|e| format!("tmux {format}: {e} in {out:?}"))
    }

    pub fn cursor_x(&self) -> Result<u32, String> {
        self.display("#{cursor_x}")
    }

    /// The shell's process id (the pane runs it with `exec`).
    pub fn pid(&self) -> Result<u32, String> {
        self.display("#{pane_pid}")
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        if let Ok(mut c) = self.control.lock() {
            c.take();
        }
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
