//! README claims that had no test of their own, each checked against real kubectl on the
//! same simulator: log selection flags, `events`, `wait --for=delete` and its timeout,
//! watch bookmarks, `--validate=ignore`, OnFailure restarts and the Guaranteed QoS class.

use std::time::Duration;

use crate::util::{TestCluster, wait_for};

/// A running pod that has printed its banner.
fn web(c: &TestCluster) {
    c.kubectl(&["run", "web", "--image=nginx:1.14.2"]).ok();
    c.wait_status("web", "Running");
    assert!(wait_for(Duration::from_secs(5), || !c.kubectl(&["logs", "web"]).stdout.is_empty()));
}

#[test]
fn log_selection_matches_kubectl() {
    let c = TestCluster::start();
    web(&c);
    let lines = c.kubectl(&["logs", "web", "--timestamps"]).ok().lines().count();
    assert!(lines >= 3, "a banner to select from");
    for line in [
        "logs web --timestamps",
        "logs web --since=1h",
        "logs web --since=1s --tail=2",
        "logs web --tail=1 --timestamps",
        "logs web --limit-bytes=20",
        "logs web -c web --tail=0",
    ] {
        c.assert_parity(line);
    }
    let first =
        c.kubectl(&["logs", "web", "--timestamps"]).ok().split_whitespace().next().unwrap_or_default().to_string();
    c.assert_parity(&format!("logs web --since-time={first}"));
    assert_eq!(c.kubectl(&["logs", "web", "--limit-bytes=20"]).ok().len(), 20, "kubectl got 20 bytes");
}

#[test]
fn events_match_kubectl() {
    let c = TestCluster::start();
    web(&c);
    c.kubectl(&["run", "gone", "--image=nginx:1.14.2-doesnotexist"]).ok();
    c.wait_status("gone", "ErrImagePull");
    c.assert_parity("events --for pod/gone");
    c.assert_parity("events --for pod/web");
}

#[test]
fn wait_for_delete_and_its_timeout_match_kubectl() {
    let c = TestCluster::start();
    web(&c);
    c.assert_parity("wait --for=delete pod/web --timeout=1s");
    c.assert_parity("wait --for=delete pod/nothing --timeout=1s");
    c.kubectl(&["delete", "pod", "web", "--wait=false"]).ok();
    let ours = c.podsh("wait --for=delete pod/web --timeout=30s");
    assert_eq!((ours.stdout.as_str(), ours.code), ("pod/web condition met\n", 0), "{}", ours.stderr);
}

#[test]
fn watches_get_bookmarks_before_their_deadline() {
    let c = TestCluster::start();
    web(&c);
    let cl = crate::sim_api::client(&c);
    let lines = c.runtime().block_on(async {
        use http_body_util::BodyExt;
        let req = http::Request::get(
            "/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=4&resourceVersion=0",
        )
        .body(kube::client::Body::empty())
        .expect("request");
        let body = cl.send(req).await.expect("watch").into_body().collect().await.expect("body").to_bytes();
        String::from_utf8_lossy(&body).lines().map(str::to_string).collect::<Vec<_>>()
    });
    let bookmarks: Vec<&String> = lines.iter().filter(|l| l.contains("\"type\":\"BOOKMARK\"")).collect();
    assert_eq!(bookmarks.len(), 1, "one bookmark, two seconds before the 4 s deadline: {lines:?}");
    assert!(bookmarks[0].contains("\"resourceVersion\""), "{}", bookmarks[0]);
}

#[test]
fn validate_ignore_sends_unknown_fields_without_a_word() {
    let c = TestCluster::start();
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: loose\nspec:\n  containers:\n  - name: c\n    image: nginx:1.14.2\n    imagePullPolice: Always\n";
    c.file("loose.yaml", manifest);
    c.assert_parity("apply -f loose.yaml --validate=ignore --dry-run=server");
    c.assert_parity("create -f loose.yaml --validate=false --dry-run=server");
    let warned = c.kubectl(&["apply", "-f", "loose.yaml", "--dry-run=server"]);
    assert!(warned.stderr.contains("unknown field"), "the default does warn: {}", warned.stderr);
}

#[test]
fn on_failure_restarts_failures_only() {
    let c = TestCluster::start();
    c.kubectl(&["run", "fails", "--image=busybox", "--restart=OnFailure", "--command", "--", "sh", "-c", "exit 3"])
        .ok();
    c.kubectl(&["run", "succeeds", "--image=busybox", "--restart=OnFailure", "--command", "--", "true"]).ok();
    assert!(wait_for(Duration::from_secs(20), || {
        c.kubectl(&["get", "pod", "fails", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]).stdout != "0"
    }));
    c.wait_status("succeeds", "Completed");
    std::thread::sleep(Duration::from_secs(2));
    let restarts = c.kubectl(&["get", "pod", "succeeds", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]);
    assert_eq!(restarts.ok(), "0", "a container that exits 0 is not restarted");
    c.assert_parity("get pod succeeds");
}

#[test]
fn requests_equal_to_limits_are_guaranteed() {
    let c = TestCluster::start();
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: g\nspec:\n  containers:\n  - name: c\n    image: nginx:1.14.2\n    resources:\n      limits: {cpu: 100m, memory: 64Mi}\n";
    c.file("g.yaml", manifest);
    c.kubectl(&["apply", "-f", "g.yaml"]).ok();
    assert_eq!(c.kubectl(&["get", "pod", "g", "-o", "jsonpath={.status.qosClass}"]).ok(), "Guaranteed");
    c.wait_status("g", "Running");
    c.assert_parity("describe pod g");
    let ours = c.podsh("describe pod g");
    assert!(ours.ok().contains("QoS Class:                   Guaranteed"), "{}", ours.stdout);
}

/// A failed container under `FallbackToLogsOnError` carries its log's tail as its
/// termination message, as kubectl reads it back.
#[test]
fn a_failed_container_falls_back_to_its_log_for_the_termination_message() {
    let c = TestCluster::start();
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: lastwords
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
    command: [sh, -c, \"echo starting; echo 'cannot open /etc/app.conf' >&2; exit 3\"]
";
    let file = c.file("lastwords.yaml", pod);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    c.wait_status("lastwords", "Error");
    let message = c.kubectl(&[
        "get",
        "pod",
        "lastwords",
        "-o",
        "jsonpath={.status.containerStatuses[0].state.terminated.message}",
    ]);
    assert_eq!(message.ok(), "starting\ncannot open /etc/app.conf\n");
}
