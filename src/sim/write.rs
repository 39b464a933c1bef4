//! Writes: POST, PUT, PATCH and DELETE, generic over kinds, with per-kind hooks for
//! defaulting, validation, immutability and graceful deletion. Every write honours
//! `dryRun=All` (validated and defaulted, neither stored nor watched) and `fieldValidation`.

use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

use super::fields;
use super::kinds::{Kind, Res};
use super::patch;
use super::read::{Selectors, key};
use super::request::Target;
use super::request::{Req, Validation, json_reply};
use super::shared::Shared;
use super::status::{ApiError, ApiResult, success_status};
use super::store::{Key, Store, new_uid, now_secs, random_suffix};
use super::table::Printable;
use super::validate::unknown_fields;

/// Options of a DELETE, from the body and the query.
#[derive(Debug, Clone, Default)]
pub struct DeleteOpts {
    pub grace: Option<i64>,
    pub dry_run: bool,
    pub uid: Option<String>,
    pub resource_version: Option<String>,
}

/// What a delete did.
pub enum Deleted {
    /// Gone now; the final state.
    Now(Value),
    /// Still there (graceful deletion or finalizers); its current state.
    Pending(Value),
}

/// Kind-specific behaviour around writes.
pub trait Hooks: Printable {
    /// Defaults and validation of a new object (after system metadata is set).
    fn prepare(&mut self) -> ApiResult<()> {
        Ok(())
    }
    fn created(_store: &mut Store, _key: &Key, _shared: &Shared) {}
    /// Rejects changes the kind does not allow; may fix up `new` from `old`. `sub` is the
    /// subresource written through (`status`, `ephemeralcontainers`).
    fn check_update(_old: &Self, _new: &mut Self, _sub: Option<&str>) -> ApiResult<()> {
        Ok(())
    }
    fn updated(_store: &mut Store, _key: &Key, _old: &Self, _shared: &Shared) {}
    /// Deletes the object; the default removes it at once.
    fn delete(store: &mut Store, key: &Key, opts: &DeleteOpts, _shared: &Shared) -> ApiResult<Deleted> {
        if opts.dry_run {
            let obj = store.get::<Self>(key).map(|o| serde_json::to_value(o).unwrap_or(Value::Null));
            return Ok(Deleted::Now(obj.unwrap_or(Value::Null)));
        }
        let gone = store.remove::<Self>(key);
        Ok(Deleted::Now(gone.map(|o| serde_json::to_value(o).unwrap_or(Value::Null)).unwrap_or(Value::Null)))
    }
}

fn cannot_handle<K: Kind>(detail: &str) -> ApiError {
    ApiError::bad_request(format!(
        "{} in version \"{}\" cannot be handled as a {}: {detail}",
        K::KIND,
        K::VERSION,
        K::KIND
    ))
}

/// Decodes `body` into `K`, reporting dropped fields per `fieldValidation`.
pub fn decode<K: Kind>(body: &Value, mode: Validation) -> ApiResult<(K, Vec<String>)> {
    if !body.is_object() {
        return Err(cannot_handle::<K>("json: cannot unmarshal into an object"));
    }
    if body.get("kind").is_none_or(Value::is_null) {
        return Err(ApiError::bad_request(format!("Object 'Kind' is missing in '{}'", body)));
    }
    let mut body = body.clone();
    if body.get("metadata").is_none() {
        body["metadata"] = json!({});
    }
    let obj: K = serde_json::from_value(body.clone()).map_err(|e| cannot_handle::<K>(&e.to_string()))?;
    let unknown = match mode {
        Validation::Ignore => Vec::new(),
        _ => unknown_fields(&body, &serde_json::to_value(&obj).unwrap_or(Value::Null)),
    };
    let unknown: Vec<String> = unknown.into_iter().map(|f| format!("unknown field \"{f}\"")).collect();
    if mode == Validation::Strict && !unknown.is_empty() {
        return Err(cannot_handle::<K>(&format!("strict decoding error: {}", unknown.join(", "))));
    }
    Ok((obj, unknown))
}

