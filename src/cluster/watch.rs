//! Watch streams, decoded: newline-delimited `{"type", "object"}` events become typed
//! `Watched` values, and an `ERROR` event becomes the stream's error with the server's
//! Status. Also the self-healing watches (kube's watcher: re-list on expiry or
//! reconnect, with back-off) for `tail` and the completion cache's namespaces.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::core::params::WatchParams;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Cluster;
use super::resource::Resource;
use crate::api::{Table, Watched};
use crate::error::{ApiStatus, Error, Result};

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    object: Value,
}

/// One line of a watch stream.
fn event<K: DeserializeOwned>(line: &[u8]) -> Result<Watched<K>> {
    let bad = |e: serde_json::Error| Error::msg(format!("unexpected watch event from the server: {e}"));
    let Line { kind, object } = serde_json::from_slice(line).map_err(bad)?;
    let typed = |o: Value| serde_json::from_value::<K>(o).map_err(bad);
    match kind.as_str() {
        "ADDED" => Ok(Watched::Added(typed(object)?)),
        "MODIFIED" => Ok(Watched::Modified(typed(object)?)),
        "DELETED" => Ok(Watched::Deleted(typed(object)?)),
        "BOOKMARK" => Ok(Watched::Bookmark),
        _ => {
            let code = object.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(500);
            Err(Error::api(ApiStatus::from_body(code, object.to_string().as_bytes())))
        }
    }
}

/// Splits a chunked body into lines and decodes each as an event.
fn events<K, S>(chunks: S) -> impl Stream<Item = Result<Watched<K>>> + Send + use<K, S>
where
    K: DeserializeOwned + Send + 'static,
    S: Stream<Item = Result<Bytes>> + Send + Unpin + 'static,
{
    futures::stream::unfold((chunks, Vec::<u8>::new()), |(mut chunks, mut buf)| async move {
        loop {
            if let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buf.drain(..=pos).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some((event::<K>(&line), (chunks, buf)));
            }
            match chunks.next().await {
                Some(Ok(b)) => buf.extend_from_slice(&b),
                Some(Err(e)) => return Some((Err(e), (chunks, buf))),
                None => return None,
            }
        }
    })
}

/// kube always sends `timeoutSeconds`; without one in `wp`, kubectl sends none and lets
/// the server choose, so it is taken out again.
fn watch_request(r: Resource, ns: Option<&str>, wp: &WatchParams, from: &str) -> Result<http::Request<Vec<u8>>> {
    let req = r.request(ns).watch(wp, from).map_err(|e| Error::msg(format!("cannot build the request: {e}")))?;
    if wp.timeout.is_some() {
        return Ok(req);
    }
    let (mut parts, body) = req.into_parts();
    let uri = parts.uri.to_string();
    let (path, query) = uri.split_once('?').unwrap_or((&uri, ""));
    let kept: Vec<&str> = query.split('&').filter(|p| !p.starts_with("timeoutSeconds=")).collect();
    parts.uri = format!("{path}?{}", kept.join("&"))
        .parse()
        .map_err(|e| Error::msg(format!("cannot build the request: {e}")))?;
    Ok(http::Request::from_parts(parts, body))
}

/// A plain watch, as kubectl's `get -w` and `wait` open it: no bookmarks, no timeout.
pub fn plain() -> WatchParams {
    WatchParams { bookmarks: false, ..WatchParams::default() }
}

