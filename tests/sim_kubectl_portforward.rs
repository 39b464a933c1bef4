//! `kubectl port-forward` against the simulator: kubectl 1.33's SPDY-in-WebSocket tunnel
//! reaches the pod's nginx, whose page (and its edits) come back over HTTP with an
//! access-log line; a port nothing listens on is refused in the runtime's words and
//! kubectl ends with `lost connection to pod`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::util::TestCluster;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Starts `kubectl port-forward` and waits for its "Forwarding from" line.
fn forward(c: &TestCluster, pod: &str, local: u16, remote: u16) -> Child {
    forward_with(c, pod, local, remote, true)
}

/// The same, with kubectl's WebSocket tunnel on, or off (plain SPDY, its fallback).
fn forward_with(c: &TestCluster, pod: &str, local: u16, remote: u16, websockets: bool) -> Child {
    let spec = format!("{local}:{remote}");
    let mut child = c
        .kubectl_cmd(&["port-forward", pod, &spec, "--address", "127.0.0.1"])
        .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    let mut first = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut first).expect("a line");
    assert!(first.starts_with(&format!("Forwarding from 127.0.0.1:{local} -> {remote}")), "{first}");
    // kubectl goes on printing "Handling connection for ..."; its stdout must stay open.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    child
}

fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test/1\r\nConnection: close\r\n\r\n")?;
    let mut text = String::new();
    let mut buf = [0u8; 4096];
    // Read until the announced body has arrived (the tunnel keeps the connection open).
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
        let len =
            text.lines().find_map(|l| l.strip_prefix("Content-Length: ")).and_then(|v| v.trim().parse::<usize>().ok());
        if let (Some(len), Some(head)) = (len, text.find("\r\n\r\n"))
            && text.len() >= head + 4 + len
        {
            break;
        }
    }
    Ok(text)
}

#[test]
fn port_forward_reaches_the_pods_web_server() {
    let c = TestCluster::start();
    c.kubectl(&["run", "nginx", "--image=nginx"]).ok();
    c.wait_status("nginx", "Running");
    let port = free_port();
    let mut pf = forward(&c, "pod/nginx", port, 80);
    let page = get(port, "/").expect("the page");
    assert!(page.starts_with("HTTP/1.1 200 OK\r\nServer: nginx/"), "{page}");
    assert!(page.contains("\r\nContent-Length: 615\r\n") && page.ends_with("</html>\n"), "{page}");
    let missing = get(port, "/nope").expect("a 404");
    assert!(missing.starts_with("HTTP/1.1 404 Not Found\r\n"), "{missing}");
    c.kubectl(&["exec", "nginx", "--", "sh", "-c", "echo edited > /usr/share/nginx/html/index.html"]).ok();
    let edited = get(port, "/").expect("the edited page");
    assert!(edited.ends_with("\r\n\r\nedited\n"), "{edited}");
    let _ = pf.kill();
    let _ = pf.wait();
    let logs = c.kubectl(&["logs", "nginx"]);
    assert!(logs.ok().contains("127.0.0.1 - - ["), "{}", logs.stdout);
    assert!(logs.stdout.contains("\"GET /nope HTTP/1.1\" 404 153 \"-\" \"test/1\" \"-\""), "{}", logs.stdout);
}

#[test]
fn a_port_nothing_listens_on_is_refused_as_the_kubelet_says() {
    let c = TestCluster::start();
    c.kubectl(&["run", "nginx", "--image=nginx"]).ok();
    c.wait_status("nginx", "Running");
    let port = free_port();
    let pf = forward(&c, "pod/nginx", port, 81);
    // The connection opens locally and closes with nothing sent back.
    if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = s.write_all(b"GET / HTTP/1.1\r\n\r\n");
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        assert!(rest.is_empty(), "nothing answers on port 81");
    }
    let out = pf.wait_with_output().expect("kubectl ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("an error occurred forwarding {port} -> 81: error forwarding port 81 to pod ")),
        "{err}"
    );
    assert!(err.contains("IPv4: dial tcp4 127.0.0.1:81: connect: connection refused IPv6 dial tcp6 [::1]:81: connect: connection refused"), "{err}");
    assert!(err.ends_with("error: lost connection to pod\n"), "{err}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn port_forward_over_plain_spdy_too() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=httpd"]).ok();
    c.wait_status("web", "Running");
    let port = free_port();
    let mut pf = forward_with(&c, "pod/web", port, 80, false);
    let page = get(port, "/").expect("the page");
    assert!(page.ends_with("\r\n\r\n<html><body><h1>It works!</h1></body></html>\n"), "{page}");
    let _ = pf.kill();
    let _ = pf.wait();
    assert!(c.sim.requests().iter().any(|r| r.method == "POST" && r.uri.ends_with("/pods/web/portforward")));
}