/// The body of a POST or PUT. A body without `apiVersion`/`kind` (what typed clients send
/// when they leave them unset) takes them from the URL, as the API server's decoder does.
fn body_of<K: Kind>(req: &Req) -> ApiResult<Value> {
    if req.content_type().contains("protobuf") {
        return super::protobuf::object_from_protobuf(K::KIND, &req.body)
            .ok_or_else(|| ApiError::unsupported_media(req.content_type()));
    }
    let mut body = req.json_body()?;
    if let Some(m) = body.as_object_mut() {
        for (field, value) in [("apiVersion", K::API_VERSION), ("kind", K::KIND)] {
            if m.get(field).is_none_or(|v| v.is_null() || v == "") {
                m.insert(field.to_string(), json!(value));
            }
        }
    }
    Ok(body)
}

/// The field manager of a non-apply write: `fieldManager`, else the User-Agent's product
/// name (before the first `/`, printable characters, at most 128 bytes) as the API
/// server derives it.
fn manager_of(req: &Req) -> String {
    if let Some(m) = req.q("fieldManager").filter(|m| !m.is_empty()) {
        return m.to_string();
    }
    let product = req.header("user-agent").split('/').next().unwrap_or("");
    let mut out = String::new();
    for c in product.chars().filter(|c| !c.is_control()) {
        if out.len() + c.len_utf8() > 128 {
            break;
        }
        out.push(c);
    }
    out
}

pub fn create_object<K: Hooks>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let body = body_of::<K>(req)?;
    let (obj, warnings) = decode::<K>(&body, req.field_validation()?)?;
    let manager = manager_of(req);
    let created = insert(shared, req, t, obj, Some((&manager, "Update")), &body)?;
    Ok(json_reply(201, &created, &warnings))
}

/// Creates `obj` in the target's namespace (shared by POST and apply-creates); `manager`
/// is the field manager and its operation (`Update` for POST, `Apply` for apply).
fn insert<K: Hooks>(
    shared: &Arc<Shared>,
    req: &Req,
    t: &Target,
    mut obj: K,
    manager: Option<(&str, &str)>,
    sent: &Value,
) -> ApiResult<K> {
    let dry_run = req.dry_run()?;
    let url_ns = t.namespace.clone();
    let m = obj.metadata_mut();
    if K::RES.info().namespaced {
        if let (Some(body_ns), Some(url)) = (m.namespace.as_ref(), url_ns.as_ref())
            && !body_ns.is_empty()
            && body_ns != url
        {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        m.namespace = url_ns.clone();
    } else {
        m.namespace = None;
    }
    if m.resource_version.as_deref().is_some_and(|rv| !rv.is_empty()) {
        return Err(ApiError::bad_request("resourceVersion should not be set on objects to be created"));
    }
    if m.name.as_deref().unwrap_or("").is_empty()
        && let Some(g) = m.generate_name.as_deref().filter(|g| !g.is_empty())
    {
        m.name = Some(format!("{g}{}", random_suffix(5)));
    }
    m.uid = Some(new_uid());
    m.creation_timestamp = Some(Time(now_secs()));
    m.deletion_timestamp = None;
    m.managed_fields = None;
    obj.prepare()?;
    if let Some((mgr, operation)) = manager {
        fields::record_manager(&mut obj, mgr, operation, sent);
    }
    let name = obj.metadata().name.clone().unwrap_or_default();
    let mut store = shared.lock();
    if let Some(ns) = &url_ns {
        store.namespace_writable(ns, K::URL_PATH_SEGMENT, &name)?;
    }
    let k = (url_ns.unwrap_or_default(), name.clone());
    if store.get::<K>(&k).is_some() {
        return Err(ApiError::already_exists(K::URL_PATH_SEGMENT, &name));
    }
    if dry_run {
        return Ok(obj);
    }
    let stored = store.create(obj);
    K::created(&mut store, &k, shared);
    shared.committed(store);
    Ok(stored)
}

pub fn replace_object<K: Hooks>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let body = body_of::<K>(req)?;
    let (obj, warnings) = decode::<K>(&body, req.field_validation()?)?;
    let updated = store_update(shared, req, t, obj, true, Some(&manager_of(req)))?;
    Ok(json_reply(200, &updated, &warnings))
}

