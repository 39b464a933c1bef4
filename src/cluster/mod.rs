//! The only code that talks to the Kubernetes API. Callers ask for typed operations
//! (`ops`: get, list, table, create, patch, delete, logs; `watch`: watch streams) and get
//! typed values and typed errors back; nothing here prints. Requests are built with
//! kube's request builders and parameter types and sent through `kube::Client`, so
//! kubeconfig auth (tokens, certificates, exec plugins) and TLS are kube's, and the
//! simulator is reached exactly like a real cluster.

mod ops;
mod resource;
mod retry;
mod transport;
mod watch;

use std::time::Duration;

use http::HeaderMap;
use http_body_util::BodyExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::error::{ApiStatus, Error, Result};

pub use ops::{List, WriteParams, Written, list_head};
pub use resource::Resource;
pub use watch::plain as plain_watch;

/// The Accept header kubectl sends for human-readable output.
pub const TABLE_ACCEPT: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// How long one request may take before the shell gives up on it, unless told
/// otherwise (`--request-timeout`; kubectl itself waits forever by default, but a shell
/// that hangs on a stalled server is worse than one that says so).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How a timed-out request is reported: Go's net/http words, as kubectl prints them.
const TIMED_OUT: &str = "net/http: request canceled (Client.Timeout exceeded while awaiting headers)";

/// A connection to one cluster (one kubeconfig context).
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    server: String,
    /// How long a request may wait for the server's answer; `None`: forever.
    timeout: Option<Duration>,
}

/// Reads `299 - "text"` warning headers the way client-go does.
fn warnings(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let quoted = v.splitn(3, ' ').nth(2)?;
            let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
            Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"))
        })
        .collect()
}

/// A successful response's body and warnings.
struct Reply {
    body: bytes::Bytes,
    warnings: Vec<String>,
}

impl Cluster {
    /// Connects to `context` of `kubeconfig`; nothing is sent until the first request.
    pub async fn connect(kubeconfig: &Kubeconfig, context: &str) -> Result<Self> {
        let opts = KubeConfigOptions { context: Some(context.to_string()), ..Default::default() };
        let mut config = Config::from_custom_kubeconfig(kubeconfig.clone(), &opts)
            .await
            .map_err(|e| Error::msg(format!("context {context:?}: {e}")))?;
        // kube's own retry layer sends any request again on a 503 without being asked,
        // writes included, for up to 15 tries; `send` follows client-go's rules instead.
        config.default_retry = false;
        let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
        let client = Client::try_from(config).map_err(|e| Error::msg(format!("context {context:?}: {e}")))?;
        Ok(Self { client, server, timeout: Some(DEFAULT_REQUEST_TIMEOUT) })
    }

    /// The same connection with requests given up after `timeout` (`None`: never).
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// `host:port` of the server, as kubectl names it in connection errors.
    fn host_port(&self) -> String {
        let rest = self.server.split("://").nth(1).unwrap_or(&self.server);
        rest.split('/').next().unwrap_or(rest).to_string()
    }

    fn transport_error(&self, e: &(dyn std::error::Error + 'static)) -> Error {
        let server = self.host_port();
        let c = transport::cause(e, &server);
        Error::Connection { server, cause: c.text, refused: c.refused }
    }

    /// Sends a built request; a non-2xx answer becomes `Error::Api` from its Status.
    /// As client-go does, a request the server turned away with `Retry-After` (an
    /// overloaded server's 429, a 5xx that says when to come back) is sent again after
    /// that wait, and a read whose connection broke is sent again after a short back-off;
    /// a write whose connection broke is not (it may have been carried out).
    async fn send(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<kube::client::Body>> {
        let (parts, body) = req.into_parts();
        let idempotent = matches!(parts.method, http::Method::GET | http::Method::HEAD);
        let mut attempt = 0;
        loop {
            let mut again = http::Request::new(kube::client::Body::from(body.clone()));
            *again.method_mut() = parts.method.clone();
            *again.uri_mut() = parts.uri.clone();
            *again.headers_mut() = parts.headers.clone();
            let wait = match self.send_once(again).await {
                Ok(resp) => match retry::after(resp.status().as_u16(), resp.headers()) {
                    Some(wait) if attempt < retry::MAX => wait,
                    _ => return self.accepted(resp).await,
                },
                Err(Some(e)) if idempotent && attempt < retry::MAX && retry::broken(&e) => retry::backoff(attempt),
                Err(Some(e)) => return Err(self.transport_error(&e)),
                Err(None) => {
                    return Err(Error::Connection {
                        server: self.host_port(),
                        cause: TIMED_OUT.into(),
                        refused: false,
                    });
                }
            };
            attempt += 1;
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: the server's answer, whatever its status, or why there was none
    /// (`None`: no answer within the request timeout).
    async fn send_once(
        &self,
        req: http::Request<kube::client::Body>,
    ) -> std::result::Result<http::Response<kube::client::Body>, Option<kube::Error>> {
        let sent = self.client.send(req);
        match self.timeout {
            Some(t) => tokio::time::timeout(t, sent).await.map_err(|_| None)?.map_err(Some),
            None => sent.await.map_err(Some),
        }
    }

    /// A 2xx answer as it is; any other becomes `Error::Api` from its Status.
    async fn accepted(&self, resp: http::Response<kube::client::Body>) -> Result<http::Response<kube::client::Body>> {
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(resp);
        }
        let bytes = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        Err(Error::api(ApiStatus::from_body(status, &bytes)))
    }

    /// Sends a request and reads its whole answer.
    async fn call(&self, req: http::Request<Vec<u8>>) -> Result<Reply> {
        let resp = self.send(req).await?;
        let warnings = warnings(resp.headers());
        let body = resp.into_body().collect().await.map_err(|e| self.transport_error(&e))?.to_bytes();
        Ok(Reply { body, warnings })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_headers() {
        let mut h = HeaderMap::new();
        h.append("warning", r#"299 - "unknown field \"metadata.lables\"""#.parse().expect("header"));
        assert_eq!(warnings(&h), ["unknown field \"metadata.lables\""]);
    }
}
