//! The HTTP server a web image runs (nginx, httpd): it answers on port 80 from the
//! container's own filesystem, so a page edited through `exec` is what `curl` then sees,
//! with the server's headers, error pages and access-log line. Port-forward, `curl` inside
//! the container and httpGet probes all come here.

use std::sync::{Arc, Mutex};

use k8s_openapi::jiff::Timestamp;

use super::fs::{Body, Fs};
use super::seed::{Container, Server, document_root};

/// The port the simulated servers listen on.
pub const HTTP_PORT: u16 = 80;

/// A container that runs a web server, with the filesystem it serves from.
#[derive(Clone)]
pub struct Served {
    pub ctr: Arc<Container>,
    pub fs: Arc<Mutex<Fs>>,
}

/// The server listening on `port` in a pod's network (its containers share `localhost`).
pub fn listening(network: &[Served], port: u16) -> Option<&Served> {
    network.iter().find(|s| port == HTTP_PORT && s.ctr.server().is_some())
}

impl Served {
    /// Answers `req` as this container's server does.
    pub fn answer(&self, req: &Request, client: &str) -> Option<Reply> {
        serve(&self.fs.lock().unwrap_or_else(|e| e.into_inner()), &self.ctr, req, client)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub user_agent: String,
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The line the server writes to its access log (the container's stdout).
    pub log: String,
}

/// The request line and User-Agent of a raw HTTP/1.x request once its head (and any
/// body its Content-Length announces) has arrived; also how many bytes it took.
pub fn parse_request(raw: &[u8]) -> Option<(Request, usize)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let mut user_agent = String::new();
    let mut body = 0usize;
    for (k, v) in lines.filter_map(|l| l.split_once(':')) {
        if k.eq_ignore_ascii_case("user-agent") {
            user_agent = v.trim().to_string();
        } else if k.eq_ignore_ascii_case("content-length") {
            body = v.trim().parse().unwrap_or(0);
        }
    }
    if raw.len() < end + body {
        return None;
    }
    Some((Request { method, path, user_agent }, end + body))
}

fn http_date(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        _ => "Internal Server Error",
    }
}

