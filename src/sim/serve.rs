//! The HTTP front: axum on a TCP listener, bearer-token authentication, request logging,
//! and one fallback handler that hands every request to the router.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

use super::request::Req;
use super::router::route;
use super::shared::{Logged, Shared};
use super::status::ApiError;
use super::tls::{Tls, TlsListener};

/// Largest request body accepted (the API server's own limit is 3 MiB per object).
const MAX_BODY: usize = 16 * 1024 * 1024;

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    addr: String,
}

fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.insert(unescape(k), unescape(v));
    }
    out
}

/// Percent-decoding with `+` as space, as Go's `url.ParseQuery`.
pub(super) fn unescape(s: &str) -> String {
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

async fn handle(State(app): State<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let user_agent = parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    app.shared.log_request(Logged { method: parts.method.to_string(), uri: parts.uri.to_string(), user_agent });
    let auth = parts.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let open = matches!(parts.uri.path(), "/healthz" | "/livez" | "/readyz" | "/version");
    if !open && auth != format!("Bearer {}", app.shared.token) {
        return ApiError::unauthorized().into_response();
    }
    if let Some((ns, pod, sub)) = super::stream::target(parts.uri.path()) {
        return super::stream::serve(app.shared.clone(), parts, ns, pod, sub).await;
    }
    let body = match to_bytes(Body::new(body), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::bad_request("request body too large or unreadable").into_response(),
    };
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query()),
        headers: parts.headers,
        body,
    };
    route(app.shared.clone(), req, app.addr.clone()).await
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    tls: &Tls,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?.to_string();
    let app = Router::new().fallback(handle).with_state(App { shared, addr });
    axum::serve(TlsListener::new(listener, tls)?, app).with_graceful_shutdown(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query(Some("labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29&watch=true&x"));
        assert_eq!(q["labelSelector"], "app=web,tier in (a,b)");
        assert_eq!(q["watch"], "true");
        assert_eq!(q["x"], "");
        assert_eq!(unescape("%"), "%");
        assert_eq!(unescape("a%2"), "a%2");
        assert_eq!(unescape("%zz"), "%zz");
    }
}
