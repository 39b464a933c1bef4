//! The shell and the simulator when the API server misbehaves: it answers 500, 503 or
//! 429, answers late, never answers, cuts streams, restarts. The simulator misbehaves the
//! way a real API server does (statuses, `Retry-After`, kubectl's reaction), and the shell
//! keeps working: it fails exactly the lines the server failed, each with one line naming
//! the server's answer, retries what client-go retries, and never retries a write.
//! Runnable alone: `cargo test --test main faults::`.

use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use podsh::sim::SimOptions;
use podsh::sim::faults::Faults;

use crate::sim_api::client;
use crate::util::{Run, TestCluster, fast_timing};

fn cluster_with_pods(pods: usize) -> TestCluster {
    TestCluster::with(SimOptions { timing: fast_timing(), pods, ..SimOptions::default() })
}

/// `(status, retry-after, body)` of a GET sent once, with no retrying client in between.
fn raw_get(c: &TestCluster, path: &str) -> (u16, Option<String>, serde_json::Value) {
    let cl = crate::sim_api::client_without_retries(c);
    c.runtime().block_on(async {
        let req = http::Request::get(path).body(kube::client::Body::empty()).expect("request");
        let resp = cl.send(req).await.expect("an answer");
        let status = resp.status().as_u16();
        let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        (status, retry, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    })
}

#[test]
fn failures_are_the_api_servers_statuses_and_a_429_says_when_to_come_back() {
    let c = TestCluster::start();
    c.sim.set_faults(Faults { fault_rate: 1.0, ..Faults::default() });
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..60 {
        let (status, retry, body) = raw_get(&c, "/api/v1/namespaces/default/pods");
        assert_eq!(body["kind"], "Status", "{body}");
        assert_eq!(body["code"], status);
        match status {
            429 => {
                assert_eq!(retry.as_deref(), Some("1"));
                assert_eq!(body["reason"], "TooManyRequests");
            }
            503 => assert_eq!((body["reason"].as_str(), retry), (Some("ServiceUnavailable"), None)),
            500 => assert_eq!(body["message"], "Internal error occurred: etcdserver: request timed out"),
            other => panic!("unexpected status {other}: {body}"),
        }
        seen.insert(status);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), [429, 500, 503]);
    c.sim.set_faults(Faults::default());
    assert_eq!(raw_get(&c, "/api/v1/namespaces/default/pods").0, 200, "faults off, served again");
}

#[test]
fn latency_delays_every_request_and_kubectl_retries_a_429_as_the_shell_does() {
    let c = TestCluster::start();
    c.sim.set_faults(Faults { latency: Duration::from_millis(300), ..Faults::default() });
    let t = Instant::now();
    assert_eq!(raw_get(&c, "/api/v1/namespaces/default/pods").0, 200);
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());

    // A storm of 429s that ends after a second and a half: both clients wait it out.
    c.kubectl(&["run", "web", "--image=nginx:1.14.2"]).ok();
    let storm = || {
        c.sim.set_faults(Faults { fault_rate: 1.0, answers: vec![429], ..Faults::default() });
        let sim = c.sim.shared().clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            sim.faults.set(Faults::default());
        })
    };
    let calm = storm();
    let t = Instant::now();
    let theirs = c.kubectl(&["get", "pod", "web", "-o", "name"]);
    let kubectl_waited = t.elapsed();
    calm.join().expect("storm ends");
    assert_eq!(theirs.ok(), "pod/web\n");
    assert!(kubectl_waited >= Duration::from_secs(1), "kubectl waited {kubectl_waited:?}");

    let calm = storm();
    let before = c.sim.requests().len();
    let t = Instant::now();
    let ours = c.podsh("get pod web -o name");
    let we_waited = t.elapsed();
    calm.join().expect("storm ends");
    assert_eq!(ours.ok(), "pod/web\n");
    assert!(we_waited >= Duration::from_secs(1), "the shell waited {we_waited:?}");
    let gets = c.sim.requests()[before..]
        .iter()
        .filter(|r| r.method == "GET" && r.uri.starts_with("/api/v1/namespaces/default/pods/web"))
        .count();
    assert!(gets >= 2, "the read was sent again after Retry-After ({gets} GETs)");
}