impl Cluster {
    /// Changes after resourceVersion `from`, decoded as `K`.
    pub async fn watch<K: DeserializeOwned + Send + 'static>(
        &self,
        r: Resource,
        ns: Option<&str>,
        wp: &WatchParams,
        from: &str,
    ) -> Result<impl Stream<Item = Result<Watched<K>>> + Send + use<K>> {
        let chunks = self.body_stream(watch_request(r, ns, wp, from)?).await?;
        Ok(events::<K, _>(chunks.boxed()).boxed())
    }

    /// Changes after `from` as Table rows (`get -w`).
    pub async fn watch_tables(
        &self,
        r: Resource,
        ns: Option<&str>,
        wp: &WatchParams,
        from: &str,
    ) -> Result<impl Stream<Item = Result<Watched<Table>>> + Send + use<>> {
        let mut req = watch_request(r, ns, wp, from)?;
        req.headers_mut().insert(http::header::ACCEPT, http::HeaderValue::from_static(super::TABLE_ACCEPT));
        let chunks = self.body_stream(req).await?;
        Ok(events::<Table, _>(chunks.boxed()).boxed())
    }

    /// Changes to one pod after `from` (selected by `metadata.name`, as kubectl's delete
    /// and wait do).
    pub async fn watch_pod(
        &self,
        ns: &str,
        name: &str,
        from: &str,
    ) -> Result<impl Stream<Item = Result<Watched<Pod>>> + Send + use<>> {
        let wp = WatchParams { field_selector: Some(format!("metadata.name={name}")), ..plain() };
        self.watch::<Pod>(Resource::Pods, Some(ns), &wp, from).await
    }
}

type WatchItem<K> = std::result::Result<kube::runtime::watcher::Event<K>, kube::runtime::watcher::Error>;

/// A self-healing watch (re-lists on expiry or reconnect, with back-off).
fn watched<K>(api: kube::Api<K>) -> impl Stream<Item = WatchItem<K>> + Send + use<K>
where
    K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    watched_with(api, kube::runtime::watcher::Config::default())
}

fn watched_with<K>(
    api: kube::Api<K>,
    config: kube::runtime::watcher::Config,
) -> impl Stream<Item = WatchItem<K>> + Send + use<K>
where
    K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    use kube::runtime::WatchStreamExt;
    kube::runtime::watcher(api, config).default_backoff()
}

impl Cluster {
    /// Follows the pods of one namespace (or all) matching a label selector, for `tail`.
    pub fn follow_selected_pods(
        &self,
        namespace: Option<&str>,
        selector: Option<&str>,
    ) -> impl Stream<Item = WatchItem<Pod>> + Send + use<> {
        let api = match namespace {
            Some(ns) => kube::Api::namespaced(self.client.clone(), ns),
            None => kube::Api::all(self.client.clone()),
        };
        let mut config = kube::runtime::watcher::Config::default();
        if let Some(s) = selector {
            config = config.labels(s);
        }
        watched_with(api, config)
    }

    /// Follows the cluster's namespaces, for the cache.
    pub fn follow_namespaces(&self) -> impl Stream<Item = WatchItem<Namespace>> + Send + use<> {
        watched(kube::Api::all(self.client.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_decode_by_type() {
        let added = event::<Pod>(br#"{"type":"ADDED","object":{"metadata":{"name":"a"}}}"#).expect("added");
        assert_eq!(added.word(), "ADDED");
        assert_eq!(added.object().and_then(|p| p.metadata.name.as_deref()), Some("a"));
        assert!(matches!(event::<Pod>(br#"{"type":"BOOKMARK","object":{}}"#), Ok(Watched::Bookmark)));
        let gone = event::<Pod>(
            br#"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 1"}}"#,
        );
        match gone {
            Err(Error::Api { status, .. }) => {
                assert_eq!((status.code, status.reason.as_str()), (410, "Expired"));
                assert_eq!(status.message, "too old resource version: 1");
            }
            other => panic!("expected the Status as an error, got {other:?}"),
        }
        assert!(event::<Pod>(b"not json").is_err());
    }

    #[test]
    fn watch_requests_carry_no_timeout_unless_asked() {
        let req = watch_request(Resource::Pods, Some("default"), &plain(), "42").expect("builds");
        let uri = req.uri().to_string();
        assert!(uri.contains("watch=true") && uri.contains("resourceVersion=42"), "{uri}");
        assert!(!uri.contains("timeoutSeconds") && !uri.contains("allowWatchBookmarks"), "{uri}");
        let timed = watch_request(Resource::Pods, None, &WatchParams::default().timeout(5), "0").expect("builds");
        assert!(timed.uri().to_string().contains("timeoutSeconds=5"));
    }
}
