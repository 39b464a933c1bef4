//! A decoded HTTP request (method, path, query, headers, body), the resource target its
//! path names, and the response helpers every handler uses, so handlers speak in
//! Kubernetes terms rather than HTTP plumbing.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::kinds::Res;
use super::status::ApiError;

/// Query parameters in order, repeated keys kept (`command=sh&command=-c`); handlers that
/// take each key once collect them into a map (the last value wins).
pub fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

/// Percent-decoding with `+` as space, as Go's `url.ParseQuery`.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str)
    }

    /// A boolean parameter as the API server converts one: present and not `0` or
    /// `false` (any case) is true, even empty (`?watch`).
    pub fn flag(&self, key: &str) -> bool {
        self.q(key).is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
    }

    /// An integer parameter (`limit`, `timeoutSeconds`); one that is not a number gets
    /// the API server's 400, worded by the Go conversion it fails in (`strconv.ParseInt`).
    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        let Some(v) = self.q(key) else { return Ok(None) };
        v.parse::<i64>().map(Some).map_err(|e| {
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => "value out of range",
                _ => "invalid syntax",
            };
            ApiError::bad_request(format!("strconv.ParseInt: parsing {v:?}: {why}"))
        })
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn accept(&self) -> &str {
        self.header("accept")
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type")
    }

    pub fn dry_run(&self) -> Result<bool, ApiError> {
        match self.q("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(x) => Err(ApiError::bad_request(format!("Invalid dry run value: {x}"))),
        }
    }

    pub fn field_validation(&self) -> Result<Validation, ApiError> {
        match self.q("fieldValidation") {
            None | Some("") | Some("Warn") => Ok(Validation::Warn),
            Some("Strict") => Ok(Validation::Strict),
            Some("Ignore") => Ok(Validation::Ignore),
            Some(x) => Err(ApiError::bad_request(format!(
                "fieldValidation parameter unsupported: {x}. Supported values: Ignore, Warn, Strict"
            ))),
        }
    }

    /// The body as JSON, from JSON or YAML.
    pub fn json_body(&self) -> Result<Value, ApiError> {
        let ct = self.content_type();
        if ct.contains("yaml") {
            return serde_saphyr::from_slice::<Value>(&self.body)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {}", first_line(&e.to_string()))));
        }
        if ct.contains("protobuf") {
            return Err(ApiError::unsupported_media(ct));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}")))
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The `fieldValidation` mode of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    Ignore,
    Warn,
    Strict,
}

/// A JSON response, with `Warning` headers as the API server sends them.
pub fn json_reply(code: u16, body: &impl Serialize, warnings: &[String]) -> Response {
    let text = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    for w in warnings {
        let escaped = w.replace('\\', "\\\\").replace('"', "\\\"");
        if let Ok(v) = HeaderValue::from_str(&format!("299 - \"{escaped}\"")) {
            resp.headers_mut().append("warning", v);
        }
    }
    resp
}

/// A 200 response whose body is already encoded, or a stream of it (large lists).
pub fn raw_reply(content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut resp = Response::new(body.into());
    resp.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    resp
}

/// A JSON response with an explicit content type (Tables, aggregated discovery).
pub fn typed_reply(content_type: &'static str, body: &Value) -> Response {
    let mut resp = json_reply(200, body, &[]);
    resp.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    resp
}

pub fn text_reply(code: u16, text: String) -> Response {
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    resp.headers_mut().insert("content-type", HeaderValue::from_static("text/plain"));
    resp
}

/// Where a resource request points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub res: Res,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
}

/// Parses the part of the path after `/api/v1/`.
pub fn parse_target(segs: &[&str]) -> Option<Target> {
    let t = |res, namespace: Option<&str>, name: Option<&str>, sub: Option<&str>| {
        Some(Target { res, namespace: namespace.map(Into::into), name: name.map(Into::into), sub: sub.map(Into::into) })
    };
    match segs {
        ["namespaces", ns, res, rest @ ..] if Res::from_plural(res).is_some_and(|r| r.info().namespaced) => {
            let r = Res::from_plural(res)?;
            match rest {
                [] => t(r, Some(ns), None, None),
                [name] => t(r, Some(ns), Some(name), None),
                [name, sub] => t(r, Some(ns), Some(name), Some(sub)),
                _ => None,
            }
        }
        [res, rest @ ..] => {
            let r = Res::from_plural(res)?;
            match rest {
                [] => t(r, None, None, None),
                [name] if !r.info().namespaced => t(r, None, Some(name), None),
                [name, sub] if !r.info().namespaced => t(r, None, Some(name), Some(sub)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q: std::collections::HashMap<String, String> =
            query_pairs(Some("labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29&watch=true&x")).into_iter().collect();
        assert_eq!(q["labelSelector"], "app=web,tier in (a,b)");
        assert_eq!(q["watch"], "true");
        assert_eq!(q["x"], "");
        assert_eq!(unescape("%"), "%");
        assert_eq!(unescape("a%2"), "a%2");
        assert_eq!(unescape("%zz"), "%zz");
        let repeated = query_pairs(Some("command=sh&command=-c&command=echo+a%20b"));
        let argv: Vec<&str> = repeated.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(argv, ["sh", "-c", "echo a b"]);
    }

    #[test]
    fn targets() {
        let t = parse_target(&["namespaces", "default", "pods", "nginx", "log"]).expect("pod log");
        assert_eq!(
            (t.res, t.namespace.as_deref(), t.name.as_deref(), t.sub.as_deref()),
            (Res::Pods, Some("default"), Some("nginx"), Some("log"))
        );
        let ns = parse_target(&["namespaces", "default"]).expect("namespace");
        assert_eq!((ns.res, ns.name.as_deref(), ns.namespace), (Res::Namespaces, Some("default"), None));
        let st = parse_target(&["namespaces", "dev", "status"]).expect("namespace status");
        assert_eq!((st.res, st.sub.as_deref()), (Res::Namespaces, Some("status")));
        assert_eq!(parse_target(&["pods"]).map(|t| t.res), Some(Res::Pods));
        assert!(parse_target(&["pods", "x"]).is_none());
        assert!(parse_target(&["widgets"]).is_none());
    }
}
