//! Read-only mode and protected contexts: writes refused or confirmed, native or handed
//! to kubectl, in scripts (`--yes-i-mean-CONTEXT`) and at a terminal (typing the name).

use crate::shell_history::{enter, shell};
use crate::util::TestCluster;

fn config(c: &TestCluster, text: &str) {
    let dir = c.dir.path().join("config").join("kubectl-podsh");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(dir.join("config.toml"), text).expect("config written");
}

#[test]
fn read_only_refuses_native_and_kubectl_writes() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    let refusals = [
        ("run x --image=nginx", "run"),
        ("delete pod web", "delete"),
        ("exec web -- ls", "exec"),
        ("label pod web a=b", "label"),
        ("port-forward pod/web 8080:80", "port-forward"),
        ("draft x --image=nginx --yes", "draft"),
    ];
    for (line, verb) in refusals {
        let out = c.podsh_cmd(&["--read-only", "-c", line]).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "{line}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "line 1: error: read-only mode: `{verb}` would change the cluster; nothing ran\nhint: `readonly off` allows writes again\n"
            ),
            "{line}"
        );
    }
    let reads = "get pods -o name; describe pod web | head -1; run x --image=nginx --dry-run=client -o name; \
                 label pod web a=b --dry-run=client; readonly";
    let out = c.podsh_cmd(&["--read-only", "-c", reads]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "pod/web\nName:             web\npod/x\npod/web labeled (dry run)\non\n"
    );
    let out = c.podsh("readonly on; get pods -o name; readonly off; label pod web a=b");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(c.kubectl(&["get", "pod", "web", "-o", "jsonpath={.metadata.labels.a}"]).stdout, "b");
    let out = c.podsh("readonly on; delete pod web");
    assert_eq!(out.code, 1);
}

#[test]
fn scripts_need_the_protected_context_named() {
    let c = TestCluster::start();
    config(&c, "protected = [\"si*\", \"*-live\"]\n");
    let out = c.podsh("get pods; run x --image=nginx");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "No resources found in default namespace.\nline 1: error: context \"sim\" is protected: `run` needs confirming, which a script cannot do\nhint: run the script with --yes-i-mean-sim, or list the context under `unattended` in the config\n"
    );
    let out = c.podsh_cmd(&["--yes-i-mean-sim", "-c", "run x --image=nginx; label pod x a=b"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "pod/x created\npod/x labeled\n");
    let out = c.podsh_cmd(&["--yes-i-mean-other", "-c", "delete pod x"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "confirming another context does not count");
    config(&c, "protected = [\"sim\"]\nunattended = [\"s*\"]\n");
    assert_eq!(c.podsh("delete pod x --wait=false").code, 0);
}

#[test]
fn a_malformed_config_stops_the_start() {
    let c = TestCluster::start();
    config(&c, "protected = [\"prod*\"]\nprotect = [\"x\"]\n");
    let out = c.podsh("get pods");
    assert_eq!(out.code, 1);
    let config_path = c.dir.path().join("config/kubectl-podsh/config.toml");
    assert_eq!(
        out.stderr,
        format!(
            "error: {}: line 2: unknown field `protect`, expected one of `protected`, `unattended`, `read-only`\nhint: keys: protected = [\"prod*\"], unattended = [...], read-only = true|false\n",
            config_path.display()
        )
    );
    config(&c, "read-only = true\n");
    assert_eq!(c.podsh("readonly").stdout, "on\n");
}

#[test]
fn a_person_types_the_context_name_to_confirm() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    config(&c, "protected = [\"sim\"]\n");
    let t = shell(&c, "");
    t.line("delete pod web --wait=false");
    t.wait_for("the question", |s| {
        s.contains("`delete` changes protected context \"sim\". Type the context name to go on:")
    });
    t.line("yes");
    let s = t.wait_for("the refusal", |s| s.contains("not confirmed"));
    assert!(s.contains("error: not confirmed (the answer was not \"sim\"); nothing ran"), "{s}");
    assert_eq!(c.kubectl(&["get", "pods", "-o", "name"]).stdout, "pod/web\n");
    t.line("delete pod web --wait=false");
    t.wait_for("the question again", |s| s.matches("Type the context name").count() == 2);
    t.line("sim");
    t.wait_for("deleted", |s| s.contains("pod \"web\" deleted"));
    enter(&t, "get pods", 3);
}
