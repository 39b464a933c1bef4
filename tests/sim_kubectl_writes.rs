//! Writes through kubectl: run (with server dry-run), client-side and server-side apply
//! (conflicts, force), patch types, label/annotate, image updates, graceful and forced
//! deletes, namespaces (including the protobuf body of `create namespace`).

use crate::util::{TestCluster, assert_text};

const APP: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app1\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n";

#[test]
fn run_variants() {
    let c = TestCluster::start();
    assert_text(c.kubectl(&["run", "s", "--image=nginx", "--dry-run=server"]).ok(), "pod/s created (server dry run)\n");
    assert_text(&c.kubectl(&["get", "pods", "-o", "name"]).stdout, "");
    assert_text(c.kubectl(&["run", "s", "--image=nginx", "--dry-run=client"]).ok(), "pod/s created (dry run)\n");
    assert_text(c.kubectl(&["run", "s", "--image=nginx", "-o", "name"]).ok(), "pod/s\n");
    let defaults = c.kubectl(&["get", "pod", "s", "-o", "jsonpath={.spec.containers[0].imagePullPolicy} {.spec.serviceAccountName} {.spec.tolerations[*].key} {.spec.terminationGracePeriodSeconds}"]);
    assert_text(defaults.ok(), "Always default node.kubernetes.io/not-ready node.kubernetes.io/unreachable 30");
}

