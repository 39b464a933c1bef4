//! Pod semantics a learner meets next, seen through real kubectl: a sidecar (restartable
//! init container) counted in READY, a readiness probe holding READY back until it passes,
//! a failing liveness probe restarting the container (and an `exec` that fixes it), and a
//! container OOMKilled for allocating past its memory limit.

use std::time::Duration;

use crate::util::{TestCluster, wait_for};

const PODS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: side
spec:
  initContainers:
  - name: logshipper
    image: alpine
    restartPolicy: Always
    command: ['sh', '-c', 'tail -F /opt/logs.txt']
  containers:
  - name: web
    image: nginx
    readinessProbe:
      httpGet: {path: /, port: 80}
      initialDelaySeconds: 2
      periodSeconds: 1
---
apiVersion: v1
kind: Pod
metadata:
  name: live
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    livenessProbe:
      exec:
        command: [cat, /tmp/healthy]
      initialDelaySeconds: 1
      periodSeconds: 1
      failureThreshold: 2
---
apiVersion: v1
kind: Pod
metadata:
  name: memory-demo
spec:
  containers:
  - name: stress
    image: polinux/stress
    resources:
      limits: {memory: 100Mi}
    command: [stress]
    args: [--vm, \"1\", --vm-bytes, 250M, --vm-hang, \"1\"]
";

fn row(c: &TestCluster, name: &str) -> Vec<String> {
    c.kubectl(&["get", "pod", name, "--no-headers"]).stdout.split_whitespace().map(str::to_string).collect()
}

#[test]
fn sidecars_probes_and_the_oom_killer() {
    let c = TestCluster::start();
    let file = c.file("pods.yaml", PODS);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();

    // The readiness probe waits 2 s: the sidecar is ready first, then both.
    let mut seen_half = false;
    let both = wait_for(Duration::from_secs(15), || {
        let r = row(&c, "side");
        seen_half |= r.get(1).map(String::as_str) == Some("1/2") && r.get(2).map(String::as_str) == Some("Running");
        r.get(1).map(String::as_str) == Some("2/2")
    });
    assert!(both && seen_half, "side went 1/2 Running then 2/2: {:?}", row(&c, "side"));
    let status = c.kubectl(&[
        "get",
        "pod",
        "side",
        "-o",
        "jsonpath={.status.initContainerStatuses[0].started} {.status.initContainerStatuses[0].ready}",
    ]);
    assert_eq!(status.ok(), "true true");

    // Liveness fails (no /tmp/healthy): killed, restarted, with the kubelet's events.
    let restarted = wait_for(Duration::from_secs(15), || row(&c, "live").get(3).is_some_and(|n| n != "0"));
    assert!(restarted, "live restarted: {:?}", row(&c, "live"));
    let described = c.kubectl(&["describe", "pod", "live"]);
    let text = described.ok();
    assert!(
        text.contains("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"),
        "{text}"
    );
    assert!(text.contains("Container app failed liveness probe, will be restarted"), "{text}");

    // The OOM killer: exit 137, reason OOMKilled.
    let oom = wait_for(Duration::from_secs(15), || {
        let r = c.kubectl(&["get", "pod", "memory-demo", "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}"]);
        r.stdout == "OOMKilled 137"
    });
    assert!(oom, "memory-demo OOMKilled: {:?}", row(&c, "memory-demo"));
}

#[test]
fn fixing_a_failing_probe_through_exec_keeps_the_container() {
    let c = TestCluster::start();
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    readinessProbe:
      httpGet: {path: /healthz, port: 80}
      periodSeconds: 1
      failureThreshold: 1
";
    let file = c.file("web.yaml", pod);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    c.wait_status("web", "Running");
    let unready = wait_for(Duration::from_secs(10), || {
        c.kubectl(&["describe", "pod", "web"])
            .stdout
            .contains("Readiness probe failed: HTTP probe failed with statuscode: 404")
    });
    assert!(unready, "the probe's 404 is reported");
    assert_eq!(row(&c, "web").get(1).map(String::as_str), Some("0/1"));
    c.kubectl(&["exec", "web", "--", "sh", "-c", "echo ok > /usr/share/nginx/html/healthz"]).ok();
    let ready = wait_for(Duration::from_secs(10), || row(&c, "web").get(1).map(String::as_str) == Some("1/1"));
    assert!(ready, "ready once the page exists: {:?}", row(&c, "web"));
    let logs = c.kubectl(&["logs", "web"]);
    assert!(logs.ok().contains("\"GET /healthz HTTP/1.1\" 200 3 \"-\" \"kube-probe/1.33\""), "{}", logs.stdout);
}

#[test]
fn the_docs_liveness_example_passes_then_fails_when_the_file_goes() {
    let c = TestCluster::start();
    // The Kubernetes docs' exec liveness pod, with its 30 s shortened to 2 s.
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: liveness-exec
spec:
  containers:
  - name: liveness
    image: busybox
    args: [/bin/sh, -c, 'touch /tmp/healthy; sleep 2; rm -f /tmp/healthy; sleep 600']
    livenessProbe:
      exec:
        command: [cat, /tmp/healthy]
      periodSeconds: 1
      failureThreshold: 1
";
    let file = c.file("liveness.yaml", pod);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    c.wait_status("liveness-exec", "Running");
    std::thread::sleep(Duration::from_millis(1200));
    let early = c.kubectl(&["describe", "pod", "liveness-exec"]);
    assert!(!early.ok().contains("Unhealthy"), "healthy while /tmp/healthy exists:\n{}", early.stdout);
    let killed = wait_for(Duration::from_secs(15), || {
        c.kubectl(&["describe", "pod", "liveness-exec"])
            .stdout
            .contains("Container liveness failed liveness probe, will be restarted")
    });
    assert!(killed, "{}", c.kubectl(&["describe", "pod", "liveness-exec"]).stdout);
}

/// The kubelet's rules for fields other writers own, through real kubectl: a readiness
/// gate holds Ready at False (with the kubelet's message) until an operator writes its
/// condition through the status subresource; that condition, an eviction's reason and
/// message, and a nominated node all survive the kubelet's later status updates.
#[test]
fn readiness_gates_and_conditions_other_writers_own() {
    let c = TestCluster::start();
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: gated
spec:
  readinessGates: [{conditionType: example.com/lb}]
  containers: [{name: app, image: nginx}]
";
    let file = c.file("gated.yaml", pod);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    c.wait_status("gated", "Running");
    let ready = |c: &TestCluster| {
        c.kubectl(&[
            "get",
            "pod",
            "gated",
            "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}|{.status.conditions[?(@.type==\"Ready\")].reason}|{.status.conditions[?(@.type==\"Ready\")].message}",
        ])
        .ok()
        .to_string()
    };
    let held = wait_for(Duration::from_secs(10), || {
        ready(&c)
            == "False|ReadinessGatesNotReady|corresponding condition of pod readiness gate \"example.com/lb\" does not exist."
    });
    assert!(held, "Ready held by the gate: {}", ready(&c));
    assert_eq!(row(&c, "gated").get(1).map(String::as_str), Some("1/1"), "the containers are ready");

    let set = |status: &str| {
        c.kubectl(&["patch", "pod", "gated", "--subresource=status", "--type=strategic", "-p", status]).ok();
    };
    set(r#"{"status":{"conditions":[{"type":"example.com/lb","status":"False"}]}}"#);
    let gate_false =
        "False|ReadinessGatesNotReady|the status of pod readiness gate \"example.com/lb\" is not \"True\", but False";
    assert!(wait_for(Duration::from_secs(10), || ready(&c) == gate_false), "{}", ready(&c));
    set(r#"{"status":{"conditions":[{"type":"example.com/lb","status":"True"}]}}"#);
    assert!(wait_for(Duration::from_secs(10), || ready(&c) == "True||"), "the gate opens: {}", ready(&c));
    let wide = c.kubectl(&["get", "pod", "gated", "-o", "wide", "--no-headers"]).ok().to_string();
    assert_eq!(wide.split_whitespace().last(), Some("1/1"), "READINESS GATES 1/1: {wide}");

    set(
        r#"{"status":{"reason":"Evicted","message":"The node was low on resource: memory.","nominatedNodeName":"node-2"}}"#,
    );
    // Any later write to the pod has the kubelet project its status again; they stay.
    c.kubectl(&["label", "pod", "gated", "touched=yes"]).ok();
    let described = c.kubectl(&["describe", "pod", "gated"]).ok().to_string();
    let field = |key: &str| {
        described.lines().find_map(|l| l.strip_prefix(key)).map(str::trim_start).unwrap_or_default().to_string()
    };
    assert_eq!(field("Reason:"), "Evicted", "{described}");
    assert_eq!(field("Message:"), "The node was low on resource: memory.", "{described}");
    assert_eq!(field("NominatedNodeName:"), "node-2", "{described}");
}
