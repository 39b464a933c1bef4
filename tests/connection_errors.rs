//! Connection and TLS failures read as clearly as kubectl's, naming the server: an
//! unknown certificate authority, a certificate for other names, an expired
//! certificate, a refused connection. Each is compared with real kubectl's last line.

use std::sync::Arc;

use podsh::sim::{SimOptions, Tls};

use crate::util::{Run, TestCluster, fast_timing};

/// kubectl's final line (its earlier lines are timestamped klog reports).
fn last_line(r: &Run) -> String {
    r.stderr.lines().last().unwrap_or_default().to_string()
}

/// The shell's line for the same failure: kubectl's, with the server named.
fn ours(c: &TestCluster, kubeconfig: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["-c", "get pods"])
        .env("HOME", c.dir.path())
        .env("XDG_STATE_HOME", c.dir.path().join("state"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stderr).trim_end().to_string()
}

fn kubectl_with(c: &TestCluster, kubeconfig: &std::path::Path) -> Run {
    let out = c.kubectl_cmd(&["get", "pods"]).env("KUBECONFIG", kubeconfig).output().expect("kubectl runs");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The line kubectl ends with, with `server` put after "the server" as the shell says it.
fn expected(kubectl_last: &str, server: &str) -> String {
    format!(
        "line 1: {}",
        kubectl_last.replacen(
            "Unable to connect to the server:",
            &format!("Unable to connect to the server {server}:"),
            1
        )
    )
}

/// A CA certificate (PEM) of some other authority.
fn stranger_ca() -> String {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params.distinguished_name.push(rcgen::DnType::CommonName, "some other CA");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().expect("key");
    params.self_signed(&key).expect("certificate").pem()
}

#[test]
fn an_unknown_certificate_authority() {
    use base64::Engine;
    let c = TestCluster::start();
    let text = std::fs::read_to_string(&c.kubeconfig).expect("kubeconfig");
    let line = text.lines().find(|l| l.contains("certificate-authority-data")).expect("ca line").to_string();
    let other = base64::engine::general_purpose::STANDARD.encode(stranger_ca());
    let wrong = c.file("wrong-ca.yaml", &text.replace(&line, &format!("    certificate-authority-data: {other}")));
    let k = kubectl_with(&c, &wrong);
    assert!(last_line(&k).ends_with("x509: certificate signed by unknown authority"), "{}", k.stderr);
    assert_eq!(ours(&c, &wrong), expected(&last_line(&k), &c.sim.addr().to_string()));
}

#[test]
fn a_certificate_for_other_names() {
    let c = TestCluster::start();
    let text = std::fs::read_to_string(&c.kubeconfig).expect("kubeconfig");
    let renamed =
        c.file("renamed.yaml", &text.replace("    server:", "    tls-server-name: other.example\n    server:"));
    let k = kubectl_with(&c, &renamed);
    assert!(last_line(&k).contains("x509: certificate is valid for localhost, not other.example"), "{}", k.stderr);
    assert_eq!(ours(&c, &renamed), expected(&last_line(&k), &c.sim.addr().to_string()));
}

#[test]
fn an_expired_certificate() {
    let tls = Arc::new(Tls::generate_expired().expect("a certificate"));
    let c = TestCluster::with(SimOptions { tls: Some(tls), timing: fast_timing(), ..SimOptions::default() });
    let k = kubectl_with(&c, &c.kubeconfig);
    let line = last_line(&k);
    assert!(line.contains("x509: certificate has expired or is not yet valid: current time "), "{}", k.stderr);
    // The current time differs between the two runs by the seconds in between.
    let cut = |s: &str| s.split("current time ").next().unwrap_or_default().to_string();
    let mine = ours(&c, &c.kubeconfig);
    assert_eq!(cut(&mine), cut(&expected(&line, &c.sim.addr().to_string())));
    assert!(mine.ends_with("is after 2021-01-01T00:00:00Z"), "{mine}");
}

#[test]
fn a_refused_connection() {
    let c = TestCluster::start();
    let addr = c.sim.addr();
    let TestCluster { sim, dir, kubeconfig, rt } = c;
    rt.block_on(sim.stop());
    let c = TestCluster {
        sim: rt.block_on(podsh::sim::Simulator::start("127.0.0.1:0", SimOptions::default())).expect("another"),
        dir,
        kubeconfig: kubeconfig.clone(),
        rt,
    };
    let k = kubectl_with(&c, &kubeconfig);
    let line = last_line(&k);
    assert_eq!(
        line,
        format!("The connection to the server {addr} was refused - did you specify the right host or port?")
    );
    assert_eq!(ours(&c, &kubeconfig), format!("line 1: {line}"));
}
