//! Typed operations on the cluster: get, list (every page, following `continue`),
//! server-side Tables, create, patch, delete and log streams. Each is built with kube's
//! request builder and parameter types and decodes the answer into the caller's type.

use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use http_body_util::BodyExt;
use kube::core::params::{DeleteParams, GetParams, ListParams, Patch, PatchParams, PostParams, ValidationDirective};
use kube::core::subresource::LogParams;
use kube::core::{DynamicObject, ObjectList};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::resource::{Resource, encode};
use super::{Cluster, Reply, TABLE_ACCEPT};
use crate::api::Table;
use crate::error::{Error, Result};

/// The items of a list (all pages) and the list's resourceVersion.
#[derive(Debug, Clone)]
pub struct List<K> {
    pub items: Vec<K>,
    pub resource_version: String,
}

/// What a write returned: the object as stored (or as it would be, in a dry run) and the
/// server's warnings.
#[derive(Debug, Clone)]
pub struct Written {
    pub object: DynamicObject,
    pub warnings: Vec<String>,
}

/// The options every write takes.
#[derive(Debug, Clone, Default)]
pub struct WriteParams {
    /// `dryRun=All`: validated and defaulted by the server, not stored.
    pub dry_run: bool,
    pub field_manager: Option<String>,
    pub field_validation: Option<ValidationDirective>,
}

/// How many items a list page asks for, as kubectl's chunking does.
const PAGE: u32 = 500;

fn build_error(e: kube::core::request::Error) -> Error {
    Error::msg(format!("cannot build the request: {e}"))
}

fn decode<K: DeserializeOwned>(bytes: &[u8]) -> Result<K> {
    serde_json::from_slice(bytes).map_err(|e| Error::msg(format!("unexpected answer from the server: {e}")))
}

/// Only a list page's metadata (its `continue` token, version and what remains), read
/// past the items without decoding them: about a millisecond for 500 pods.
pub fn list_head(bytes: &[u8]) -> Result<kube::core::ListMeta> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(default)]
        metadata: kube::core::ListMeta,
    }
    decode::<Head>(bytes).map(|h| h.metadata)
}

fn as_table(mut req: http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    req.headers_mut().insert(http::header::ACCEPT, http::HeaderValue::from_static(TABLE_ACCEPT));
    req
}

/// Adds a query parameter that kube's parameter type does not carry.
fn with_query(req: http::Request<Vec<u8>>, key: &str, value: &str) -> Result<http::Request<Vec<u8>>> {
    let (mut parts, body) = req.into_parts();
    let uri = parts.uri.to_string();
    let sep = if uri.contains('?') { '&' } else { '?' };
    parts.uri = format!("{uri}{sep}{key}={}", encode(value))
        .parse()
        .map_err(|e| Error::msg(format!("cannot build the request: {e}")))?;
    Ok(http::Request::from_parts(parts, body))
}

impl Cluster {
    async fn decode_call<K: DeserializeOwned>(&self, req: http::Request<Vec<u8>>) -> Result<K> {
        let Reply { body, .. } = self.call(req).await?;
        decode(&body)
    }

    /// One object, decoded as `K` (a typed object, or `DynamicObject` to keep every field).
    pub async fn get<K: DeserializeOwned>(&self, r: Resource, ns: Option<&str>, name: &str) -> Result<K> {
        let req = r.request(ns).get(&encode(name), &GetParams::default()).map_err(build_error)?;
        self.decode_call(req).await
    }

    /// One object as the server's Table.
    pub async fn get_table(&self, r: Resource, ns: Option<&str>, name: &str) -> Result<Table> {
        let req = r.request(ns).get(&encode(name), &GetParams::default()).map_err(build_error)?;
        self.decode_call(as_table(req)).await
    }

