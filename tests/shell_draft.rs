//! `draft`: the manifest edited in a real vi at a terminal, problems written back into it
//! as comments, the server's dry run diffed against the live pod, `apply? [y/N/e]`; and
//! the same with `--yes` and an editor command in a script.

use crate::shell_history::{enter, shell};
use crate::util::TestCluster;

#[test]
fn a_script_drafts_with_yes_and_a_scripted_editor() {
    let c = TestCluster::start();
    let out = c.podsh("draft web --image=nginx:1.14.2 --labels=app=web --yes");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("draft: web.yaml\n"), "{}", out.stderr);
    assert!(out.stdout.starts_with("--- /dev/null (live)\n+++ web.yaml (draft)\n@@ -0,0 +1,"), "{}", out.stdout);
    assert!(out.stdout.contains("\n+  name: web\n") && out.stdout.ends_with("pod/web created\n"), "{}", out.stdout);
    assert_eq!(c.kubectl(&["get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}"]).stdout, "nginx:1.14.2");
    // An editor that is a command: the draft of an existing pod shows only the change.
    let out = c
        .podsh_cmd(&["-c", "draft -f web.yaml --yes"])
        .env("EDITOR", "sed -i s/nginx:1.14.2/nginx:1.16.1/")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\n-  - image: nginx:1.14.2\n+  - image: nginx:1.16.1\n"), "{stdout}");
    assert!(!stdout.contains("resourceVersion") && stdout.ends_with("pod/web configured\n"), "{stdout}");
    assert_eq!(c.kubectl(&["get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}"]).stdout, "nginx:1.16.1");
    let again = c.podsh("draft web --image=nginx --yes");
    assert!(
        again.stderr.starts_with("draft: web-2.yaml\n"),
        "an existing draft is never overwritten: {}",
        again.stderr
    );
}

#[test]
fn a_script_is_told_what_is_wrong() {
    let c = TestCluster::start();
    c.file(
        "typo.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\nspec:\n  containers:\n  - name: t\n    imagee: nginx\n",
    );
    let out = c.podsh("draft -f typo.yaml --yes");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "draft: typo.yaml\nline 1: error: the draft is not valid: spec.containers[0].imagee is not a Pod field; did you mean \"image\"?\nhint: nothing applied; fix it with `draft -f typo.yaml`\n"
    );
    c.file("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: b\n    image: nginx\n");
    let out = c.podsh("draft -f bad.yaml --yes");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("line 1: error: the draft is not valid: The Pod \"b\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\""), "the server's dry run speaks: {}", out.stderr);
    let out = c.podsh("draft ok --image=nginx");
    assert_eq!(out.code, 1);
    assert!(out.stderr.ends_with("line 1: error: a script cannot answer `apply?`; the draft is kept at ok.yaml\nhint: pass --yes to apply without asking\n"), "{}", out.stderr);
    assert_eq!(c.kubectl(&["get", "pods", "-o", "name"]).stdout, "", "nothing applied");
    let out = c.podsh("draft --image=nginx");
    assert!(out.stderr.contains("draft needs a pod name or -f FILE"), "{}", out.stderr);
    let out = c.podsh("draft x --image=nginx --bogus");
    assert!(out.stderr.contains("unknown flag --bogus for draft"), "{}", out.stderr);
}

#[test]
fn vi_edits_a_draft_until_it_is_valid_then_it_applies() {
    let c = TestCluster::start();
    let t = shell(&c, "");
    t.line("draft web --image=nginx:1.14.2");
    t.wait_for("vi on the draft", |s| s.contains("\"web.yaml\""));
    t.typed(":%s/image: nginx/imagee: nginx/");
    t.send(&["Enter"]);
    t.typed(":wq");
    t.send(&["Enter"]);
    t.wait_for("vi again, the problem on top", |s| {
        s.contains("# draft: spec.containers[0].imagee is not a Pod field; did you mean \"image\"?")
    });
    t.typed(":%s/imagee:/image:/");
    t.send(&["Enter"]);
    t.typed(":%s/1.14.2/1.16.1/");
    t.send(&["Enter"]);
    t.typed(":wq");
    t.send(&["Enter"]);
    let s = t.wait_for("the diff and the question", |s| s.contains("apply? [y/N/e]"));
    assert!(s.contains("+  - image: nginx:1.16.1"), "{s}");
    t.line("e");
    t.wait_for("vi once more (its own screen)", |s| s.contains("\"web.yaml\"") && !s.contains("apply? [y/N/e]"));
    t.typed(":wq");
    t.send(&["Enter"]);
    t.wait_for("the question again", |s| s.matches("apply? [y/N/e]").count() >= 2);
    t.line("y");
    t.wait_for("applied", |s| s.contains("pod/web created"));
    assert_eq!(c.kubectl(&["get", "pod", "web", "-o", "jsonpath={.spec.containers[0].image}"]).stdout, "nginx:1.16.1");
    let text = std::fs::read_to_string(c.path("web.yaml")).expect("the draft is kept");
    assert!(!text.contains("# draft:") && text.contains("image: nginx:1.16.1"), "{text}");
    let s = enter(&t, "history export", 2);
    assert!(
        s.contains("\nkubectl --context sim --namespace default apply -f web.yaml\n"),
        "a draft replays as its apply: {s}"
    );
}
