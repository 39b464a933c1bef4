//! `tail`: logs of every pod matching a pattern, picking up pods that appear, dropping
//! pods that go, prefixed `pod/container`, ended by Ctrl-C at the prompt.

use std::time::Duration;

use crate::shell_history::shell;
use crate::util::TestCluster;

fn count(screen: &str, text: &str) -> usize {
    screen.lines().filter(|l| l.contains(text)).count()
}

#[test]
fn tail_follows_the_set_of_pods() {
    let c = TestCluster::start();
    for (name, word) in [("web-a", "a-tick"), ("db", "db-tick")] {
        let script = format!("echo {name} up; while true; do echo {word}; sleep 1; done");
        c.kubectl(&["run", name, "--image=busybox", "--", "sh", "-c", &script]).ok();
        c.wait_status(name, "Running");
    }
    let t = shell(&c, "");
    t.line("tail web");
    t.wait_for("the running pod's log", |s| s.contains("web-a/web-a web-a up") && count(s, "web-a/web-a a-tick") >= 2);
    c.kubectl(&[
        "run",
        "web-b",
        "--image=busybox",
        "--",
        "sh",
        "-c",
        "echo web-b up; while true; do echo b-tick; sleep 1; done",
    ])
    .ok();
    t.wait_for("a pod that appeared later", |s| s.contains("web-b/web-b web-b up") && s.contains("web-b/web-b b-tick"));
    c.kubectl(&["delete", "pod", "web-a", "--grace-period=0", "--force"]).ok();
    std::thread::sleep(Duration::from_millis(1500));
    let before = count(&t.screen(), "a-tick");
    t.wait_for("more of web-b", |s| count(s, "b-tick") >= 4);
    std::thread::sleep(Duration::from_millis(1500));
    let s = t.screen();
    assert_eq!(count(&s, "a-tick"), before, "a pod that went is no longer followed:\n{s}");
    assert_eq!(count(&s, "db-tick"), 0, "pods not matching stay out");
    assert!(
        !s.lines().any(|l| l.contains("a-tick") && !l.starts_with("web-a/web-a ")),
        "every line carries its prefix"
    );
    t.send(&["C-c"]);
    t.wait_for("the prompt again", |s| {
        s.lines().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| l.ends_with("❯"))
    });
}

#[test]
fn tail_by_selector_container_and_errors() {
    let c = TestCluster::start();
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: two, labels: {app: shop}}\nspec:\n  containers:\n  - name: front\n    image: busybox\n    command: [sh, -c, 'echo front up; sleep 3600']\n  - name: back\n    image: busybox\n    command: [sh, -c, 'echo back up; echo back ready; sleep 3600']\n";
    let f = c.file("two.yaml", manifest);
    c.kubectl(&["apply", "-f", f.to_str().expect("utf-8")]).ok();
    c.wait_status("two", "Running");
    let t = shell(&c, "");
    t.line("tail -l app=shop -c ^back$");
    t.wait_for("the chosen container, every line of the same second", |s| {
        s.contains("two/back back up\ntwo/back back ready\n")
    });
    std::thread::sleep(Duration::from_millis(700));
    assert!(!t.screen().contains("two/front"), "the other container stays out");
    t.send(&["C-c"]);
    let out = c.podsh("tail 'web[' ");
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("line 1: error: not a regular expression: \"web[\""), "{}", out.stderr);
    let out = c.podsh("tail --since soon");
    assert!(out.stderr.contains("error: not a duration: \"soon\"\nhint: e.g. --since 5m or 1h30m"), "{}", out.stderr);
}
