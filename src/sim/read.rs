//! GET of one object and LIST of a collection: namespace scoping, label and field
//! selectors, `limit`/`continue` pagination, and Table or plain JSON by the Accept header.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Value, json};

use crate::common::selector::{FieldSelector, LabelSelector};

use super::kinds::Kind;
use super::request::Target;
use super::request::{Req, json_reply, typed_reply};
use super::shared::Shared;
use super::status::{ApiError, ApiResult};
use super::store::Key;
use super::table::{self, Include, Printable, TABLE_CONTENT_TYPE};

/// The store key a target names.
pub fn key(t: &Target) -> Key {
    (t.namespace.clone().unwrap_or_default(), t.name.clone().unwrap_or_default())
}

pub fn get_object<K: Printable>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let store = shared.lock();
    let obj = store
        .get::<K>(&key(t))
        .ok_or_else(|| ApiError::not_found(K::URL_PATH_SEGMENT, t.name.as_deref().unwrap_or_default()))?;
    if table::wants_table(req.accept()) {
        let include = Include::parse(req.q("includeObject"))?;
        let rv = obj.metadata().resource_version.clone().unwrap_or_default();
        return Ok(typed_reply(TABLE_CONTENT_TYPE, &table::table(&[obj], include, &rv, None, true)));
    }
    Ok(json_reply(200, obj, &[]))
}

/// Parsed selectors of a list or watch, with the 400s the API server gives for bad ones.
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn from_req<K: Kind>(req: &Req) -> ApiResult<Self> {
        let labels = LabelSelector::parse(req.q("labelSelector").unwrap_or("")).map_err(ApiError::bad_request)?;
        let raw_fields = req.q("fieldSelector").unwrap_or("");
        let fields = FieldSelector::parse(raw_fields).map_err(ApiError::bad_request)?;
        if let Some(bad) = fields.unsupported(|f| K::FIELDS.contains(&f)) {
            return Err(ApiError::bad_request(format!("field label not supported: {bad}")));
        }
        Ok(Self { labels, fields })
    }

    pub fn matches<K: Kind>(&self, obj: &K) -> bool {
        self.labels.matches(obj.metadata().labels.as_ref()) && self.fields.matches(|f| obj.field(f))
    }

    pub fn matches_captured(&self, s: &super::store::Selectable) -> bool {
        self.labels.matches(Some(&s.labels)) && self.fields.matches(|f| s.fields.get(f).cloned().unwrap_or_default())
    }
}

fn encode_continue(rv: u64, last: &Key) -> String {
    let raw = format!("{}/{}", last.0, last.1);
    let hex: String = raw.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{rv}-{hex}")
}

fn decode_continue(token: &str) -> ApiResult<(u64, Key)> {
    let bad = || ApiError::bad_request("continue key is not valid: malformed token".to_string());
    let (rv, hex) = token.split_once('-').ok_or_else(bad)?;
    let rv = rv.parse::<u64>().map_err(|_| bad())?;
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let raw = String::from_utf8(bytes).map_err(|_| bad())?;
    let (ns, name) = raw.split_once('/').ok_or_else(bad)?;
    Ok((rv, (ns.to_string(), name.to_string())))
}

pub fn list_objects<K: Printable>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let sel = Selectors::from_req::<K>(req)?;
    let limit = req.q("limit").and_then(|l| l.parse::<usize>().ok()).filter(|l| *l > 0);
    let start = req.q("continue").filter(|c| !c.is_empty()).map(decode_continue).transpose()?;
    let store = shared.lock();
    let rv = start.as_ref().map_or(store.revision(), |(rv, _)| *rv);
    let ns = t.namespace.clone();
    let range = K::map(&store).iter().filter(|(k, _)| start.as_ref().is_none_or(|(_, s)| *k > s));
    let mut items: Vec<(&Key, &K)> = Vec::new();
    let mut remaining = 0usize;
    for (k, obj) in range {
        if ns.as_ref().is_some_and(|n| *n != k.0) || !sel.matches(obj) {
            continue;
        }
        if limit.is_some_and(|l| items.len() >= l) {
            remaining += 1;
            continue;
        }
        items.push((k, obj));
    }
    let cont = (remaining > 0).then(|| items.last().map(|(k, _)| encode_continue(rv, k))).flatten();
    let rv_s = rv.to_string();
    if table::wants_table(req.accept()) {
        let include = Include::parse(req.q("includeObject"))?;
        let objs: Vec<&K> = items.iter().map(|(_, o)| *o).collect();
        let mut tbl = table::table(&objs, include, &rv_s, cont.as_deref(), true);
        if remaining > 0 {
            tbl["metadata"]["remainingItemCount"] = json!(remaining);
        }
        return Ok(typed_reply(TABLE_CONTENT_TYPE, &tbl));
    }
    let mut meta = json!({"resourceVersion": rv_s});
    if let Some(c) = &cont {
        meta["continue"] = json!(c);
        meta["remainingItemCount"] = json!(remaining);
    }
    let list = json!({
        "kind": K::LIST_KIND,
        "apiVersion": "v1",
        "metadata": meta,
        "items": items.iter().map(|(_, o)| serde_json::to_value(o).unwrap_or(Value::Null)).collect::<Vec<_>>(),
    });
    Ok(json_reply(200, &list, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let k = ("default".to_string(), "web-1".to_string());
        assert_eq!(decode_continue(&encode_continue(42, &k)).expect("valid"), (42, k));
        assert!(decode_continue("zz").is_err());
        assert!(decode_continue("1-zz").is_err());
    }
}
