//! The only code that talks to the Kubernetes API. Callers ask for typed operations
//! (`ops`: get, list, table, create, patch, delete, logs; `watch`: watch streams) and get
//! typed values and typed errors back; nothing here prints. Requests are built with
//! kube's request builders and parameter types and sent through `kube::Client`, so
//! kubeconfig auth (tokens, certificates, exec plugins) and TLS are kube's, and the
//! simulator is reached exactly like a real cluster.

mod ops;
mod resource;
mod transport;
mod watch;

use std::time::Duration;

use http::HeaderMap;
use http_body_util::BodyExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::error::{ApiStatus, Error, Result};

pub use ops::{List, WriteParams, Written};
pub use resource::Resource;
pub use watch::plain as plain_watch;

/// The Accept header kubectl sends for human-readable output.
pub const TABLE_ACCEPT: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// How long one request may take before the shell gives up on it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection to one cluster (one kubeconfig context).
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    server: String,
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
        let config = Config::from_custom_kubeconfig(kubeconfig.clone(), &opts)
            .await
            .map_err(|e| Error::msg(format!("context {context:?}: {e}")))?;
        let server = config.cluster_url.to_string().trim_end_matches('/').to_string();
        let client = Client::try_from(config).map_err(|e| Error::msg(format!("context {context:?}: {e}")))?;
        Ok(Self { client, server })
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
    async fn send(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<kube::client::Body>> {
        let (parts, body) = req.into_parts();
        let req = http::Request::from_parts(parts, kube::client::Body::from(body));
        let resp = tokio::time::timeout(REQUEST_TIMEOUT, self.client.send(req))
            .await
            .map_err(|_| Error::Connection { server: self.host_port(), cause: "timed out".into(), refused: false })?
            .map_err(|e| self.transport_error(&e))?;
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
