//! The HTTP front: axum on a TCP listener, bearer-token authentication, request logging,
//! and one fallback handler that hands every request to the router.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

use super::faults::{STALL, Verdict, failure};
use super::request::{Req, query_pairs};
use super::router::route;
use super::shared::{Logged, Shared};
use super::status::ApiError;
use super::tls::{Tls, TlsListener};

/// Largest request body accepted: the API server's `--max-request-body-bytes` default.
const MAX_BODY: usize = 3 * 1024 * 1024;

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    addr: String,
}

async fn handle(State(app): State<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let user_agent = parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    app.shared.log_request(Logged { method: parts.method.to_string(), uri: parts.uri.to_string(), user_agent });
    let auth = parts.headers.get("authorization").map(|v| v.as_bytes()).unwrap_or_default();
    let open = matches!(parts.uri.path(), "/healthz" | "/livez" | "/readyz" | "/version");
    if !open && !same_secret(auth, format!("Bearer {}", app.shared.token).as_bytes()) {
        return ApiError::unauthorized().into_response();
    }
    let (delay, verdict) = app.shared.faults.roll();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match verdict {
        Verdict::Serve => {}
        Verdict::Fail(code) => return failure(code).into_response(),
        Verdict::Stall => {
            tokio::time::sleep(STALL).await;
            return failure(503).into_response();
        }
    }
    if let Some((ns, pod, sub)) = super::stream::target(parts.uri.path()) {
        return super::stream::serve(app.shared.clone(), parts, ns, pod, sub).await;
    }
    let body = match to_bytes(Body::new(body), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::too_large(MAX_BODY).into_response(),
    };
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: query_pairs(parts.uri.query()).into_iter().collect(),
        headers: parts.headers,
        body,
    };
    route(app.shared.clone(), req, app.addr.clone()).await
}

/// Whether a presented secret is the expected one, in time that does not depend on
/// where they first differ (a timing side channel would let a client guess the token
/// byte by byte).
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    let differs = presented.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    presented.len() == expected.len() && differs == 0
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
    fn secrets_match_only_when_equal() {
        assert!(same_secret(b"Bearer abc", b"Bearer abc"));
        assert!(!same_secret(b"Bearer abd", b"Bearer abc"));
        assert!(!same_secret(b"Bearer ab", b"Bearer abc"));
        assert!(!same_secret(b"Bearer abcd", b"Bearer abc"));
        assert!(!same_secret(b"", b"Bearer abc"));
        assert!(same_secret(b"", b""));
    }
}