#[test]
fn client_side_apply_create_configure_unchanged() {
    let c = TestCluster::start();
    c.file("app.yaml", APP);
    assert_text(c.kubectl(&["apply", "-f", "app.yaml"]).ok(), "pod/app1 created\n");
    assert_text(c.kubectl(&["apply", "-f", "app.yaml"]).ok(), "pod/app1 unchanged\n");
    c.file("app.yaml", &APP.replace("app: web", "app: web\n    tier: fe"));
    assert_text(
        c.kubectl(&["apply", "-f", "app.yaml", "--dry-run=server"]).ok(),
        "pod/app1 configured (server dry run)\n",
    );
    assert_text(c.kubectl(&["apply", "-f", "app.yaml"]).ok(), "pod/app1 configured\n");
    let labels = c.kubectl(&["get", "pod", "app1", "-o", "jsonpath={.metadata.labels}"]);
    assert_text(labels.ok(), r#"{"app":"web","tier":"fe"}"#);
    c.file(
        "app.yaml",
        &APP.replace("restartPolicy", "x").replace("image: nginx:1.25", "image: nginx:1.25\n  restartPolicy: Never"),
    );
    let forbidden = c.kubectl(&["apply", "-f", "app.yaml"]);
    assert!(
        forbidden.fails().contains("spec: Forbidden: pod updates may not change fields other than"),
        "{}",
        forbidden.stderr
    );
}

#[test]
fn server_side_apply_conflicts_and_force() {
    let c = TestCluster::start();
    c.file("app.yaml", APP);
    assert_text(c.kubectl(&["apply", "--server-side", "-f", "app.yaml"]).ok(), "pod/app1 serverside-applied\n");
    assert_text(c.kubectl(&["label", "pod", "app1", "app=other", "--overwrite"]).ok(), "pod/app1 labeled\n");
    let conflict = c.kubectl(&["apply", "--server-side", "-f", "app.yaml"]);
    assert!(
        conflict.fails().starts_with(
            "error: Apply failed with 1 conflict: conflict with \"kubectl-label\" using v1: .metadata.labels.app\n"
        ),
        "{}",
        conflict.stderr
    );
    assert_text(
        c.kubectl(&["apply", "--server-side", "--force-conflicts", "-f", "app.yaml"]).ok(),
        "pod/app1 serverside-applied\n",
    );
    assert_text(c.kubectl(&["get", "pod", "app1", "-o", "jsonpath={.metadata.labels.app}"]).ok(), "web");
}

#[test]
fn patches_labels_annotations_and_images() {
    let c = TestCluster::start();
    c.file("app.yaml", APP);
    c.kubectl(&["apply", "-f", "app.yaml"]).ok();
    c.wait_status("app1", "Running");
    assert_text(c.kubectl(&["annotate", "pod", "app1", "team=payments"]).ok(), "pod/app1 annotated\n");
    assert_text(
        c.kubectl(&["patch", "pod", "app1", "--type=merge", "-p", r#"{"metadata":{"labels":{"x":"y"}}}"#]).ok(),
        "pod/app1 patched\n",
    );
    assert_text(
        c.kubectl(&["patch", "pod", "app1", "--type=json", "-p", r#"[{"op":"remove","path":"/metadata/labels/x"}]"#])
            .ok(),
        "pod/app1 patched\n",
    );
    assert_text(
        c.kubectl(&["patch", "pod", "app1", "-p", r#"{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}"#])
            .ok(),
        "pod/app1 patched\n",
    );
    let got = c.kubectl(&[
        "get",
        "pod",
        "app1",
        "-o",
        "jsonpath={.metadata.labels} {.metadata.annotations.team} {.spec.containers[0].image}",
    ]);
    assert_text(got.ok(), r#"{"app":"web"} payments nginx:1.26"#);
    // The kubelet restarts a container whose image changed.
    assert!(crate::util::wait_for(std::time::Duration::from_secs(5), || {
        c.kubectl(&[
            "get",
            "pod",
            "app1",
            "-o",
            "jsonpath={.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].image}",
        ])
        .stdout
            == "1/docker.io/library/nginx:1.26"
    }));
}

#[test]
fn deletes_graceful_now_forced_and_without_wait() {
    let c = TestCluster::start();
    for n in ["a", "b", "f"] {
        c.kubectl(&["run", n, "--image=nginx"]).ok();
    }
    for n in ["a", "b", "f"] {
        c.wait_status(n, "Running");
    }
    assert_text(c.kubectl(&["delete", "pod", "a"]).ok(), "pod \"a\" deleted\n");
    assert_text(c.kubectl(&["delete", "pod", "b", "--now"]).ok(), "pod \"b\" deleted\n");
    let forced = c.kubectl(&["delete", "pod", "f", "--grace-period=0", "--force"]);
    assert_text(forced.ok(), "pod \"f\" force deleted\n");
    assert_text(
        &forced.stderr,
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n",
    );
    assert!(crate::util::wait_for(std::time::Duration::from_secs(5), || c
        .kubectl(&["get", "pods", "-o", "name"])
        .stdout
        .is_empty()));
}

#[test]
fn delete_without_wait_leaves_the_pod_terminating() {
    let timing = podsh::sim::Timing { kill: std::time::Duration::from_secs(3), ..crate::util::fast_timing() };
    let c = TestCluster::with(podsh::sim::SimOptions { timing, ..Default::default() });
    c.kubectl(&["run", "w", "--image=nginx"]).ok();
    c.wait_status("w", "Running");
    assert_text(c.kubectl(&["delete", "pod", "w", "--wait=false"]).ok(), "pod \"w\" deleted\n");
    let terminating = crate::util::cells(c.kubectl(&["get", "pod", "w", "--no-headers"]).ok().trim());
    assert_eq!(terminating[2], "Terminating");
    assert!(crate::util::wait_for(std::time::Duration::from_secs(5), || c
        .kubectl(&["get", "pods", "-o", "name"])
        .stdout
        .is_empty()));
}

#[test]
fn namespaces_create_list_delete() {
    let c = TestCluster::start();
    assert_text(c.kubectl(&["create", "namespace", "dev"]).ok(), "namespace/dev created\n");
    let shown = c.kubectl(&["get", "namespace", "dev", "--show-labels", "--no-headers"]);
    let row = crate::util::cells(shown.ok().trim());
    assert_eq!([&row[0], &row[1], &row[3]], ["dev", "Active", "kubernetes.io/metadata.name=dev"]);
    c.kubectl(&["run", "p", "--image=nginx", "-n", "dev"]).ok();
    assert_text(c.kubectl(&["delete", "namespace", "dev"]).ok(), "namespace \"dev\" deleted\n");
    assert_text(
        c.kubectl(&["get", "namespace", "dev"]).fails(),
        "Error from server (NotFound): namespaces \"dev\" not found\n",
    );
    let invalid = c.kubectl(&["create", "namespace", "Bad"]);
    assert!(
        invalid.fails().starts_with(
            "The Namespace \"Bad\" is invalid: metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 label"
        ),
        "{}",
        invalid.stderr
    );
}