#[test]
fn a_write_the_server_failed_is_reported_once_and_never_sent_again() {
    let c = TestCluster::start();
    c.sim.set_faults(Faults { fault_rate: 1.0, answers: vec![500], ..Faults::default() });
    let before = c.sim.requests().len();
    let r = c.podsh("run web --image=nginx:1.14.2");
    c.sim.set_faults(Faults::default());
    assert_eq!(
        r.fails().trim_end(),
        "line 1: Error from server (InternalError): Internal error occurred: etcdserver: request timed out"
    );
    let posts = c.sim.requests()[before..].iter().filter(|l| l.method == "POST").count();
    assert_eq!(posts, 1, "a failed write is not retried");
    assert_eq!(c.kubectl(&["get", "pods", "-o", "name"]).ok(), "", "and nothing was created");
}

#[test]
fn a_stalled_server_is_given_up_on_after_the_request_timeout_in_kubectls_words() {
    let c = TestCluster::start();
    c.sim.set_faults(Faults { stall_rate: 1.0, ..Faults::default() });
    let kubectl = c.kubectl(&["get", "pods", "--request-timeout=1s"]);
    let theirs = kubectl.stderr.lines().last().unwrap_or_default().to_string();
    // Go's client words it after whichever of its timers fires first (`net/http: request
    // canceled (Client.Timeout ...)`, `context deadline exceeded`, or both); the shell
    // says the first, which is what kubectl says most of the time.
    let timed_out =
        "Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)";
    let rest = theirs.strip_prefix("Unable to connect to the server: ").unwrap_or_default();
    assert!(
        rest.contains("Client.Timeout exceeded") || rest.contains("context deadline exceeded"),
        "{}",
        kubectl.stderr
    );
    let t = Instant::now();
    let ours = c.podsh_cmd(&["--request-timeout", "1s", "-c", "get pods"]).output().expect("runs");
    let took = t.elapsed();
    let server = c.sim.addr().to_string();
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr).trim_end(),
        format!("line 1: {}", timed_out.replacen("the server:", &format!("the server {server}:"), 1))
    );
    assert_eq!(ours.status.code(), Some(1));
    assert!(took < Duration::from_secs(5), "gave up after {took:?}");
    let per_line = c.podsh("get pods --request-timeout=abc");
    assert_eq!(
        per_line.fails().trim_end(),
        "line 1: error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)"
    );
    c.sim.set_faults(Faults::default());
}

#[test]
fn a_restarted_listener_refuses_while_down_and_serves_the_same_cluster_after() {
    let mut c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx:1.14.2"]).ok();
    let addr = c.sim.addr();
    let down = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        std::net::TcpStream::connect(addr).is_err()
    });
    c.rt.block_on(c.sim.restart_listener(Duration::from_millis(800))).expect("listens again");
    assert!(down.join().expect("probe"), "connections are refused while the listener is down");
    assert_eq!(c.sim.addr(), addr);
    assert_eq!(c.podsh("get pods -o name").ok(), "pod/web\n", "same address, same state, same token");
}

#[test]
fn streams_are_cut_mid_body_when_told_to() {
    let c = TestCluster::start();
    c.sim.set_faults(Faults { drop_streams_after: Some(Duration::from_millis(500)), ..Faults::default() });
    let cl = client(&c);
    let t = Instant::now();
    let ended = c.runtime().block_on(async {
        let req = http::Request::get("/api/v1/namespaces/default/pods?watch=true")
            .body(kube::client::Body::empty())
            .expect("request");
        let resp = cl.send(req).await.expect("the watch opens");
        resp.into_body().collect().await.map(|_| ())
    });
    c.sim.set_faults(Faults::default());
    assert!(ended.is_err(), "the body ends in an error, not a clean end");
    assert!(t.elapsed() >= Duration::from_millis(500) && t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

/// Read lines whose output does not move with the clock, over `pods`.
fn reads(pods: &[String], n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let p = &pods[i % pods.len()];
            match i % 6 {
                0 => "get pods -o name".to_string(),
                1 => format!("get pod {p} -o yaml"),
                2 => format!("logs {p}"),
                3 => "get pods -l app=scale -o name".to_string(),
                4 => format!("get pod {p} -o json"),
                _ => "get pods --field-selector=status.phase=Running -o name".to_string(),
            }
        })
        .collect()
}

