//! The only code that talks to the Kubernetes API. It returns data (JSON values, typed
//! pods, byte streams) and typed errors; it never prints. Everything goes through
//! `kube::Client`, so kubeconfig auth (tokens, certificates, exec plugins) and TLS are
//! kube's, and the simulator is reached exactly like a real cluster.

use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use http::{HeaderMap, Method, Request};
use http_body_util::BodyExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::Value;

use crate::error::{ApiStatus, Error, Result};

/// The Accept header kubectl sends for human-readable output.
pub const TABLE_ACCEPT: &str =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// A successful response.
#[derive(Debug)]
pub struct Reply {
    pub body: Value,
    pub warnings: Vec<String>,
}

/// A connection to one cluster (one kubeconfig context).
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    server: String,
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A query string from pairs, skipping `None` values.
pub fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = pairs.iter().filter_map(|(k, v)| v.map(|v| format!("{k}={}", encode(v)))).collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
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

    fn host_port(&self) -> String {
        let rest = self.server.split("://").nth(1).unwrap_or(&self.server);
        rest.split('/').next().unwrap_or(rest).to_string()
    }

    fn transport_error(&self, e: kube::Error) -> Error {
        let text = format!("{e:?}");
        let refused = text.contains("ConnectionRefused") || text.contains("Connection refused");
        Error::Connection { server: self.host_port(), cause: e.to_string(), refused }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<http::Response<kube::client::Body>> {
        let mut req = Request::builder().method(method).uri(path).header("accept", accept);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let req =
            req.body(kube::client::Body::from(body)).map_err(|e| Error::msg(format!("bad request {path:?}: {e}")))?;
        let resp = tokio::time::timeout(Duration::from_secs(60), self.client.send(req))
            .await
            .map_err(|_| Error::Connection { server: self.host_port(), cause: "timed out".into(), refused: false })?
            .map_err(|e| self.transport_error(e))?;
        Ok(resp)
    }

    /// One request with a JSON (or Table) answer; non-2xx becomes `Error::Api`.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        accept: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Reply> {
        let resp = self.send(method, path, accept, content_type, body).await?;
        let status = resp.status().as_u16();
        let warnings = warnings(resp.headers());
        let bytes = resp.into_body().collect().await.map_err(|e| self.transport_error(e))?.to_bytes();
        if !(200..300).contains(&status) {
            return Err(Error::api(ApiStatus::from_body(status, &bytes)));
        }
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Reply { body, warnings })
    }

    pub async fn get_json(&self, path: &str) -> Result<Value> {
        Ok(self.call(Method::GET, path, "application/json", None, Vec::new()).await?.body)
    }

    pub async fn get_table(&self, path: &str) -> Result<Value> {
        Ok(self.call(Method::GET, path, TABLE_ACCEPT, None, Vec::new()).await?.body)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        self.call(Method::POST, path, "application/json", Some("application/json"), body.to_string().into_bytes()).await
    }

    pub async fn patch(&self, path: &str, content_type: &str, body: &Value) -> Result<Reply> {
        self.call(Method::PATCH, path, "application/json", Some(content_type), body.to_string().into_bytes()).await
    }

    pub async fn delete(&self, path: &str, body: &Value) -> Result<Reply> {
        self.call(Method::DELETE, path, "application/json", Some("application/json"), body.to_string().into_bytes())
            .await
    }

    /// A streaming GET (logs, watches): the body as chunks, after checking the status.
    pub async fn stream(&self, path: &str, accept: &str) -> Result<impl Stream<Item = Result<Bytes>> + Send + use<>> {
        let resp = self.send(Method::GET, path, accept, None, Vec::new()).await?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let bytes = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            return Err(Error::api(ApiStatus::from_body(status, &bytes)));
        }
        let server = self.host_port();
        Ok(resp
            .into_body()
            .into_data_stream()
            .map_err(move |e| Error::Connection { server: server.clone(), cause: e.to_string(), refused: false })
            .boxed())
    }

    /// Newline-delimited JSON from a watch.
    pub async fn watch_lines(
        &self,
        path: &str,
        accept: &str,
    ) -> Result<impl Stream<Item = Result<Value>> + Send + use<>> {
        let chunks = self.stream(path, accept).await?;
        let lines = futures::stream::unfold((chunks, Vec::<u8>::new()), |(mut chunks, mut buf)| async move {
            loop {
                if let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=pos).collect();
                    let v = serde_json::from_slice::<Value>(&line).unwrap_or(Value::Null);
                    return Some((Ok(v), (chunks, buf)));
                }
                match chunks.next().await {
                    Some(Ok(b)) => buf.extend_from_slice(&b),
                    Some(Err(e)) => return Some((Err(e), (chunks, buf))),
                    None => return None,
                }
            }
        });
        Ok(lines.boxed())
    }
}

