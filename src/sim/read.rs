//! GET of one object and LIST of a collection: namespace scoping, label and field
//! selectors, `limit`/`continue` pagination, and Table or plain JSON by the Accept header.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use axum::response::Response;
use bytes::Bytes;
use serde_json::json;

use crate::common::selector::{FieldSelector, LabelSelector};

use super::chunked;
use super::kinds::Kind;
use super::objects::Selectable;
use super::request::Target;
use super::request::{Req, raw_reply};
use super::shared::Shared;
use super::status::{ApiError, ApiResult};
use super::store::{Key, Store};
use super::table::{self, Include, Printable, TABLE_CONTENT_TYPE};

/// The store key a target names.
pub fn key(t: &Target) -> Key {
    (t.namespace.clone().unwrap_or_default(), t.name.clone().unwrap_or_default())
}

/// One object: its stored encoding as is, or a one-row Table of it.
pub fn get_object<K: Printable>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let stored = K::map(&shared.lock())
        .stored(&key(t))
        .ok_or_else(|| ApiError::not_found(K::URL_PATH_SEGMENT, t.name.as_deref().unwrap_or_default()))?;
    if table::wants_table(req.accept()) {
        let include = Include::parse(req.q("includeObject"))?;
        let one = table::single::<K>(&stored.bytes, Some(&stored.sel.row), include, true).unwrap_or_default();
        return Ok(raw_reply(TABLE_CONTENT_TYPE, one));
    }
    Ok(raw_reply("application/json", stored.bytes))
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
        self.labels.matches_by(|k| s.labels.get(k))
            && self.fields.matches(|f| s.fields.get(f).unwrap_or_default().to_string())
    }
}

/// A continue token: the list's revision, the last key sent and, for an unfiltered list,
/// how many items are left after it. Every page of one list is served at that revision,
/// so the next page's `remainingItemCount` is this count less the page: only the first
/// page counts the rest of the namespace.
fn encode_continue(rv: u64, last: &Key, left: Option<usize>) -> String {
    let raw = format!("{}/{}", last.0, last.1);
    let hex: String = raw.bytes().map(|b| format!("{b:02x}")).collect();
    match left {
        Some(n) => format!("{rv}-{hex}-{n}"),
        None => format!("{rv}-{hex}"),
    }
}

/// What a continue token carries: where the list resumes, and what is left (if counted).
type Resume = ((u64, Key), Option<usize>);

fn decode_continue(token: &str) -> ApiResult<Resume> {
    let bad = || ApiError::bad_request("continue key is not valid: malformed token".to_string());
    let (rv, rest) = token.split_once('-').ok_or_else(bad)?;
    let (hex, left) = match rest.split_once('-') {
        Some((hex, n)) => (hex, Some(n.parse::<usize>().map_err(|_| bad())?)),
        None => (rest, None),
    };
    let rv = rv.parse::<u64>().map_err(|_| bad())?;
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let raw = String::from_utf8(bytes).map_err(|_| bad())?;
    let (ns, name) = raw.split_once('/').ok_or_else(bad)?;
    Ok(((rv, (ns.to_string(), name.to_string())), left))
}

/// A list at a resourceVersion the store has not reached yet waits up to three seconds
/// for it, then answers 504 `Too large resource version`, as the watch cache does.
pub async fn wait_fresh(shared: &Shared, req: &Req) -> ApiResult<()> {
    let Some(rv) = req.q("resourceVersion").and_then(|r| r.parse::<u64>().ok()).filter(|r| *r > 0) else {
        return Ok(());
    };
    let mut changes = shared.changes();
    let deadline = tokio::time::Instant::now() + FRESHNESS_WAIT;
    loop {
        let current = shared.lock().revision();
        if rv <= current {
            return Ok(());
        }
        match tokio::time::timeout_at(deadline, changes.changed()).await {
            Ok(Ok(())) => {}
            _ => return Err(ApiError::too_large_version(rv, current)),
        }
    }
}

const FRESHNESS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The message of a 410 for a continue token older than the history.
const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/// The revision a list is served at: a continue token's (every page of one list is one
/// snapshot), an exact `resourceVersion`, or now.
fn list_revision(req: &Req, start: &Option<(u64, Key)>, current: u64) -> ApiResult<u64> {
    if let Some((rv, _)) = start {
        return Ok(*rv);
    }
    if req.q("resourceVersionMatch") == Some("Exact") {
        let rv = req.q("resourceVersion").unwrap_or("");
        return rv.parse::<u64>().map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")));
    }
    Ok(current)
}

/// The keys of kind `K` in `ns` (all with `None`) that `sel` selects, in order, read
/// from what the store captured (no object is decoded); a namespace is a key range, so
/// this costs what the namespace holds, not the whole kind.
pub fn selected<'a, K: Kind>(
    store: &'a Store,
    ns: Option<&'a str>,
    sel: &'a Selectors,
) -> impl Iterator<Item = &'a Key> + 'a {
    let objects = K::map(store);
    let keys: Box<dyn Iterator<Item = &'a Key> + 'a> = match ns {
        None => Box::new(objects.keys()),
        Some(ns) => Box::new(objects.keys_in(ns)),
    };
    keys.filter(move |k| objects.selectable(k).is_some_and(|s| sel.matches_captured(&s)))
}

/// One list item: as stored now, or as it was at an earlier revision (its encoding then).
enum Item {
    Now,
    Then(Bytes),
}

