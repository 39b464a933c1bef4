//! The seed's pod phases as kubectl shows them: Pending -> Running, Succeeded, Failed,
//! CrashLoopBackOff with restarts, image pull failures, init containers, node loss, and
//! `logs -f` ending with its container.

use std::time::{Duration, Instant};

use crate::util::{TestCluster, assert_text, cells, wait_for};

fn status_of(c: &TestCluster, name: &str) -> Vec<String> {
    cells(c.kubectl(&["get", "pod", name, "--no-headers"]).stdout.trim())
}

#[test]
fn completion_and_failure_under_restart_never() {
    let c = TestCluster::start();
    c.kubectl(&["run", "ok", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo done"]).ok();
    c.kubectl(&["run", "bad", "--image=busybox", "--restart=Never", "--command", "--", "sh", "-c", "echo hi; exit 3"])
        .ok();
    c.wait_status("ok", "Completed");
    c.wait_status("bad", "Error");
    let phases = c.kubectl(&["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}={.status.phase} {end}"]);
    assert_text(phases.ok(), "bad=Failed ok=Succeeded ");
    let code =
        c.kubectl(&["get", "pod", "bad", "-o", "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}"]);
    assert_text(code.ok(), "3");
    assert_text(c.kubectl(&["logs", "bad"]).ok(), "hi\n");
    // Finished pods are deleted at once (grace forced to 0).
    assert_text(c.kubectl(&["delete", "pod", "ok"]).ok(), "pod \"ok\" deleted\n");
}

#[test]
fn crash_loop_counts_restarts_and_keeps_previous_logs() {
    let c = TestCluster::start();
    c.kubectl(&["run", "crashy", "--image=busybox", "--command", "--", "sh", "-c", "echo boom; exit 1"]).ok();
    c.wait_status("crashy", "CrashLoopBackOff");
    assert!(
        wait_for(Duration::from_secs(10), || status_of(&c, "crashy")[3].starts_with("2 (")),
        "restarts reach 2: {:?}",
        status_of(&c, "crashy")
    );
    assert_text(c.kubectl(&["logs", "crashy", "--previous"]).ok(), "boom\n");
    let described = c.kubectl(&["describe", "pod", "crashy"]);
    let d = described.ok();
    assert!(d.contains("    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n"), "{d}");
    assert!(d.contains("Back-off restarting failed container crashy in pod crashy_default("), "{d}");
    assert_eq!(c.kubectl(&["get", "pod", "crashy", "-o", "jsonpath={.status.phase}"]).ok(), "Running");
}

#[test]
fn missing_image_backs_off() {
    let c = TestCluster::start();
    c.kubectl(&["run", "imgerr", "--image=nginx:doesnotexist"]).ok();
    c.wait_status("imgerr", "ErrImagePull");
    c.wait_status("imgerr", "ImagePullBackOff");
    let d = c.kubectl(&["describe", "pod", "imgerr"]);
    assert!(d.ok().contains("Error: ErrImagePull"), "{}", d.stdout);
    let logs = c.kubectl(&["logs", "imgerr"]);
    assert!(logs.fails().contains("is waiting to start: image can't be pulled"), "{}", logs.stderr);
}

#[test]
fn init_containers_gate_the_app() {
    let c = TestCluster::start();
    c.file(
        "init.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: initpod\nspec:\n  initContainers:\n  - name: setup\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo preparing; sleep 2\"]\n  containers:\n  - name: app\n    image: nginx\n",
    );
    c.kubectl(&["apply", "-f", "init.yaml"]).ok();
    c.wait_status("initpod", "Init:0/1");
    assert_eq!(status_of(&c, "initpod")[1], "0/1");
    c.wait_status("initpod", "Running");
    assert_text(c.kubectl(&["logs", "initpod", "-c", "setup"]).ok(), "preparing\n");
}

#[test]
fn logs_follow_ends_when_the_container_ends() {
    let c = TestCluster::start();
    c.kubectl(&[
        "run",
        "talker",
        "--image=busybox",
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "echo one; sleep 1; echo two; sleep 1; echo three",
    ])
    .ok();
    c.wait_status("talker", "Running");
    let start = Instant::now();
    let out = c.kubectl(&["logs", "-f", "talker"]);
    assert_text(out.ok(), "one\ntwo\nthree\n");
    assert!(start.elapsed() < Duration::from_secs(8), "follow ended with the container");
}

#[test]
fn multi_container_logs_name_the_default() {
    let c = TestCluster::start();
    c.file(
        "two.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: web\n    image: nginx\n  - name: sidecar\n    image: busybox\n    command: [\"sh\", \"-c\", \"while true; do echo tick; sleep 1; done\"]\n",
    );
    c.kubectl(&["apply", "-f", "two.yaml"]).ok();
    c.wait_status("two", "Running");
    let out = c.kubectl(&["logs", "two"]);
    assert_eq!(out.ok().lines().count(), 5);
    assert_text(&out.stderr, "Defaulted container \"web\" out of: web, sidecar\n");
    let tail = c.kubectl(&["logs", "two", "-c", "sidecar", "--tail=1"]);
    assert_text(tail.ok(), "tick\n");
    assert_text(
        c.kubectl(&["logs", "two", "-c", "wrong"]).fails(),
        "error: container wrong is not valid for pod two\n",
    );
}

#[test]
fn deleting_a_node_fails_its_pods() {
    let c = TestCluster::with(podsh::sim::SimOptions {
        nodes: 2,
        timing: crate::util::fast_timing(),
        ..Default::default()
    });
    for name in ["p1", "p2"] {
        c.kubectl(&["run", name, "--image=nginx"]).ok();
    }
    c.wait_status("p1", "Running");
    c.wait_status("p2", "Running");
    let node_of = |p: &str| c.kubectl(&["get", "pod", p, "-o", "jsonpath={.spec.nodeName}"]).stdout;
    let (n1, n2) = (node_of("p1"), node_of("p2"));
    assert_ne!(n1, n2, "pods spread over both nodes");
    assert_text(c.kubectl(&["delete", "node", "node-2"]).ok(), "node \"node-2\" deleted\n");
    let lost = if n1 == "node-2" { "p1" } else { "p2" };
    let kept = if lost == "p1" { "p2" } else { "p1" };
    c.wait_status(lost, "NodeLost");
    assert_eq!(c.kubectl(&["get", "pod", lost, "-o", "jsonpath={.status.phase}"]).ok(), "Failed");
    assert_eq!(status_of(&c, kept)[2], "Running");
}

#[test]
fn requests_beyond_the_node_stay_pending_until_room_is_made() {
    let c = TestCluster::start();
    // The node has 2 CPUs: a pod asking for 1.5 fits, a second one does not.
    c.kubectl(&[
        "run",
        "big",
        "--image=nginx",
        "--overrides",
        r#"{"spec":{"containers":[{"name":"big","image":"nginx","resources":{"requests":{"cpu":"1500m"}}}]}}"#,
    ])
    .ok();
    c.wait_status("big", "Running");
    c.kubectl(&[
        "run",
        "more",
        "--image=nginx",
        "--overrides",
        r#"{"spec":{"containers":[{"name":"more","image":"nginx","resources":{"requests":{"cpu":"1"}}}]}}"#,
    ])
    .ok();
    c.kubectl(&[
        "run",
        "huge",
        "--image=nginx",
        "--overrides",
        r#"{"spec":{"containers":[{"name":"huge","image":"nginx","resources":{"requests":{"cpu":"500"}}}]}}"#,
    ])
    .ok();
    let expected = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
    for pod in ["more", "huge"] {
        assert!(
            wait_for(Duration::from_secs(10), || c.kubectl(&["describe", "pod", pod]).stdout.contains(expected)),
            "{pod} is refused for cpu: {}",
            c.kubectl(&["describe", "pod", pod]).stdout
        );
        assert_eq!(status_of(&c, pod)[2], "Pending");
    }
    // Freeing the CPU lets the smaller one in; the impossible one stays.
    c.kubectl(&["delete", "pod", "big", "--grace-period=0", "--force"]);
    c.wait_status("more", "Running");
    assert_eq!(status_of(&c, "huge")[2], "Pending");
}

#[test]
fn a_tainted_node_takes_only_pods_that_tolerate_it() {
    let c = TestCluster::start();
    assert_text(c.kubectl(&["taint", "nodes", "node-1", "dedicated=gpu:NoSchedule"]).ok(), "node/node-1 tainted\n");
    c.kubectl(&["run", "plain", "--image=nginx"]).ok();
    let expected = "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    assert!(
        wait_for(Duration::from_secs(10), || c.kubectl(&["describe", "pod", "plain"]).stdout.contains(expected)),
        "{}",
        c.kubectl(&["describe", "pod", "plain"]).stdout
    );
    let tolerant =
        r#"{"spec":{"tolerations":[{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}]}}"#;
    c.kubectl(&["run", "tolerant", "--image=nginx", "--overrides", tolerant]).ok();
    c.wait_status("tolerant", "Running");
    assert_eq!(status_of(&c, "plain")[2], "Pending");
    // Removing the taint lets the other pod in.
    assert_text(c.kubectl(&["taint", "nodes", "node-1", "dedicated-"]).ok(), "node/node-1 untainted\n");
    c.wait_status("plain", "Running");
}