/// Applies a full new state of an existing object: optimistic concurrency, immutable
/// system metadata, kind rules, no-op detection, dry run.
fn store_update<K: Hooks>(
    shared: &Arc<Shared>,
    req: &Req,
    t: &Target,
    mut new: K,
    check_rv: bool,
    put_by: Option<&str>,
) -> ApiResult<K> {
    let dry_run = req.dry_run()?;
    let name = t.name.clone().unwrap_or_default();
    if new.metadata().name.as_deref().is_some_and(|n| n != name) {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({name})",
            new.metadata().name.clone().unwrap_or_default()
        )));
    }
    let mut store = shared.lock();
    let k = key(t);
    let old = store.get::<K>(&k).ok_or_else(|| ApiError::not_found(K::URL_PATH_SEGMENT, &name))?;
    let sent_rv = new.metadata().resource_version.clone().filter(|r| !r.is_empty());
    if check_rv && sent_rv.is_some() && sent_rv != old.metadata().resource_version {
        return Err(ApiError::conflict(K::URL_PATH_SEGMENT, &name));
    }
    {
        let (o, n) = (old.metadata(), new.metadata_mut());
        n.name = o.name.clone();
        n.namespace = o.namespace.clone();
        n.uid = o.uid.clone();
        n.creation_timestamp = o.creation_timestamp.clone();
        n.deletion_timestamp = o.deletion_timestamp.clone();
        n.deletion_grace_period_seconds = o.deletion_grace_period_seconds;
        if n.managed_fields.is_none() {
            n.managed_fields = o.managed_fields.clone();
        }
        n.resource_version = o.resource_version.clone();
    }
    K::check_update(&old, &mut new, t.sub.as_deref())?;
    if let Some(manager) = put_by {
        fields::record_changes(&mut new, manager, &serde_json::to_value(&old).unwrap_or(Value::Null));
    }
    let same = serde_json::to_value(&old).ok() == serde_json::to_value(&new).ok();
    if dry_run || same {
        return Ok(new);
    }
    let stored = store.update(new);
    K::updated(&mut store, &k, &old, shared);
    shared.committed(store);
    Ok(stored)
}

pub fn patch_object<K: Hooks>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let ct = req.content_type().split(';').next().unwrap_or("").trim().to_string();
    let mode = req.field_validation()?;
    let name = t.name.clone().unwrap_or_default();
    let current = shared.lock().get::<K>(&key(t));
    if ct == "application/apply-patch+yaml" {
        return apply::<K>(shared, req, t, current, mode);
    }
    let current = current.ok_or_else(|| ApiError::not_found(K::URL_PATH_SEGMENT, &name))?;
    let live = serde_json::to_value(&current).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let body = req.json_body()?;
    let patched = match ct.as_str() {
        "application/merge-patch+json" => patch::merge(&live, &body),
        "application/strategic-merge-patch+json" => patch::strategic(&live, &body),
        "application/json-patch+json" => json_patch(&live, &body)?,
        other => return Err(ApiError::unsupported_media(other)),
    };
    let (mut obj, warnings) = decode::<K>(&patched, mode)?;
    fields::record_manager(&mut obj, &manager_of(req), "Update", &body);
    let updated = store_update(shared, req, t, obj, false, None)?;
    Ok(json_reply(200, &updated, &warnings))
}

