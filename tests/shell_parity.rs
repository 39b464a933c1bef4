//! Parity: for pods in every state the seed names (and more), the shell prints what the
//! real kubectl prints against the same simulator state, byte for byte.

use std::time::Duration;

use podsh::sim::{SimOptions, Timing};

use crate::util::{TestCluster, fast_timing};

const STATES: &str = "apiVersion: v1
kind: Pod
metadata:
  name: multi
  labels:
    app: web
    tier: frontend
  annotations:
    team: payments
spec:
  containers:
  - name: web
    image: nginx:1.25
    ports:
    - containerPort: 80
    - containerPort: 9090
      protocol: UDP
    env:
    - name: MODE
      value: prod
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    resources:
      limits:
        cpu: 500m
        memory: 256Mi
      requests:
        cpu: 250m
        memory: 128Mi
    volumeMounts:
    - name: data
      mountPath: /data
    livenessProbe:
      httpGet:
        path: /healthz
        port: 80
      initialDelaySeconds: 3
    readinessProbe:
      tcpSocket:
        port: 80
  - name: sidecar
    image: busybox:1.36
    command: [\"sh\", \"-c\", \"while true; do echo tick; sleep 1; done\"]
  volumes:
  - name: data
    emptyDir: {}
  nodeSelector:
    kubernetes.io/os: linux
---
apiVersion: v1
kind: Pod
metadata:
  name: initpod
spec:
  initContainers:
  - name: setup
    image: busybox
    command: [\"sh\", \"-c\", \"sleep 3600\"]
  containers:
  - name: app
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: pending
spec:
  nodeSelector:
    disk: ssd
  containers:
  - name: app
    image: nginx
";

fn cluster_in_every_state() -> TestCluster {
    let timing = Timing { kill: Duration::from_secs(120), ..fast_timing() };
    let c = TestCluster::with(SimOptions { timing, ..SimOptions::default() });
    c.file("states.yaml", STATES);
    c.kubectl(&["apply", "-f", "states.yaml"]).ok();
    c.kubectl(&["run", "nginx", "--image=nginx:1.14.2", "--port=80"]).ok();
    c.kubectl(&["run", "crashy", "--image=busybox", "--", "sh", "-c", "echo boom; exit 1"]).ok();
    c.kubectl(&["run", "imgerr", "--image=nginx:doesnotexist"]).ok();
    c.kubectl(&["run", "done", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo ok"]).ok();
    c.kubectl(&["run", "failed", "--image=busybox", "--restart=Never", "--command", "--", "false"]).ok();
    c.kubectl(&["run", "dying", "--image=nginx"]).ok();
    c.wait_status("dying", "Running");
    c.kubectl(&["delete", "pod", "dying", "--wait=false"]).ok();
    c.wait_status("crashy", "CrashLoopBackOff");
    c.wait_status("imgerr", "ImagePullBackOff");
    c.wait_status("multi", "Running");
    c.wait_status("done", "Completed");
    c.wait_status("initpod", "Init:0/1");
    c
}

#[test]
fn tables_and_descriptions_match_kubectl() {
    let c = cluster_in_every_state();
    for line in [
        "get pods",
        "get pods -o wide",
        "get pods --show-labels",
        "get pods -A",
        "get pods -l app=web",
        "get pod nginx crashy",
        "get pods --no-headers",
    ] {
        c.assert_parity(line);
    }
    for pod in ["nginx", "crashy", "imgerr", "done", "failed", "dying", "multi", "initpod", "pending"] {
        c.assert_parity(&format!("describe pod {pod}"));
    }
    c.assert_parity("describe pods -l app=web");
    for line in
        ["get pod nginx -o yaml", "get pod multi -o json", "get pods -o name", "get namespaces", "get nodes -o wide"]
    {
        c.assert_parity(line);
    }
}

#[test]
fn errors_match_kubectl() {
    let c = TestCluster::start();
    for line in [
        "get pod nosuch",
        "describe pod nosuch",
        "delete pod nosuch",
        "logs nosuch",
        "get pods -n nosuchns",
        "get pods --field-selector spec.foo=bar",
        "run Bad_Name --image=nginx",
        "run x --image=nginx -n nosuchns",
    ] {
        c.assert_parity(line);
    }
    c.kubectl(&["run", "x", "--image=nginx"]).ok();
    c.assert_parity("run x --image=nginx");
}

#[test]
fn run_dry_run_manifests_match_kubectl() {
    let c = TestCluster::start();
    for flags in [
        "",
        "--port=8080",
        "--labels=app=web,tier=fe",
        "--env=FOO=bar --env=BAZ=qux",
        "--restart=Never",
        "--restart=OnFailure",
        "-n dev",
        "--annotations=a=b --image-pull-policy=IfNotPresent",
        "--privileged",
        "-- sleep 3600",
        "--command -- sh -c date",
    ] {
        for output in ["yaml", "json", "name"] {
            c.assert_parity(&format!("run nginx --image=nginx:1.14.2 --dry-run=client -o {output} {flags}"));
        }
    }
    c.assert_parity("run nginx --image=nginx --dry-run=client");
    c.assert_parity("run nginx --image=nginx --dry-run=server");
}

#[test]
fn logs_match_kubectl() {
    let c = cluster_in_every_state();
    for line in [
        "logs nginx",
        "logs nginx --tail=2",
        "logs multi",
        "logs multi -c sidecar --tail=1",
        "logs crashy --previous",
        "logs multi -c wrong",
        "logs done",
    ] {
        c.assert_parity(line);
    }
}

/// Collects a watching command's stdout lines until one contains `until`.
fn watch_until(
    mut cmd: std::process::Command,
    until: &'static str,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child =
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null()).spawn().expect("spawns");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let done = line.contains(until);
            if tx.send(line).is_err() || done {
                break;
            }
        }
    });
    (child, rx)
}

fn lines_until(rx: &std::sync::mpsc::Receiver<String>, until: &str) -> Vec<String> {
    let mut lines = Vec::new();
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(10)) {
        let done = l.contains(until);
        lines.push(l);
        if done {
            break;
        }
    }
    lines
}

#[test]
fn watch_output_matches_kubectl() {
    let mut last = (Vec::new(), Vec::new());
    for attempt in 0..3 {
        let c = TestCluster::start();
        let watches = |r: &podsh::sim::Simulator| r.requests().iter().filter(|x| x.uri.contains("watch=true")).count();
        let (mut k, krx) = watch_until(c.kubectl_cmd(&["get", "pods", "-w", "--output-watch-events"]), "Running");
        let (mut p, prx) = watch_until(c.podsh_cmd(&["-c", "get pods -w --output-watch-events"]), "Running");
        assert!(crate::util::wait_for(Duration::from_secs(10), || watches(&c.sim) >= 2), "both watches opened");
        c.kubectl(&["run", "w1", "--image=nginx"]).ok();
        let kl = lines_until(&krx, "Running");
        let pl = lines_until(&prx, "Running");
        let _ = (k.kill(), p.kill(), k.wait(), p.wait());
        if kl == pl && kl.len() >= 3 {
            assert_eq!(kl[0].split_whitespace().next(), Some("EVENT"));
            return;
        }
        last = (kl, pl);
        let _ = attempt;
    }
    panic!("watch output differs\n--- kubectl\n{}\n--- kubectl-podsh\n{}", last.0.join("\n"), last.1.join("\n"));
}
