//! The boundary with kubectl, beyond the corpus: the session follows a `config` line that
//! moves kubectl's context or namespace, unknown Pod fields are named before anything
//! is sent (also in a client-side dry run), `help` covers kubectl's verbs, and a doubled
//! `kubectl` prefix is explained.

use crate::sim_kubectl_seed::SEED_MANIFEST;
use crate::util::{TestCluster, assert_text};

#[test]
fn the_session_follows_config_lines_that_move_kubectl() {
    let c = TestCluster::start();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    let two = c.two_contexts();
    let before = std::fs::read_to_string(&two).expect("kubeconfig");
    let run = |lines: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
            .args(["-c", lines])
            .env("KUBECONFIG", &two)
            .env("HOME", c.dir.path())
            .env("XDG_STATE_HOME", c.dir.path().join("state"))
            .output()
            .expect("runs")
    };
    let out = run("ns; config set-context --current --namespace=dev; ns; config use-context other; ctx; ns");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_text(
        &String::from_utf8_lossy(&out.stdout),
        "default\nContext \"sim\" modified.\ndev\nSwitched to context \"other\".\nother\ndefault\n",
    );
    assert_text(
        &String::from_utf8_lossy(&out.stderr),
        "note: the session follows kubectl to namespace \"dev\"\nnote: the session follows kubectl to context \"other\" (namespace \"default\")\n",
    );
    assert_ne!(std::fs::read_to_string(&two).expect("kubeconfig"), before, "kubectl changed the file, as asked");
    // A line that changes nothing the session uses says nothing.
    let quiet = run("config get-contexts -o name");
    assert_text(&String::from_utf8_lossy(&quiet.stderr), "");
}

#[test]
fn passed_through_lines_see_the_session_scope_without_a_namespace_flag() {
    let c = TestCluster::start();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    c.kubectl(&["run", "indev", "--image=nginx", "-n", "dev"]).ok();
    // `get pods -o jsonpath` goes to kubectl; it runs in the session's namespace.
    let out = c.podsh("ns dev; get pods -o jsonpath={.items[*].metadata.name}");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_text(&out.stdout, "indev");
    // kubectl sees the namespace as the context's, so its output is what a user who had
    // switched there gets: no namespace written into a client-side dry run.
    let dry = c.podsh("ns dev; run x --image=nginx --overrides={} --dry-run=client -o yaml");
    let direct = c.kubectl(&["run", "x", "--image=nginx", "--overrides={}", "--dry-run=client", "-o", "yaml"]);
    assert_text(&dry.stdout, direct.ok());
    // Deleting a cluster-scoped object draws no "not scoped to the namespace" warning.
    let ns = c.podsh("delete namespace dev --wait=false");
    assert_text(&ns.stderr, "");
    assert_text(&ns.stdout, "namespace \"dev\" deleted\n");
}

#[test]
fn unknown_fields_are_named_before_sending_and_in_a_client_dry_run() {
    let c = TestCluster::start();
    c.file("nginx-pod.yaml", &SEED_MANIFEST.replace("labels:", "lables:"));
    let dry = c.podsh("apply -f nginx-pod.yaml --dry-run=client");
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_text(&dry.stdout, "pod/nginx created (dry run)\n");
    assert_text(&dry.stderr, "hint: metadata.lables is not a Pod field; did you mean \"labels\"?\n");
    let nested =
        SEED_MANIFEST.replace("    image: nginx:1.14.2", "    image: nginx:1.14.2\n    imagePullPolcy: Always");
    c.file("nested.yaml", &nested);
    let deep = c.podsh("create -f nested.yaml --dry-run=client");
    assert_text(
        &deep.stderr,
        "hint: spec.containers[0].imagePullPolcy is not a Pod field; did you mean \"imagePullPolicy\"?\n",
    );
    let ignored = c.podsh("apply -f nginx-pod.yaml --dry-run=client --validate=ignore");
    assert_text(&ignored.stderr, "");
}

#[test]
fn help_covers_kubectl_verbs_and_a_doubled_prefix_is_explained() {
    let c = TestCluster::start();
    let help = c.podsh("help exec");
    assert_eq!(help.code, 0, "{}", help.stderr);
    assert!(help.stdout.starts_with("Execute a command in a container\n\n`exec` is kubectl's"), "{}", help.stdout);
    assert!(help.stdout.contains("  -c, --container CONTAINER\n"), "{}", help.stdout);
    let top = c.podsh("help top");
    assert!(top.stdout.contains("Sub-commands: node, pod\n"), "{}", top.stdout);
    let doubled = c.podsh("k k get pods");
    assert_text(
        &doubled.stderr,
        "line 1: error: unknown command \"k\"\nhint: a leading `kubectl` or `k` is optional; write it at most once\n",
    );
    let single = c.podsh("x");
    assert_text(&single.stderr, "line 1: error: unknown command \"x\"\nhint: type `help` for the verbs\n");
}

#[test]
fn the_kubectl_flag_tables_are_what_kubectl_says() {
    // Regenerates crates/pure/src/command/kubectl_flags.rs from kubectl 1.33's help and compares.
    let out = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tools/gen_kubectl_flags.py"))
        .arg("--check")
        .output()
        .expect("python3 runs the generator");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
