//! `kubectl-podsh sim` as a process: one `listening on URL` line, a kubeconfig that real
//! kubectl uses, and a clean exit 0 on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::util::kubectl_path;

#[test]
fn sim_command_serves_until_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kc = dir.path().join("kc.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
        .args(["sim", "--listen", "127.0.0.1:0", "--kubeconfig-out"])
        .arg(&kc)
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("sim starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("a line");
    let url = first.trim_end().strip_prefix("listening on ").expect("the one line names the URL");
    assert!(url.starts_with("https://127.0.0.1:") && url[18..].parse::<u16>().is_ok(), "{first:?}");
    let kubeconfig = std::fs::read_to_string(&kc).expect("kubeconfig written");
    assert!(kubeconfig.contains(&format!("server: {url}\n")) && kubeconfig.contains("current-context: sim\n"));

    let out = Command::new(kubectl_path())
        .args(["get", "namespaces", "-o", "name"])
        .env("KUBECONFIG", &kc)
        .env("HOME", dir.path())
        .output()
        .expect("kubectl runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n"
    );

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("sim exits");
    assert_eq!(exit.code(), Some(0));
}
