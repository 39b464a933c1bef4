//! `why POD`: each cause reproduced on the simulator and explained: an image tag that
//! does not exist (with the tag the namespace did pull), a crash loop with its last
//! logs, a container that ended in error, an OOM kill, a failing probe, a missing
//! ConfigMap, a pod no node fits, a lost node, and a deletion held by a finalizer.

use std::time::Duration;

use podsh::sim::SimOptions;

use crate::util::{TestCluster, fast_timing, wait_for};

/// Waits until `jsonpath` of pod `name` satisfies `ok`.
#[track_caller]
fn until(c: &TestCluster, name: &str, jsonpath: &str, ok: impl Fn(&str) -> bool) {
    let mut last = String::new();
    let done = wait_for(Duration::from_secs(20), || {
        last = c.kubectl(&["get", "pod", name, "-o", &format!("jsonpath={jsonpath}")]).stdout;
        ok(&last)
    });
    assert!(done, "pod {name}: {jsonpath} never held; last {last:?}");
}

/// `why NAME`'s report.
#[track_caller]
fn why(c: &TestCluster, name: &str) -> String {
    let out = c.podsh(&format!("why {name}"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

fn apply(c: &TestCluster, manifest: &str) {
    let f = c.file("m.yaml", manifest);
    c.kubectl(&["apply", "-f", f.to_str().expect("utf-8")]).ok();
}

#[test]
fn image_tags_that_do_not_exist() {
    let c = TestCluster::start();
    c.kubectl(&["run", "good", "--image=nginx:1.14.2"]).ok();
    c.wait_status("good", "Running");
    assert_eq!(why(&c, "good"), "pod/good: Running and Ready (1/1); nothing wrong found\n");
    c.kubectl(&["run", "typo", "--image=nginx:1.14.22"]).ok();
    until(&c, "typo", "{.status.containerStatuses[0].state.waiting.reason}", |r| r.contains("ImagePull"));
    let text = why(&c, "typo");
    let full = "docker.io/library/nginx:1.14.22";
    assert!(text.starts_with("pod/typo: ErrImagePull\n") || text.starts_with("pod/typo: ImagePullBackOff\n"), "{text}");
    assert!(text.contains("- container typo cannot pull image \"nginx:1.14.22\" ("), "{text}");
    assert!(
        text.contains(&format!("  the registry answered: failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found\n")),
        "{text}"
    );
    assert!(text.contains("  did you mean \"nginx:1.14.2\"? (this namespace pulled that tag)\n"), "{text}");
    assert!(text.contains("`kubectl set image pod/typo typo=IMAGE`"), "{text}");
}

#[test]
fn crash_loops_and_containers_that_ended_in_error() {
    let c = TestCluster::start();
    c.kubectl(&["run", "crash", "--image=busybox", "--", "sh", "-c", "echo starting; echo bad config >&2; exit 3"])
        .ok();
    until(&c, "crash", "{.status.containerStatuses[0].state.waiting.reason}", |r| r == "CrashLoopBackOff");
    let text = why(&c, "crash");
    assert!(
        text.starts_with("pod/crash: CrashLoopBackOff\n- container crash keeps crashing (CrashLoopBackOff, "),
        "{text}"
    );
    assert!(text.contains("  it last exited with code 3: an application-specific error\n"), "{text}");
    assert!(text.contains("  the last lines of its last instance's log:\n  | starting\n  | bad config\n"), "{text}");
    c.kubectl(&[
        "run",
        "once",
        "--image=busybox",
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "echo usage: once FILE; exit 2",
    ])
    .ok();
    until(&c, "once", "{.status.phase}", |p| p == "Failed");
    let text = why(&c, "once");
    assert_eq!(
        text,
        "pod/once: Error\n- container once exited with code 2\n  a usage error: wrong arguments or shell syntax\n  the last lines of its last log:\n  | usage: once FILE\n"
    );
}

#[test]
fn memory_and_probes() {
    let c = TestCluster::start();
    apply(
        &c,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: hog}\nspec:\n  containers:\n  - name: stress\n    image: polinux/stress\n    resources:\n      limits: {memory: 100Mi}\n    command: [stress]\n    args: [--vm, \"1\", --vm-bytes, 250M, --vm-hang, \"1\"]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: unready}\nspec:\n  containers:\n  - name: web\n    image: nginx\n    readinessProbe:\n      exec: {command: [cat, /tmp/ready]}\n      periodSeconds: 1\n",
    );
    until(&c, "hog", "{.status.containerStatuses[0].restartCount}", |n| n.parse::<i32>().is_ok_and(|n| n >= 1));
    let text = why(&c, "hog");
    assert!(text.contains("- container stress was killed for running out of memory (OOMKilled, "), "{text}");
    assert!(
        text.contains("  its memory limit is 100Mi; it used more, and the kernel killed it (exit 137)\n"),
        "{text}"
    );
    until(&c, "unready", "{.status.containerStatuses[0].started}", |s| s == "true");
    let mut text = String::new();
    wait_for(Duration::from_secs(10), || {
        text = why(&c, "unready");
        text.contains("readiness probe")
    });
    assert!(text.starts_with("pod/unready: Running\n- the readiness probe of container web fails ("), "{text}");
    assert!(
        text.contains("  last answer: Readiness probe failed: cat: /tmp/ready: No such file or directory\n"),
        "{text}"
    );
    assert!(text.contains("  the pod is not Ready, so Services send it no traffic\n"), "{text}");
}

#[test]
fn missing_configuration_and_scheduling() {
    let c = TestCluster::start();
    apply(
        &c,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: cfg}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    env:\n    - name: MODE\n      valueFrom:\n        configMapKeyRef: {name: app-config, key: mode}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests: {cpu: \"100\"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: vol}\nspec:\n  volumes:\n  - name: cfg\n    secret: {secretName: tls}\n  containers:\n  - name: app\n    image: nginx\n    volumeMounts: [{name: cfg, mountPath: /etc/tls}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: picky}\nspec:\n  nodeSelector: {disktype: ssd}\n  containers:\n  - name: app\n    image: nginx\n",
    );
    until(&c, "cfg", "{.status.containerStatuses[0].state.waiting.reason}", |r| r == "CreateContainerConfigError");
    let text = why(&c, "cfg");
    assert_eq!(
        text,
        "pod/cfg: CreateContainerConfigError\n- container app cannot start: configmap \"app-config\" not found\n  create it in namespace \"default\" (`kubectl create configmap|secret ...`), or mark the reference optional\n"
    );
    let mut text = String::new();
    wait_for(Duration::from_secs(10), || {
        text = why(&c, "vol");
        text.contains("cannot be mounted")
    });
    assert!(
        text.starts_with("pod/vol: ContainerCreating\n- a volume cannot be mounted: MountVolume.SetUp failed for volume \"cfg\" : secret \"tls\" not found\n"),
        "{text}"
    );
    until(&c, "big", "{.status.conditions[0].reason}", |r| r == "Unschedulable");
    let text = why(&c, "big");
    assert!(
        text.starts_with(
            "pod/big: Pending\n- the scheduler cannot place it: 0/1 nodes are available: 1 Insufficient cpu\n"
        ),
        "{text}"
    );
    assert!(text.contains("  container app requests cpu 100; no node has that much unrequested\n"), "{text}");
    until(&c, "picky", "{.status.conditions[0].reason}", |r| r == "Unschedulable");
    let text = why(&c, "picky");
    assert!(text.contains("  its nodeSelector disktype=ssd matches no node's labels\n"), "{text}");
}

#[test]
fn lost_nodes_and_finalizers() {
    let c = TestCluster::with(SimOptions { nodes: 2, timing: fast_timing(), ..SimOptions::default() });
    apply(
        &c,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: held, finalizers: [example.com/hold]}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - name: app\n    image: nginx\n",
    );
    c.kubectl(&["run", "orphan", "--image=nginx"]).ok();
    c.wait_status("held", "Running");
    c.wait_status("orphan", "Running");
    c.kubectl(&["delete", "pod", "held", "--wait=false"]).ok();
    std::thread::sleep(Duration::from_millis(1500));
    let text = why(&c, "held");
    assert!(text.contains("- it is stuck Terminating ("), "{text}");
    assert!(text.contains(" past its deletion): finalizers example.com/hold remain\n"), "{text}");
    assert!(text.contains("kubectl patch pod held --type=merge -p '{\"metadata\":{\"finalizers\":null}}'"), "{text}");
    c.kubectl(&["patch", "pod", "held", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}"]).ok();
    assert!(wait_for(Duration::from_secs(5), || c.kubectl(&["get", "pod", "held"]).code != 0), "gone once released");
    let node = c.kubectl(&["get", "pod", "orphan", "-o", "jsonpath={.spec.nodeName}"]).stdout;
    c.kubectl(&["delete", "node", &node]).ok();
    until(&c, "orphan", "{.status.reason}", |r| r == "NodeLost");
    let text = why(&c, "orphan");
    assert!(text.contains(&format!("- its node {node} stopped responding, so the pod was marked Failed (NodeLost)\n  node {node} no longer exists\n")), "{text}");
    let out = c.podsh("why nope");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "line 1: error: error from server (NotFound): pods \"nope\" not found in namespace \"default\"\n")
    );
}

#[test]
fn a_node_that_stopped_reporting() {
    let timing = podsh::sim::Timing { node_lost: Duration::from_secs(60), ..fast_timing() };
    let c = TestCluster::with(SimOptions { timing, ..SimOptions::default() });
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    c.wait_status("web", "Running");
    let node = c.kubectl(&["get", "pod", "web", "-o", "jsonpath={.spec.nodeName}"]).stdout;
    c.kubectl(&["delete", "node", &node]).ok();
    until(&c, "web", "{.status.conditions[?(@.type==\"Ready\")].status}", |s| s == "Unknown");
    let text = why(&c, "web");
    assert!(
        text.contains(&format!(
            "- its node {node} stopped reporting, so the pod's state is Unknown\n  node {node} no longer exists\n"
        )),
        "{text}"
    );
}
