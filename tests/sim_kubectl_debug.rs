//! `kubectl debug` against the simulator: an ephemeral container added through the
//! `ephemeralcontainers` subresource and attached to (`-it`, in tmux), its status and the
//! describe section (the shell's describe agreeing with kubectl's), the API server's
//! refusal to change one, and `--copy-to` (a whole Pod posted as protobuf).

use std::time::Duration;

use crate::util::tmux::Tmux;
use crate::util::{TestCluster, wait_for};

fn nginx(c: &TestCluster) {
    c.kubectl(&["run", "nginx", "--image=nginx"]).ok();
    c.wait_status("nginx", "Running");
}

#[test]
fn debug_it_attaches_to_a_new_ephemeral_container() {
    let c = TestCluster::start();
    nginx(&c);
    let t = Tmux::spawn(&format!(
        "HOME={} KUBECONFIG={} {} debug -it nginx --image=busybox --container=dbg",
        c.dir.path().display(),
        c.kubeconfig.display(),
        crate::util::kubectl_path().display()
    ));
    t.wait_for("kubectl's hint", |s| s.contains("If you don't see a command prompt, try pressing enter."));
    t.send(&["Enter"]);
    t.wait_for("busybox's prompt", |s| s.contains("\n/ #"));
    t.line("hostname; wget -qO- localhost | grep -c 'Welcome to nginx'");
    // The page's title and heading both say it.
    t.wait_for("the pod's hostname and its server, shared", |s| s.contains("\nnginx\n2\n"));
    t.line("exit 2");
    t.wait_for("kubectl's exit", |s| s.contains("EXITED=0"));
    let state = c.kubectl(&["get", "pod", "nginx", "-o", "jsonpath={.status.ephemeralContainerStatuses[0].name} {.status.ephemeralContainerStatuses[0].state.terminated.exitCode}"]);
    assert_eq!(state.ok(), "dbg 2");
    let events = c.kubectl(&["events", "--for", "pod/nginx"]);
    assert!(events.ok().contains("Started container dbg"), "{}", events.stdout);
    c.assert_parity("describe pod nginx");
}

#[test]
fn ephemeral_containers_can_be_added_but_not_changed() {
    let c = TestCluster::start();
    nginx(&c);
    let added = c.kubectl(&["debug", "nginx", "--image=busybox", "--container=dbg", "--", "sleep", "3600"]);
    added.ok();
    let running = wait_for(Duration::from_secs(10), || {
        c.kubectl(&["get", "pod", "nginx", "-o", "jsonpath={.status.ephemeralContainerStatuses[0].state.running}"])
            .stdout
            .contains("startedAt")
    });
    assert!(running, "the ephemeral container runs");
    let inside = c.kubectl(&["exec", "nginx", "-c", "dbg", "--", "hostname"]);
    assert_eq!(inside.ok(), "nginx\n");
    let patch = r#"{"spec":{"ephemeralContainers":[{"name":"dbg","image":"alpine","command":["sleep","3600"]}]}}"#;
    let changed =
        c.kubectl(&["patch", "pod", "nginx", "--subresource=ephemeralcontainers", "--type=strategic", "-p", patch]);
    assert!(
        changed.fails().contains("Forbidden: existing ephemeral containers \"dbg\" may not be changed"),
        "{}",
        changed.stderr
    );
    let plain = c.kubectl(&[
        "patch",
        "pod",
        "nginx",
        "--type=strategic",
        "-p",
        r#"{"spec":{"ephemeralContainers":[{"name":"x","image":"busybox"}]}}"#,
    ]);
    assert!(plain.fails().contains("Forbidden: pod updates may not change fields"), "{}", plain.stderr);
}

#[test]
fn copy_to_posts_a_whole_pod_as_protobuf() {
    let c = TestCluster::start();
    nginx(&c);
    let copied = c.kubectl(&[
        "debug",
        "nginx",
        "--copy-to=nginx-copy",
        "--image=busybox",
        "--container=dbg",
        "--",
        "sleep",
        "3600",
    ]);
    copied.ok();
    c.wait_status("nginx-copy", "Running");
    let shape = c.kubectl(&[
        "get",
        "pod",
        "nginx-copy",
        "-o",
        "jsonpath={.spec.containers[*].name} {.spec.volumes[*].name} {.spec.containers[1].volumeMounts[0].name}",
    ]);
    let text = shape.ok().to_string();
    let words: Vec<&str> = text.split(' ').collect();
    assert_eq!(&words[..2], ["nginx", "dbg"], "{text}");
    assert!(
        words[2].starts_with("kube-api-access-") && words.len() == 4 && words[3] == words[2],
        "one token volume, shared: {text}"
    );
    let image = c.kubectl(&[
        "get",
        "pod",
        "nginx-copy",
        "-o",
        "jsonpath={.spec.containers[0].image} {.spec.containers[0].terminationMessagePath}",
    ]);
    assert_eq!(image.ok(), "nginx /dev/termination-log");
}