fn error_page(server: Server, version: &str, status: u16) -> Vec<u8> {
    let title = format!("{status} {}", reason(status));
    match server {
        Server::Nginx => format!(
            "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>{version}</center>\r\n</body>\r\n</html>\r\n"
        )
        .into_bytes(),
        Server::Httpd => format!(
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>{title}</title>\n</head><body>\n<h1>{}</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n",
            reason(status)
        )
        .into_bytes(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html" | "htm") => "text/html",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("txt" | "conf") => "text/plain",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// The server's answer to `req`, read from `fs`; `client` is the address it logs.
pub fn serve(fs: &Fs, c: &Container, req: &Request, client: &str) -> Option<Reply> {
    let server = c.server()?;
    let version = c.server_version();
    let root = document_root(server);
    let path = req.path.split(['?', '#']).next().unwrap_or("/");
    let mut file = format!("{root}{path}");
    if file.ends_with('/') {
        file.push_str("index.html");
    }
    let found = match fs.lookup("/", &file) {
        Ok(n) => match &n.body {
            Body::File(d) => Some((d.clone(), n.mtime)),
            Body::Dir(_) => fs.lookup("/", &format!("{file}/index.html")).ok().and_then(|n| match &n.body {
                Body::File(d) => Some((d.clone(), n.mtime)),
                Body::Dir(_) => None,
            }),
        },
        Err(_) => None,
    };
    let now = Timestamp::now();
    let (date, name) = (("Date".to_string(), http_date(now)), ("Server".to_string(), version.to_string()));
    // nginx names itself first; Apache dates its reply first.
    let mut headers = if server == Server::Nginx { vec![name, date] } else { vec![date, name] };
    let allowed = matches!(req.method.as_str(), "GET" | "HEAD");
    let (status, body) = match found {
        Some((data, mtime)) if allowed => {
            headers.push(("Content-Type".into(), content_type(&file).into()));
            headers.push(("Content-Length".into(), data.len().to_string()));
            headers.push(("Last-Modified".into(), http_date(mtime)));
            if server == Server::Nginx {
                headers.push(("Connection".into(), "keep-alive".into()));
            }
            headers.push(("ETag".into(), format!("\"{:x}-{:x}\"", mtime.as_second(), data.len())));
            headers.push(("Accept-Ranges".into(), "bytes".into()));
            (200, data)
        }
        other => {
            let status = if other.is_some() { 405 } else { 404 };
            let page = error_page(server, version, status);
            headers.push(("Content-Type".into(), "text/html".into()));
            headers.push(("Content-Length".into(), page.len().to_string()));
            if server == Server::Nginx {
                headers.push(("Connection".into(), "keep-alive".into()));
            }
            (status, page)
        }
    };
    let stamp = now.strftime("%d/%b/%Y:%H:%M:%S +0000");
    let line = format!("{} {} HTTP/1.1", req.method, req.path);
    let ua = if req.user_agent.is_empty() { "-" } else { &req.user_agent };
    let log = match server {
        Server::Nginx => format!("{client} - - [{stamp}] \"{line}\" {status} {} \"-\" \"{ua}\" \"-\"", body.len()),
        Server::Httpd => format!("{client} - - [{stamp}] \"{line}\" {status} {}", body.len()),
    };
    let body = if req.method == "HEAD" { Vec::new() } else { body };
    Some(Reply { status, headers, body, log })
}

impl Reply {
    /// The reply as it goes over the wire.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status)).into_bytes();
        for (k, v) in &self.headers {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::seed::filesystem;
    use super::*;

    fn get(path: &str) -> Request {
        Request { method: "GET".into(), path: path.into(), user_agent: "curl/8.5.0".into() }
    }

    #[test]
    fn requests_are_read_once_they_have_arrived() {
        assert_eq!(parse_request(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        let (req, n) = parse_request(b"GET /a HTTP/1.1\r\nuser-agent: curl/8\r\n\r\nGET /b").unwrap();
        assert_eq!(req, Request { method: "GET".into(), path: "/a".into(), user_agent: "curl/8".into() });
        assert_eq!(n, 39);
        assert_eq!(parse_request(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab"), None);
        assert_eq!(parse_request(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").map(|r| r.1), Some(41));
    }

    #[test]
    fn nginx_serves_its_pages_from_the_filesystem() {
        let c = Container { image: "nginx".into(), ..Default::default() };
        let mut fs = filesystem(&c);
        let r = serve(&fs, &c, &get("/"), "127.0.0.1").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body.len(), 615);
        let wire = String::from_utf8(r.bytes()).unwrap();
        assert!(wire.starts_with("HTTP/1.1 200 OK\r\nServer: nginx/1.27.3\r\nDate: "), "{wire}");
        assert!(wire.contains("\r\nContent-Length: 615\r\n"));
        assert!(r.log.starts_with("127.0.0.1 - - ["));
        assert!(r.log.ends_with("] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\" \"-\""), "{}", r.log);
        fs.write("/", "/usr/share/nginx/html/index.html", b"hello\n", false).unwrap();
        assert_eq!(serve(&fs, &c, &get("/index.html?x=1"), "::1").unwrap().body, b"hello\n");
        let missing = serve(&fs, &c, &get("/nope"), "127.0.0.1").unwrap();
        assert_eq!(missing.status, 404);
        assert!(String::from_utf8_lossy(&missing.body).contains("<center>nginx/1.27.3</center>"));
        let post = Request { method: "POST".into(), ..get("/") };
        assert_eq!(serve(&fs, &c, &post, "127.0.0.1").unwrap().status, 405);
        let head = Request { method: "HEAD".into(), ..get("/") };
        assert!(serve(&fs, &c, &head, "127.0.0.1").unwrap().body.is_empty());
    }

    #[test]
    fn httpd_and_non_servers() {
        let c = Container { image: "httpd:2.4".into(), ..Default::default() };
        let fs = filesystem(&c);
        let r = serve(&fs, &c, &get("/"), "127.0.0.1").unwrap();
        assert_eq!(r.body, b"<html><body><h1>It works!</h1></body></html>\n");
        assert!(r.log.ends_with("\"GET / HTTP/1.1\" 200 45"));
        assert!(String::from_utf8(r.bytes()).unwrap().starts_with("HTTP/1.1 200 OK\r\nDate: "));
        let missing = serve(&fs, &c, &get("/x"), "127.0.0.1").unwrap();
        assert!(String::from_utf8_lossy(&missing.body).contains("<h1>Not Found</h1>"));
        let plain = Container { image: "redis".into(), ..Default::default() };
        assert!(serve(&filesystem(&plain), &plain, &get("/"), "127.0.0.1").is_none());
    }
}
