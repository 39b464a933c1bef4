//! The HTTP front: axum on a TCP listener, bearer-token authentication, request logging,
//! and one fallback handler that hands every request to the router.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

use super::request::{Req, query_pairs};
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
        query: query_pairs(parts.uri.query()).into_iter().collect(),
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