/// Each read's stdout, cut at the `@@N` marker lines before them.
fn per_read(stdout: &str, n: usize) -> Vec<String> {
    let mut out = vec![String::new(); n];
    let mut at = None;
    for line in stdout.split_inclusive('\n') {
        if let Some(i) = line.trim_end().strip_prefix("@@").and_then(|i| i.parse::<usize>().ok()) {
            at = Some(i);
            continue;
        }
        if let Some(slot) = at.and_then(|i| out.get_mut(i)) {
            slot.push_str(line);
        }
    }
    out
}

/// The answers a failed read may name: the server's statuses, or no answer in time.
const SERVER_ANSWERS: &[&str] = &[
    "Error from server (InternalError): Internal error occurred: etcdserver: request timed out",
    "Error from server (ServiceUnavailable): the server is currently unable to handle the request",
    "Error from server (TooManyRequests): Too many requests, please try again later.",
    "net/http: request canceled (Client.Timeout exceeded while awaiting headers)",
];

#[test]
fn a_500_line_script_under_faults_fails_exactly_the_failed_lines() {
    let c = cluster_with_pods(6);
    let pods: Vec<String> =
        c.kubectl(&["get", "pods", "-o", "name"]).ok().lines().map(|l| l.replace("pod/", "")).collect();
    assert_eq!(pods.len(), 6);
    let lines = reads(&pods, 250);
    // A marker before each read (a host command: it never reaches the server).
    let script: String = lines.iter().enumerate().map(|(i, l)| format!("!echo @@{i}\n{l}\n")).collect();
    let clean = c.podsh_stdin(&script, &["--keep-going"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    let expected = per_read(&clean.stdout, lines.len());
    assert!(expected.iter().all(|o| !o.is_empty()), "every read prints something");

    c.sim.set_faults(Faults {
        fault_rate: 0.2,
        latency: Duration::from_millis(20),
        jitter: Duration::from_millis(20),
        drop_streams_after: Some(Duration::from_secs(2)),
        stall_rate: 0.02,
        answers: Vec::new(),
    });
    let t = Instant::now();
    let faulty: Run = c.podsh_stdin(&script, &["--keep-going", "--request-timeout", "2s"]);
    let took = t.elapsed();
    c.sim.set_faults(Faults::default());

    assert!(!faulty.stderr.contains("panicked"), "{}", faulty.stderr);
    let mut failed = std::collections::BTreeMap::new();
    for line in faulty.stderr.lines() {
        let (at, message) = line
            .strip_prefix("line ")
            .and_then(|r| r.split_once(": "))
            .unwrap_or_else(|| panic!("every stderr line names its script line: {line:?}"));
        let at: usize = at.parse().expect("a line number");
        assert!(at.is_multiple_of(2), "only reads fail, not line {at}: {message}");
        assert!(failed.insert(at / 2 - 1, message.to_string()).is_none(), "one line per failure: {at}");
        assert!(SERVER_ANSWERS.iter().any(|a| message.ends_with(a)), "the server's answer, named: {message}");
    }
    let got = per_read(&faulty.stdout, lines.len());
    for (i, line) in lines.iter().enumerate() {
        if failed.contains_key(&i) {
            assert_eq!(got[i], "", "a failed line prints nothing on stdout: {line}");
        } else {
            assert_eq!(got[i], expected[i], "read {i} ({line}) succeeded, so its output is the no-fault one");
        }
    }
    assert_eq!(faulty.code, if failed.is_empty() { 0 } else { 1 });
    assert!(!failed.is_empty() && failed.len() < lines.len() / 2, "{} of {} failed", failed.len(), lines.len());
    assert!(took < Duration::from_secs(300), "the session took {took:?}");
}

#[test]
fn the_kubeconfig_is_read_again_when_it_changes_on_disk() {
    let here = TestCluster::start();
    let there = TestCluster::start();
    here.kubectl(&["run", "one", "--image=nginx:1.14.2"]).ok();
    there.kubectl(&["run", "two", "--image=nginx:1.14.2"]).ok();
    let kc = here.kubeconfig.display().to_string();
    // Another CA, token and port under the same context name: a rotated credential.
    let rotated = format!("get pods -o name\n!cp {} {kc}\nget pods -o name\n", there.kubeconfig.display());
    let r = here.podsh_stdin(&rotated, &[]);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str(), r.code), ("pod/one\npod/two\n", "", 0));

    // The session's context removed, another one added.
    let renamed = std::fs::read_to_string(&there.kubeconfig).expect("kubeconfig").replace("sim", "other");
    let other = here.file("other.yaml", &renamed);
    here.sim.write_kubeconfig(&here.kubeconfig, "sim").expect("restored");
    let script =
        format!("get pods -o name\n!cp {} {kc}\nget pods -o name\ncontext other\nget pods -o name\n", other.display());
    let r = here.podsh_stdin(&script, &["--keep-going"]);
    assert_eq!(r.stdout, "pod/one\npod/two\n");
    assert_eq!(
        r.stderr,
        "warning: context \"sim\" is no longer in the kubeconfig; `context NAME` switches to one that is\n\
         line 3: Error in configuration: context was not found for specified context: sim\n"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn get_watch_goes_on_across_cut_streams_without_repeating_a_change() {
    let c = TestCluster::start();
    c.sim.set_faults(Faults { drop_streams_after: Some(Duration::from_millis(600)), ..Faults::default() });
    let child = c
        .podsh_cmd(&["-c", "get pods -w --output-watch-events"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    let names = ["w1", "w2", "w3", "w4"];
    for n in names {
        std::thread::sleep(Duration::from_millis(800));
        c.kubectl(&["run", n, "--image=nginx:1.14.2"]).ok();
    }
    std::thread::sleep(Duration::from_millis(1500));
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill").args(["-INT", &pid]).status();
    let out = child.wait_with_output().expect("ends");
    c.sim.set_faults(Faults::default());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("unexpected EOF") && !stderr.contains("Unable to connect"), "{stderr}");
    let cuts = c.sim.requests().iter().filter(|r| r.uri.contains("watch=true") || r.uri.contains("watch=1")).count();
    assert!(cuts >= 4, "the watch was cut and opened again ({cuts} watches)");
    let order = ["Pending", "ContainerCreating", "Running"];
    for n in names {
        let rows: Vec<Vec<&str>> =
            stdout.lines().map(|l| l.split_whitespace().collect::<Vec<_>>()).filter(|c| c.get(1) == Some(&n)).collect();
        assert_eq!(rows.iter().filter(|r| r[0] == "ADDED").count(), 1, "{n} added once:\n{stdout}");
        let states: Vec<usize> = rows.iter().filter_map(|r| order.iter().position(|s| Some(s) == r.get(3))).collect();
        assert!(states.windows(2).all(|w| w[0] <= w[1]), "{n} never goes back to an earlier state:\n{stdout}");
        assert_eq!(states.last(), Some(&2), "{n} is seen Running:\n{stdout}");
    }
}

#[test]
fn a_cut_log_stream_ends_as_kubectl_ends_it() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx:1.14.2"]).ok();
    c.wait_status("web", "Running");
    c.sim.set_faults(Faults { drop_streams_after: Some(Duration::from_millis(500)), ..Faults::default() });
    let theirs = c.kubectl(&["logs", "-f", "web"]);
    let ours = c.podsh("logs -f web");
    c.sim.set_faults(Faults::default());
    assert_eq!(theirs.stderr, "error: unexpected EOF\n");
    assert_eq!((theirs.code, ours.code), (1, 1));
    assert_eq!(ours.stderr, "line 1: error: unexpected EOF\n");
    assert_eq!(ours.stdout, theirs.stdout, "the lines before the cut, once");
}
