//! Annotated history in a real terminal: `!!` echoed and run again, `history` showing
//! each entry's status and place, and `history export` writing a script that the real
//! kubectl replays against the same cluster, recreating the session's pods.

use crate::util::TestCluster;
use crate::util::tmux::Tmux;

/// The shell in a tmux pane, in the test's directory with its state there.
pub fn shell(c: &TestCluster, extra: &str) -> Tmux {
    let cmd = format!(
        "cd {home} && env -u KUBECONFIG NO_COLOR=1 HOME={home} XDG_STATE_HOME={home}/state XDG_CONFIG_HOME={home}/config {bin} --kubeconfig {kc} {extra}",
        home = c.dir.path().display(),
        bin = env!("CARGO_BIN_EXE_kubectl-podsh"),
        kc = c.kubeconfig.display()
    );
    let t = Tmux::spawn(&cmd);
    t.wait_for("the prompt", |s| s.contains(" ❯"));
    t
}

/// Types `line` and waits until the prompt is back after it, `n` prompts in all.
pub fn enter(t: &Tmux, line: &str, prompts: usize) -> String {
    t.line(line);
    t.wait_for(&format!("the prompt after {line:?}"), |s| s.matches(" ❯").count() > prompts)
}

#[test]
fn history_records_status_and_export_replays_the_session() {
    let c = TestCluster::start();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    let t = shell(&c, "");
    let lines = [
        "run nginx --image=nginx:1.14.2 --dry-run=client -o yaml > nginx-pod.yaml",
        "apply -f nginx-pod.yaml",
        "ns dev",
        "run web --image=nginx --labels=app=web -- nginx -g 'daemon off;'",
        "logs nope",
        "!!",
        "!echo made > note.txt",
    ];
    for (i, line) in lines.iter().enumerate() {
        enter(&t, line, i + 1);
    }
    let s = t.screen();
    assert!(s.contains("❯ !!\nlogs nope\nerror: error from server (NotFound)"), "!! echoes the line it runs:\n{s}");
    let s = enter(&t, "history --failed", lines.len() + 1);
    let failed: Vec<&str> = s.lines().filter(|l| l.ends_with("  logs nope")).collect();
    assert_eq!(failed.len(), 1, "the repeat is kept once, as a consecutive duplicate: {s}");
    for row in failed {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!((cells[3], cells[5]), ("1", "sim/dev"), "status and place: {row}");
    }
    let s = enter(&t, "history export replay.sh", lines.len() + 2);
    assert!(s.contains("wrote replay.sh"), "{s}");
    let script = std::fs::read_to_string(c.path("replay.sh")).expect("the script");
    let kc = c.kubeconfig.display().to_string();
    for expected in [
        "set -euo pipefail\n".to_string(),
        format!("export KUBECONFIG={kc}\n"),
        "kubectl --context sim --namespace default run nginx --image=nginx:1.14.2 --dry-run=client -o yaml > nginx-pod.yaml\n".into(),
        "kubectl --context sim --namespace default apply -f nginx-pod.yaml\n".into(),
        "kubectl --context sim --namespace dev run web --image=nginx --labels=app=web -- nginx -g 'daemon off;'\n".into(),
        "echo made > note.txt\n".into(),
    ] {
        assert!(script.contains(&expected), "missing {expected:?} in:\n{script}");
    }
    assert!(!script.contains("logs nope") && !script.contains("ns dev") && !script.contains("dev history"), "{script}");
    // The cluster loses the session's work; the exported script brings it back.
    c.kubectl(&["delete", "pod", "nginx", "--wait=false"]).ok();
    c.kubectl(&["delete", "pod", "web", "-n", "dev", "--wait=false"]).ok();
    std::fs::remove_file(c.path("nginx-pod.yaml")).expect("removed");
    crate::util::wait_for(std::time::Duration::from_secs(10), || {
        c.kubectl(&["get", "pods", "-A", "-o", "name"]).stdout.is_empty()
    });
    let replay = std::process::Command::new("bash")
        .arg(c.path("replay.sh"))
        .env(
            "PATH",
            format!(
                "{}:{}",
                crate::util::kubectl_path().parent().expect("dir").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", c.dir.path())
        .current_dir("/")
        .output()
        .expect("bash runs");
    assert!(replay.status.success(), "replay failed: {}", String::from_utf8_lossy(&replay.stderr));
    assert_eq!(c.kubectl(&["get", "pod", "nginx", "-o", "name"]).stdout, "pod/nginx\n");
    assert_eq!(
        c.kubectl(&["get", "pod", "web", "-n", "dev", "-o", "jsonpath={.spec.containers[0].args}"]).stdout,
        r#"["nginx","-g","daemon off;"]"#
    );
    assert_eq!(std::fs::read_to_string(c.path("note.txt")).expect("note"), "made\n");
}

#[test]
fn scripts_expand_bang_bang_and_name_missing_entries() {
    let c = TestCluster::start();
    let out = c.podsh("ns; !!");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (1, "default\n"),
        "`!!` inside one line is not a reference: {}",
        out.stderr
    );
    let out = c.podsh_stdin("ns\n!!\n!7\nns\n", &[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "default\ndefault\n");
    assert_eq!(out.stderr, "ns\nline 3: error: !7: event not found\nhint: `history` lists the entries\n");
    let file = c.file("hist", "get pods\nns dev\n");
    let out = c.podsh_cmd(&["-c", "!1"]).env("PODSH_HISTORY", &file).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "get pods\nNo resources found in default namespace.\n");
}