type WatchItem<K> = Result<kube::runtime::watcher::Event<K>, kube::runtime::watcher::Error>;

/// A self-healing watch (re-lists on expiry or reconnect, with back-off).
fn watched<K>(api: kube::Api<K>) -> impl futures::Stream<Item = WatchItem<K>> + Send + use<K>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    use kube::runtime::WatchStreamExt;
    kube::runtime::watcher(api, kube::runtime::watcher::Config::default()).default_backoff()
}

impl Cluster {
    /// Watches pods of one namespace, or of all with `None`.
    pub fn watch_pods(
        &self,
        namespace: Option<&str>,
    ) -> impl futures::Stream<Item = WatchItem<k8s_openapi::api::core::v1::Pod>> + Send + use<> {
        watched(match namespace {
            Some(ns) => kube::Api::namespaced(self.client.clone(), ns),
            None => kube::Api::all(self.client.clone()),
        })
    }

    /// Watches the cluster's namespaces.
    pub fn watch_namespaces(
        &self,
    ) -> impl futures::Stream<Item = WatchItem<k8s_openapi::api::core::v1::Namespace>> + Send + use<> {
        watched(kube::Api::all(self.client.clone()))
    }
}

impl Cluster {
    /// Changes to one pod after `resource_version`, as newline-delimited watch events
    /// (selected by `metadata.name`, as kubectl's delete and wait do).
    pub async fn watch_pod(
        &self,
        namespace: &str,
        name: &str,
        resource_version: &str,
    ) -> Result<impl Stream<Item = Result<Value>> + Send + use<>> {
        let sel = format!("metadata.name={name}");
        let q = query(&[
            ("fieldSelector", Some(&sel)),
            ("resourceVersion", Some(resource_version)),
            ("watch", Some("true")),
        ]);
        self.watch_lines(&format!("{}{q}", collection("pods", Some(namespace))), "application/json").await
    }
}

/// `/api/v1/namespaces/{ns}/{resource}` or `/api/v1/{resource}` for all namespaces.
pub fn collection(resource: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("/api/v1/namespaces/{}/{resource}", encode(ns)),
        None => format!("/api/v1/{resource}"),
    }
}

pub fn object(resource: &str, namespace: Option<&str>, name: &str) -> String {
    format!("{}/{}", collection(resource, namespace), encode(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_paths() {
        assert_eq!(
            query(&[("labelSelector", Some("app in (a,b)")), ("x", None)]),
            "?labelSelector=app%20in%20%28a%2Cb%29"
        );
        assert_eq!(object("pods", Some("default"), "nginx"), "/api/v1/namespaces/default/pods/nginx");
        assert_eq!(collection("pods", None), "/api/v1/pods");
    }

    #[test]
    fn warning_headers() {
        let mut h = HeaderMap::new();
        h.append("warning", r#"299 - "unknown field \"metadata.lables\"""#.parse().expect("header"));
        assert_eq!(warnings(&h), ["unknown field \"metadata.lables\""]);
    }
}
