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

#[test]
fn at_references_name_rows_the_last_pod_and_prefixes() {
    let c = TestCluster::start();
    for name in ["web-1", "web-2", "db"] {
        c.kubectl(&["run", name, "--image=nginx"]).ok();
    }
    c.kubectl(&["create", "namespace", "dev"]).ok();
    c.kubectl(&["run", "api", "--image=nginx", "-n", "dev"]).ok();
    let out = c.podsh(
        "get pods -o name; describe pod @2 | head -1; get pods -A --no-headers | grep api; get pod @4 -o name; \
         run solo --image=busybox -- sleep 99; get pod @last -o name; get pod @db -o name; get pod pod/@so -o name",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().filter(|l| l.starts_with("pod/") || l.starts_with("Name:")).collect::<Vec<_>>(),
        [
            "pod/db",
            "pod/web-1",
            "pod/web-2",
            "Name:             web-1",
            "pod/api",
            "pod/solo created",
            "pod/solo",
            "pod/db",
            "pod/solo"
        ]
    );
    assert!(out.stderr.contains("describe pod web-1 | head -1\n"), "the expanded line is echoed: {}", out.stderr);
    assert!(
        out.stderr.contains("get pod api -n dev -o name\n"),
        "a row from another namespace brings -n: {}",
        out.stderr
    );
    let errors = [
        ("get pod @web -o name", "error: @web: 2 pods start with \"web\": web-1, web-2\nhint: type more of the name\n"),
        (
            "get pod @zz",
            "error: @zz: no pod in namespace \"default\" starts with \"zz\"\nhint: `get pods` lists them\n",
        ),
        (
            "logs @1",
            "error: @1: no pods listed yet in this session\nhint: `get pods` (or `events`) numbers its rows as @1, @2, ...\n",
        ),
        (
            "get pods -o name; logs @9",
            "error: @9: the last listing has 4 rows\nhint: list the pods again to renumber them\n",
        ),
        (
            "logs @last",
            "error: @last: no pod created or applied in this session yet\nhint: `run` or `apply -f` one first\n",
        ),
    ];
    for (line, expected) in errors {
        let out = c.podsh(line);
        assert_eq!(out.code, 1, "{line}");
        assert!(out.stderr.ends_with(&format!("line 1: {expected}")), "{line}: {}", out.stderr);
    }
    let gone =
        c.podsh("get pods -o name; !kubectl --kubeconfig kubeconfig delete pod db --wait=true >/dev/null; get pod @1");
    assert!(gone.stderr.contains("error: @1: pod \"db\" is gone from namespace \"default\"\n"), "{}", gone.stderr);
}

#[test]
fn tab_completes_at_references_to_their_pods() {
    let c = TestCluster::start();
    for name in ["alpha", "beta"] {
        c.kubectl(&["run", name, "--image=nginx"]).ok();
    }
    let t = shell(&c, "");
    enter(&t, "get pods", 1);
    t.typed("describe pod @2");
    t.send(&["Tab"]);
    let s = t.wait_for("@2 replaced by its pod", |s| {
        s.lines().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| l.ends_with("describe pod beta"))
    });
    assert!(!s.contains("error"), "{s}");
    t.send(&["C-u"]);
    t.typed("logs @al");
    t.send(&["Tab"]);
    t.wait_for("a prefix completed from the cache", |s| {
        s.lines().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| l.ends_with("logs alpha"))
    });
}

#[test]
fn at_references_reach_kubectl_lines_too() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    c.wait_status("web", "Running");
    let out = c.podsh("get pods; exec @1 -- cat /etc/hostname; logs @web --tail=1");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("\nweb\n"), "kubectl exec ran in the referenced pod: {}", out.stdout);
    assert!(
        out.stderr.contains("exec web -- cat /etc/hostname\n") && out.stderr.contains("logs web --tail=1\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn secrets_stay_out_of_the_history_and_a_killed_shell_keeps_the_line_it_was_running() {
    let c = TestCluster::start();
    let t = shell(&c, "");
    enter(&t, "get pods --token=s3cr3t-value -o name", 1);
    enter(&t, "!curl -s -H 'Authorization: Bearer eyJ.s3cr3t' https://127.0.0.1:1 || true", 2);
    enter(&t, "create secret generic db --from-literal=pass=s3cr3t", 3);
    let s = enter(&t, "history export out.sh", 4);
    assert!(s.contains("wrote out.sh"), "{s}");
    let file = c.dir.path().join("state").join("kubectl-podsh").join("history");
    let saved = std::fs::read_to_string(&file).expect("history file");
    let exported = std::fs::read_to_string(c.path("out.sh")).expect("export");
    for text in [&saved, &exported] {
        assert!(!text.contains("s3cr3t"), "a secret was written:\n{text}");
    }
    assert!(saved.contains("get pods --token=REDACTED -o name"), "{saved}");
    assert!(saved.contains("Bearer REDACTED"), "{saved}");
    assert!(exported.contains("create secret generic db --from-literal=pass=REDACTED"), "{exported}");
    assert_eq!(c.kubectl(&["get", "secret", "db", "-o", "jsonpath={.data.pass}"]).ok(), "czNjcjN0", "it ran as typed");

    // Killed while a line runs: the line was saved when Enter was pressed.
    t.line("!sleep 30");
    t.wait_for("the sleep to start", |_| {
        std::fs::read_to_string(&file).is_ok_and(|s| s.contains("!sleep 30"))
            || std::process::Command::new("pgrep").args(["-f", "sleep 30"]).status().is_ok_and(|s| s.success())
    });
    // Anchored: the pane's own sh has the same words further along its command line.
    let pattern = format!("^{} --kubeconfig {}", env!("CARGO_BIN_EXE_kubectl-podsh"), c.kubeconfig.display());
    let killed = std::process::Command::new("pkill").args(["-KILL", "-f", &pattern]).status().expect("pkill runs");
    assert!(killed.success(), "the shell was found and killed");
    t.wait_for("the pane to report the kill", |s| s.contains("EXITED=137"));
    let saved = std::fs::read_to_string(&file).expect("history file");
    assert!(saved.lines().any(|l| l == "!sleep 30"), "{saved}");
}