pub fn list_objects<K: Printable>(shared: &Arc<Shared>, req: &Req, t: &Target) -> ApiResult<Response> {
    let sel = Selectors::from_req::<K>(req)?;
    let selective = !sel.labels.is_empty() || !sel.fields.is_empty();
    let limit = req.int("limit")?.and_then(|l| usize::try_from(l).ok()).filter(|l| *l > 0);
    let resume = req.q("continue").filter(|c| !c.is_empty()).map(decode_continue).transpose()?;
    let (start, counted) = match resume {
        Some((at, left)) => (Some(at), left),
        None => (None, None),
    };
    let store = shared.lock();
    let rv = list_revision(req, &start, store.revision())?;
    let then = if rv < store.revision() {
        store.changed_since::<K>(rv).ok_or_else(|| match start {
            Some(_) => ApiError::gone(CONTINUE_EXPIRED.to_string()),
            None => ApiError::gone(format!("too old resource version: {rv}")),
        })?
    } else {
        BTreeMap::new()
    };
    let now = K::map(&store);
    let ns = t.namespace.as_deref();
    // Where the page starts: after the continue key, and not before the namespace.
    let floor = ns.map(|n| (n.to_string(), String::new()));
    let lower = match (&start, &floor) {
        (Some((_, s)), Some(f)) if s < f => Bound::Included(f),
        (Some((_, s)), _) => Bound::Excluded(s),
        (None, Some(f)) => Bound::Included(f),
        (None, None) => Bound::Unbounded,
    };
    let in_ns = |k: &&Key| ns.is_none_or(|n| k.0 == n);
    let gone_since: Vec<&Key> =
        then.range((lower, Bound::Unbounded)).map(|(k, _)| k).filter(|k| !now.contains_key(k)).filter(in_ns).collect();
    let mut keys = merge_sorted(now.range_keys((lower, Bound::Unbounded)), gone_since).take_while(in_ns);
    let mut items: Vec<(&Key, Item)> = Vec::new();
    let mut remaining = 0usize;
    for k in keys.by_ref() {
        let item = match then.get(k) {
            Some(None) => continue,
            Some(Some(v)) => Item::Then(v.clone()),
            None if now.contains_key(k) => Item::Now,
            None => continue,
        };
        if selective {
            let matched = match &item {
                Item::Now => now.selectable(k).is_some_and(|s| sel.matches_captured(&s)),
                Item::Then(b) => serde_json::from_slice::<K>(b).is_ok_and(|o| sel.matches(&o)),
            };
            if !matched {
                continue;
            }
        }
        if limit.is_some_and(|l| items.len() >= l) {
            remaining += 1;
            break;
        }
        items.push((k, item));
    }
    // The API server counts what is left only when nothing is filtered: from the token
    // when an earlier page counted it, else by walking the rest of the keys once.
    if remaining > 0 && !selective {
        // A first page at the current revision: what the scope holds less the page.
        let whole = (start.is_none() && then.is_empty()).then(|| now.count_in(ns));
        remaining = match (counted, whole) {
            (Some(left), _) if left > items.len() => left - items.len(),
            (None, Some(all)) if all > items.len() => all - items.len(),
            _ => remaining + keys.by_ref().filter(|k| !matches!(then.get(*k), Some(None))).count(),
        };
    }
    let left = (!selective).then_some(remaining);
    let cont = (remaining > 0).then(|| items.last().map(|(k, _)| encode_continue(rv, k, left))).flatten();
    let rv_s = rv.to_string();
    // An earlier revision's encoding has nowhere to keep a printed row.
    let encoded: Vec<(Bytes, Option<Arc<Selectable>>)> = items
        .iter()
        .filter_map(|(k, i)| match i {
            Item::Now => now.stored(k).map(|s| (s.bytes, Some(s.sel))),
            Item::Then(b) => Some((b.clone(), None)),
        })
        .collect();
    drop((items, keys));
    drop(store);
    if table::wants_table(req.accept()) {
        let include = Include::parse(req.q("includeObject"))?;
        let left = (remaining > 0 && !selective).then_some(remaining);
        let head = table::head::<K>(&rv_s, cont.as_deref(), left, true);
        let now = k8s_openapi::jiff::Timestamp::now().as_second();
        let body = chunked::body(head, encoded, b"]}", move |out, (bytes, sel)| {
            table::write_row::<K>(out, bytes, sel.as_ref().map(|s| &s.row), include, now)
        });
        return Ok(raw_reply(TABLE_CONTENT_TYPE, body));
    }
    let mut meta = json!({"resourceVersion": rv_s});
    if let Some(c) = &cont {
        meta["continue"] = json!(c);
        if !selective {
            meta["remainingItemCount"] = json!(remaining);
        }
    }
    let head = chunked::opening(&json!({"kind": K::LIST_KIND, "apiVersion": "v1", "metadata": meta}), "items");
    let body = chunked::body(head, encoded, b"]}", |out, (bytes, _)| {
        out.extend_from_slice(bytes);
        true
    });
    Ok(raw_reply("application/json", body))
}

/// Two ascending key sequences as one.
fn merge_sorted<'a>(a: impl Iterator<Item = &'a Key>, b: Vec<&'a Key>) -> impl Iterator<Item = &'a Key> {
    let mut a = a.peekable();
    let mut b = b.into_iter().peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_round_trip() {
        let k = ("default".to_string(), "web-1".to_string());
        assert_eq!(decode_continue(&encode_continue(42, &k, None)).expect("valid"), ((42, k.clone()), None));
        assert_eq!(decode_continue(&encode_continue(42, &k, Some(7))).expect("valid"), ((42, k), Some(7)));
        assert!(decode_continue("zz").is_err());
        assert!(decode_continue("1-zz").is_err());
        assert!(decode_continue("1-64-x").is_err());
    }
}
