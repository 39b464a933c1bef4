//! kubectl's exact messages for the API server's errors: 401, 404, 409, 422, 400.

use crate::util::{TestCluster, assert_text};

const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

#[test]
fn not_found_already_exists_and_missing_namespace() {
    let c = TestCluster::start();
    assert_text(
        c.kubectl(&["get", "pod", "nosuch"]).fails(),
        "Error from server (NotFound): pods \"nosuch\" not found\n",
    );
    assert_text(
        c.kubectl(&["describe", "pod", "nosuch"]).fails(),
        "Error from server (NotFound): pods \"nosuch\" not found\n",
    );
    assert_text(
        c.kubectl(&["delete", "pod", "nosuch"]).fails(),
        "Error from server (NotFound): pods \"nosuch\" not found\n",
    );
    assert_text(
        c.kubectl(&["logs", "nosuch"]).fails(),
        "error: error from server (NotFound): pods \"nosuch\" not found in namespace \"default\"\n",
    );
    c.kubectl(&["run", "x", "--image=nginx"]).ok();
    assert_text(
        c.kubectl(&["run", "x", "--image=nginx"]).fails(),
        "Error from server (AlreadyExists): pods \"x\" already exists\n",
    );
    assert_text(
        c.kubectl(&["run", "y", "--image=nginx", "-n", "nosuchns"]).fails(),
        "Error from server (NotFound): namespaces \"nosuchns\" not found\n",
    );
    assert_text(
        c.kubectl(&["delete", "namespace", "default"]).fails(),
        "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted\n",
    );
}

#[test]
fn invalid_pods_list_every_cause() {
    let c = TestCluster::start();
    c.file(
        "bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 70000\n  - name: a\n    image: busybox\n",
    );
    // shared/reference/kubectl-outputs/errors_outputs.txt (real kubectl 1.32, same text in 1.33).
    let expected = format!(
        "The Pod \"Bad_Name\" is invalid: \n* metadata.name: Invalid value: \"Bad_Name\": {SUBDOMAIN}\n* spec.containers[0].image: Required value\n* spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.containers[1].name: Duplicate value: \"a\"\n"
    );
    assert_text(c.kubectl(&["create", "-f", "bad.yaml"]).fails(), &expected);
    c.file("bad2.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: okname\nspec:\n  containers:\n  - name: c\n");
    assert_text(
        c.kubectl(&["create", "-f", "bad2.yaml"]).fails(),
        "The Pod \"okname\" is invalid: spec.containers[0].image: Required value\n",
    );
    c.file("bad3.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: c\n    image: nginx\n");
    assert_text(
        c.kubectl(&["create", "-f", "bad3.yaml", "--validate=false"]).fails(),
        "The Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"\n",
    );
}

#[test]
fn bad_selectors_are_bad_requests() {
    let c = TestCluster::start();
    assert_text(
        c.kubectl(&["get", "pods", "--field-selector", "spec.foo=bar"]).fails(),
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"spec.foo=bar\": field label not supported: spec.foo\n",
    );
    let broken = c.kubectl(&["get", "pods", "-l", "a in (b"]);
    assert!(broken.fails().starts_with("Error from server (BadRequest): "), "{}", broken.stderr);
}

#[test]
fn wrong_token_is_unauthorized() {
    let c = TestCluster::start();
    let text = std::fs::read_to_string(&c.kubeconfig).expect("kubeconfig");
    let wrong = text.replace(c.sim.token(), "not-the-token");
    c.file("wrong-kubeconfig", &wrong);
    let out = c.kubectl(&["--kubeconfig", "wrong-kubeconfig", "get", "pods"]);
    // kubectl >= 1.26 fails in aggregated discovery first and words a 401 this way; the same
    // lines are what users report from real clusters with a bad token. (The 1.32 notes'
    // `(Unauthorized)` form is what non-discovery requests print.)
    assert!(
        out.fails().ends_with(
            "error: You must be logged in to the server (the server has asked for the client to provide credentials)\n"
        ),
        "{}",
        out.stderr
    );
    let unauth = c.sim.requests().iter().filter(|r| r.uri.starts_with("/api?")).count();
    assert!(unauth >= 1, "discovery was attempted and refused");
}