/// RFC 6902 as the API server answers it: 400 for a patch that is not a list of
/// operations, 422 Invalid (with the generic message) for one that does not apply.
fn json_patch(live: &Value, body: &Value) -> ApiResult<Value> {
    if !body.as_array().is_some_and(|ops| ops.iter().all(Value::is_object)) {
        return Err(ApiError::bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch"));
    }
    patch::json_patch(live, body).map_err(|_| ApiError::unprocessable())
}

/// Server-side apply: create when absent, else merge the applied configuration, refusing
/// to take fields another manager owns unless `force=true`.
fn apply<K: Hooks>(
    shared: &Arc<Shared>,
    req: &Req,
    t: &Target,
    current: Option<K>,
    mode: Validation,
) -> ApiResult<Response> {
    let manager = req
        .q("fieldManager")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set"))?
        .to_string();
    let applied = req.json_body()?;
    let (_, warnings) = decode::<K>(&applied, mode)?;
    let Some(current) = current else {
        let (obj, _) = decode::<K>(&applied, Validation::Ignore)?;
        let created = insert(shared, req, t, obj, Some((&manager, "Apply")), &applied)?;
        return Ok(json_reply(201, &created, &warnings));
    };
    let live = serde_json::to_value(&current).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if !req.flag("force") {
        let conflicts = fields::conflicts(&current, &manager, &applied, &live);
        if !conflicts.is_empty() {
            let name = t.name.clone().unwrap_or_default();
            return Err(fields::conflict_error(K::URL_PATH_SEGMENT, &name, &conflicts));
        }
    }
    let mut live = live;
    fields::remove_paths(&mut live, &fields::released(&current, &manager, &applied));
    let merged = patch::strategic(&live, &applied);
    let (mut obj, _) = decode::<K>(&merged, Validation::Ignore)?;
    fields::take_ownership(&mut obj, &manager, &applied);
    let updated = store_update(shared, req, t, obj, false, None)?;
    Ok(json_reply(200, &updated, &warnings))
}

fn delete_opts(req: &Req) -> ApiResult<DeleteOpts> {
    let body: Value =
        if req.body.is_empty() { json!({}) } else { serde_json::from_slice(&req.body).unwrap_or(json!({})) };
    let grace = body
        .get("gracePeriodSeconds")
        .and_then(Value::as_i64)
        .or_else(|| req.q("gracePeriodSeconds").and_then(|g| g.parse().ok()));
    let body_dry = body.get("dryRun").and_then(Value::as_array).is_some_and(|a| a.iter().any(|v| v == "All"));
    let pre = body.get("preconditions");
    Ok(DeleteOpts {
        grace,
        dry_run: req.dry_run()? || body_dry,
        uid: pre.and_then(|p| p.get("uid")).and_then(Value::as_str).map(str::to_string),
        resource_version: pre.and_then(|p| p.get("resourceVersion")).and_then(Value::as_str).map(str::to_string),
    })
}

pub fn delete_object<K: Hooks>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let opts = delete_opts(req)?;
    let name = t.name.clone().unwrap_or_default();
    let k = key(t);
    let mut store = shared.lock();
    let obj = store.get::<K>(&k).ok_or_else(|| ApiError::not_found(K::URL_PATH_SEGMENT, &name))?;
    let m = obj.metadata();
    let uid = m.uid.clone().unwrap_or_default();
    let live_rv = m.resource_version.clone().unwrap_or_default();
    let failed = match (&opts.uid, &opts.resource_version) {
        (Some(u), _) if *u != uid => Some(format!("UID in precondition: {u}, UID in object meta: {uid}")),
        (_, Some(rv)) if *rv != live_rv => {
            Some(format!("ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {live_rv}"))
        }
        _ => None,
    };
    if let Some(why) = failed {
        return Err(ApiError::conflict_because(K::URL_PATH_SEGMENT, &name, &format!("Precondition failed: {why}")));
    }
    let outcome = K::delete(&mut store, &k, &opts, shared)?;
    shared.committed(store);
    Ok(match outcome {
        Deleted::Pending(v) => json_reply(200, &v, &[]),
        Deleted::Now(v) if K::RES == Res::Pods => json_reply(200, &v, &[]),
        Deleted::Now(_) => json_reply(200, &success_status(K::URL_PATH_SEGMENT, &name, &uid), &[]),
    })
}

pub fn delete_collection<K: Hooks>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let opts = delete_opts(req)?;
    let sel = Selectors::from_req::<K>(req)?;
    let mut store = shared.lock();
    let keys: Vec<Key> = super::read::selected::<K>(&store, t.namespace.as_deref(), &sel).cloned().collect();
    let mut items = Vec::new();
    for k in keys {
        match K::delete(&mut store, &k, &opts, shared)? {
            Deleted::Now(v) | Deleted::Pending(v) => items.push(v),
        }
    }
    let rv = store.revision().to_string();
    shared.committed(store);
    let list = json!({"kind": K::LIST_KIND, "apiVersion": "v1", "metadata": {"resourceVersion": rv}, "items": items});
    Ok(json_reply(200, &list, &[]))
}

/// A grace period as the pod strategy resolves it.
pub fn grace_of(requested: Option<i64>, spec_default: Option<i64>) -> Duration {
    let g = requested.unwrap_or(spec_default.unwrap_or(30));
    Duration::from_secs(if g < 0 { 1 } else { g as u64 })
}
