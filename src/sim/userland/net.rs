//! `curl` and `wget` inside a container. The pod's own network namespace is all they can
//! reach: `localhost`, `127.0.0.1`, the pod's IP or its hostname on port 80 gets the web
//! server a container of the pod runs (containers share the network); any other port
//! refuses the connection; other hosts do not resolve.

use super::io::Sink;
use super::process::Shell;
use super::web::{self, HTTP_PORT, Request};

/// Where a URL points: host, port and path.
pub fn split_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    if rest.contains("://") {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, HTTP_PORT),
    };
    Some((host.to_string(), port, path))
}

/// What the connection reached.
enum Reached {
    Page(web::Reply),
    Refused,
    Unresolved,
}

fn fetch(sh: &Shell, url: &str, method: &str, agent: &str) -> (Reached, String, u16) {
    let Some((host, port, path)) = split_url(url) else { return (Reached::Unresolved, url.to_string(), 80) };
    let own = ["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", sh.ctr.pod.as_str(), sh.ctr.pod_ip.as_str()];
    if !own.contains(&host.as_str()) {
        return (Reached::Unresolved, host, port);
    }
    let Some(server) = web::listening(&sh.network, port) else { return (Reached::Refused, host, port) };
    let req = Request { method: method.into(), path, user_agent: agent.into() };
    match server.answer(&req, "127.0.0.1") {
        Some(r) => {
            sh.host.log_line(&server.ctr.name, r.log.clone());
            (Reached::Page(r), host, port)
        }
        None => (Reached::Refused, host, port),
    }
}

pub fn curl(sh: &Shell, args: &[String], out: &mut Sink, err: &mut Sink) -> i32 {
    let mut url = None;
    let (mut head, mut include, mut silent, mut fail, mut output) = (false, false, false, false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => output = it.next().cloned(),
            "-I" | "--head" => head = true,
            "-i" | "--include" => include = true,
            "-f" | "--fail" => fail = true,
            "-s" | "--silent" => silent = true,
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => {
                head |= s.contains('I');
                include |= s.contains('i');
                silent |= s.contains('s');
                fail |= s.contains('f');
            }
            s if s.starts_with("--") => {}
            s => url = Some(s.to_string()),
        }
    }
    let Some(url) = url else {
        err.say("curl: try 'curl --help' or 'curl --manual' for more information\n");
        return 2;
    };
    let method = if head { "HEAD" } else { "GET" };
    match fetch(sh, &url, method, "curl/7.88.1") {
        (Reached::Page(r), _, _) => {
            if fail && r.status >= 400 {
                if !silent {
                    err.say(&format!("curl: (22) The requested URL returned error: {}\n", r.status));
                }
                return 22;
            }
            let wire = r.bytes();
            let head_len = wire.len() - r.body.len();
            let data = if head || include { wire } else { wire[head_len..].to_vec() };
            match output {
                Some(f) => {
                    let _ = sh.fs().write(&sh.cwd, &f, &data, false);
                }
                None => out.write(&data),
            }
            0
        }
        (Reached::Refused, host, port) => {
            if !silent {
                err.say(&format!(
                    "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"
                ));
            }
            7
        }
        (Reached::Unresolved, host, _) => {
            if !silent {
                err.say(&format!("curl: (6) Could not resolve host: {host}\n"));
            }
            6
        }
    }
}

pub fn wget(sh: &Shell, args: &[String], out: &mut Sink, err: &mut Sink) -> i32 {
    let mut url = None;
    let (mut quiet, mut target) = (false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-O" => target = it.next().cloned(),
            "-q" => quiet = true,
            "-qO-" | "-qO" | "-O-" => {
                quiet |= a.contains('q');
                target = Some(if a.ends_with('-') { "-".into() } else { it.next().cloned().unwrap_or_default() });
            }
            s if s.starts_with('-') => quiet |= s.contains('q'),
            s => url = Some(s.to_string()),
        }
    }
    let Some(url) = url else {
        err.say("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] URL...\n");
        return 1;
    };
    let (reached, host, port) = fetch(sh, &url, "GET", "Wget");
    match reached {
        Reached::Page(r) if r.status >= 400 => {
            if !quiet {
                err.say(&format!("Connecting to {host}:{port} (127.0.0.1:{port})\n"));
            }
            err.say(&format!("wget: server returned error: HTTP/1.1 {} Not Found\n", r.status));
            1
        }
        Reached::Page(r) => {
            let file = target.unwrap_or_else(|| {
                let last = url.rsplit('/').next().unwrap_or("");
                if last.is_empty() || !url.trim_start_matches("http://").contains('/') {
                    "index.html".into()
                } else {
                    last.into()
                }
            });
            if !quiet {
                err.say(&format!("Connecting to {host}:{port} (127.0.0.1:{port})\n"));
            }
            if file == "-" {
                out.write(&r.body);
            } else {
                if !quiet {
                    err.say(&format!("saving to '{file}'\n"));
                }
                let _ = sh.fs().write(&sh.cwd, &file, &r.body, false);
                if !quiet {
                    let n = r.body.len();
                    err.say(&format!(
                        "{file:<20} 100% |********************************|   {n}  0:00:00 ETA\n'{file}' saved\n"
                    ));
                }
            }
            0
        }
        Reached::Refused => {
            if !quiet {
                err.say(&format!("Connecting to {host}:{port} (127.0.0.1:{port})\n"));
            }
            err.say("wget: can't connect to remote host (127.0.0.1): Connection refused\n");
            1
        }
        Reached::Unresolved => {
            err.say(&format!("wget: bad address '{host}'\n"));
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(split_url("localhost"), Some(("localhost".into(), 80, "/".into())));
        assert_eq!(split_url("http://localhost:8080/a?b"), Some(("localhost".into(), 8080, "/a?b".into())));
        assert_eq!(split_url("https://x"), None);
        assert_eq!(split_url("x:notaport"), None);
    }
}