    /// Every item of a list, following `continue` tokens page by page.
    pub async fn list<K: DeserializeOwned + Clone>(
        &self,
        r: Resource,
        ns: Option<&str>,
        lp: &ListParams,
    ) -> Result<List<K>> {
        let mut lp = ListParams { limit: Some(lp.limit.unwrap_or(PAGE)), ..lp.clone() };
        let mut items = Vec::new();
        loop {
            let req = r.request(ns).list(&lp).map_err(build_error)?;
            let page: ObjectList<K> = self.decode_call(req).await?;
            items.extend(page.items);
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(c) => lp.continue_token = Some(c),
                None => {
                    let resource_version = page.metadata.resource_version.unwrap_or_default();
                    return Ok(List { items, resource_version });
                }
            }
        }
    }

    /// One page of a list as the server sent it, undecoded: a caller that decodes it
    /// elsewhere can ask for the next page meanwhile (see `list_head`).
    pub async fn list_page_bytes(
        &self,
        r: Resource,
        ns: Option<&str>,
        limit: u32,
        cont: Option<String>,
    ) -> Result<Bytes> {
        let lp = ListParams { limit: Some(limit), continue_token: cont, ..ListParams::default() };
        let req = r.request(ns).list(&lp).map_err(build_error)?;
        Ok(self.call(req).await?.body)
    }

    /// A list as the server's Tables, one per page.
    pub async fn list_tables(&self, r: Resource, ns: Option<&str>, lp: &ListParams) -> Result<Vec<Table>> {
        let mut lp = ListParams { limit: Some(lp.limit.unwrap_or(PAGE)), ..lp.clone() };
        let mut pages = Vec::new();
        loop {
            let req = r.request(ns).list(&lp).map_err(build_error)?;
            let page: Table = self.decode_call(as_table(req)).await?;
            let next = page.metadata.continue_.clone().filter(|c| !c.is_empty());
            pages.push(page);
            match next {
                Some(c) => lp.continue_token = Some(c),
                None => return Ok(pages),
            }
        }
    }

    /// Creates an object from a manifest.
    pub async fn create(&self, r: Resource, ns: Option<&str>, body: &Value, w: &WriteParams) -> Result<Written> {
        let pp = PostParams { dry_run: w.dry_run, field_manager: w.field_manager.clone() };
        let bytes = serde_json::to_vec(body).map_err(|e| Error::msg(format!("cannot encode the object: {e}")))?;
        let mut req = r.request(ns).create(&pp, bytes).map_err(build_error)?;
        if let Some(v) = &w.field_validation {
            req = with_query(req, "fieldValidation", v.as_str())?;
        }
        self.written(req).await
    }

    /// Patches an object (merge, strategic merge or apply).
    pub async fn patch(
        &self,
        r: Resource,
        ns: Option<&str>,
        name: &str,
        patch: &Patch<Value>,
        w: &WriteParams,
    ) -> Result<Written> {
        let pp = PatchParams {
            dry_run: w.dry_run,
            force: false,
            field_manager: w.field_manager.clone(),
            field_validation: w.field_validation.clone(),
        };
        let req = r.request(ns).patch(&encode(name), &pp, patch).map_err(build_error)?;
        self.written(req).await
    }

    async fn written(&self, req: http::Request<Vec<u8>>) -> Result<Written> {
        let Reply { body, warnings } = self.call(req).await?;
        Ok(Written { object: decode(&body)?, warnings })
    }

    /// Deletes an object; the answer is the object (still terminating, or as it was) or
    /// a Status, either read as a `DynamicObject`.
    pub async fn delete(&self, r: Resource, ns: Option<&str>, name: &str, dp: &DeleteParams) -> Result<DynamicObject> {
        let req = r.request(ns).delete(&encode(name), dp).map_err(build_error)?;
        self.decode_call(req).await
    }

    /// A container's log, chunk by chunk as the server sends it (`follow` keeps it open).
    pub async fn logs(
        &self,
        ns: &str,
        pod: &str,
        lp: &LogParams,
    ) -> Result<impl Stream<Item = Result<Bytes>> + Send + use<>> {
        let mut req = Resource::Pods.request(Some(ns)).logs(&encode(pod), lp).map_err(build_error)?;
        req.headers_mut().insert(http::header::ACCEPT, http::HeaderValue::from_static("application/json, */*"));
        self.body_stream(req).await
    }

    /// The body of a streaming answer (logs, watches) as chunks. A stream the
    /// connection cut short ends with Go's words for it, as kubectl prints them
    /// (`error: unexpected EOF`).
    pub(super) async fn body_stream(
        &self,
        req: http::Request<Vec<u8>>,
    ) -> Result<impl Stream<Item = Result<Bytes>> + Send + use<>> {
        let resp = self.send(req).await?;
        Ok(resp.into_body().into_data_stream().map_err(|_| Error::cut_short()).boxed())
    }
}
