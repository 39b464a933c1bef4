//! Field ownership for server-side apply: `metadata.managedFields` entries in the FieldsV1
//! format, the set of leaf paths each manager owns, and apply conflicts with the API
//! server's message (`Apply failed with 1 conflict: conflict with "m" using v1: .path`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry, Time};
use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::status::{ApiError, Cause};
use super::store::now_secs;

/// Fields that identify an object rather than configure it; nobody "owns" them.
const IDENTITY: &[&str] =
    &[".apiVersion", ".kind", ".metadata.name", ".metadata.namespace", ".metadata.creationTimestamp", ".status"];

fn item_key(item: &Value) -> Option<(String, Value)> {
    ["name", "containerPort", "mountPath", "type", "ip"]
        .iter()
        .find_map(|k| item.get(*k).map(|v| (k.to_string(), v.clone())))
}

/// Every leaf of `v` with its path, lists of keyed objects addressed as `[name="x"]`.
pub fn leaves(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    walk(v, String::new(), &mut out);
    out.retain(|p, _| !IDENTITY.iter().any(|i| p == i || p.starts_with(&format!("{i}."))));
    out
}

fn walk(v: &Value, path: String, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                walk(x, format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) if items.iter().all(|i| item_key(i).is_some()) && !items.is_empty() => {
            for i in items {
                if let Some((k, id)) = item_key(i) {
                    walk(i, format!("{path}[{k}={id}]"), out);
                }
            }
        }
        Value::Null => {}
        other => {
            out.insert(path, other.clone());
        }
    }
}

/// Builds a FieldsV1 tree (`{"f:metadata":{"f:labels":{"f:app":{}}}}`) from paths.
fn to_fields_v1(paths: &BTreeSet<String>) -> Value {
    let mut root = Map::new();
    for p in paths {
        let mut node = &mut root;
        for seg in split_path(p) {
            let key = match seg.split_once('=') {
                Some((k, v)) if seg.starts_with('[') => {
                    format!("k:{{\"{}\":{}}}", k.trim_start_matches('['), v.trim_end_matches(']'))
                }
                _ => format!("f:{seg}"),
            };
            let entry = node.entry(key).or_insert_with(|| json!({}));
            let Some(next) = entry.as_object_mut() else { break };
            node = next;
        }
    }
    Value::Object(root)
}

fn split_path(p: &str) -> Vec<String> {
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for ch in p.chars() {
        match ch {
            '[' if depth == 0 => {
                if !cur.is_empty() {
                    segs.push(std::mem::take(&mut cur));
                }
                depth += 1;
                cur.push(ch);
            }
            ']' if depth == 1 => {
                cur.push(ch);
                segs.push(std::mem::take(&mut cur));
                depth = 0;
            }
            '.' if depth == 0 => {
                if !cur.is_empty() {
                    segs.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(ch),
        }
    }
    if !cur.is_empty() {
        segs.push(cur);
    }
    segs
}

fn from_fields_v1(v: &Value, prefix: String, out: &mut BTreeSet<String>) {
    let Some(m) = v.as_object() else { return };
    if m.is_empty() && !prefix.is_empty() {
        out.insert(prefix);
        return;
    }
    for (k, child) in m {
        let next = if let Some(f) = k.strip_prefix("f:") {
            format!("{prefix}.{f}")
        } else if let Some(kv) = k.strip_prefix("k:") {
            let parsed: Map<String, Value> = serde_json::from_str(kv).unwrap_or_default();
            match parsed.iter().next() {
                Some((key, val)) => format!("{prefix}[{key}={val}]"),
                None => continue,
            }
        } else {
            continue;
        };
        from_fields_v1(child, next, out);
    }
}

fn owned(e: &ManagedFieldsEntry) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    if let Some(f) = &e.fields_v1 {
        from_fields_v1(&f.0, String::new(), &mut set);
    }
    set
}

/// Records that `manager` (by `operation`) set the fields in `sent`, taking them from
/// every other manager.
pub fn record_manager<K: Kind>(obj: &mut K, manager: &str, operation: &str, sent: &Value) {
    record_paths(obj, manager, operation, leaves(sent).into_keys().collect());
}

/// Records an update (PUT) by `manager`: it owns what it changed, nothing if it changed
/// nothing.
pub fn record_changes<K: Kind>(obj: &mut K, manager: &str, old: &Value) {
    let before = leaves(old);
    let now = leaves(&serde_json::to_value(&*obj).unwrap_or(Value::Null));
    let changed: BTreeSet<String> = now
        .into_iter()
        .filter(|(p, v)| !p.starts_with(".metadata.managedFields") && before.get(p) != Some(v))
        .map(|(p, _)| p)
        .collect();
    if !changed.is_empty() {
        record_paths(obj, manager, "Update", changed);
    }
}

fn record_paths<K: Kind>(obj: &mut K, manager: &str, operation: &str, paths: BTreeSet<String>) {
    let mut entries = obj.metadata().managed_fields.clone().unwrap_or_default();
    for e in entries.iter_mut() {
        let mine = e.manager.as_deref() == Some(manager) && e.operation.as_deref() == Some(operation);
        if mine {
            continue;
        }
        let left: BTreeSet<String> = owned(e).difference(&paths).cloned().collect();
        e.fields_v1 = Some(FieldsV1(to_fields_v1(&left)));
    }
    entries.retain(|e| {
        let mine = e.manager.as_deref() == Some(manager) && e.operation.as_deref() == Some(operation);
        !mine && e.fields_v1.as_ref().is_some_and(|f| f.0.as_object().is_some_and(|m| !m.is_empty()))
    });
    entries.push(ManagedFieldsEntry {
        manager: Some(manager.into()),
        operation: Some(operation.into()),
        api_version: Some("v1".into()),
        time: Some(Time(now_secs())),
        fields_type: Some("FieldsV1".into()),
        fields_v1: Some(FieldsV1(to_fields_v1(&paths))),
        subresource: None,
    });
    obj.metadata_mut().managed_fields = Some(entries);
}

/// An apply takes ownership of what it sent.
pub fn take_ownership<K: Kind>(obj: &mut K, manager: &str, applied: &Value) {
    record_manager(obj, manager, "Apply", applied);
}

/// The fields an apply by `manager` gives up: those its last apply set that `applied` no
/// longer sets and no other manager owns. Server-side apply removes them.
pub fn released<K: Kind>(current: &K, manager: &str, applied: &Value) -> Vec<String> {
    let entries = current.metadata().managed_fields.clone().unwrap_or_default();
    let is_mine =
        |e: &ManagedFieldsEntry| e.manager.as_deref() == Some(manager) && e.operation.as_deref() == Some("Apply");
    let Some(mine) = entries.iter().find(|e| is_mine(e)) else { return Vec::new() };
    let now: BTreeSet<String> = leaves(applied).into_keys().collect();
    let others: BTreeSet<String> = entries.iter().filter(|e| !is_mine(e)).flat_map(owned).collect();
    owned(mine).into_iter().filter(|p| !now.contains(p) && !others.contains(p)).collect()
}

/// Removes the fields at `paths` (`leaves` paths) from `v`, and the maps left empty. A
/// keyed list item goes when its key field is released and nothing else is left in it,
/// so key fields are handled after the rest.
pub fn remove_paths(v: &mut Value, paths: &[String]) {
    let segs: Vec<Vec<String>> = paths.iter().map(|p| split_path(p)).collect();
    let is_key = |s: &Vec<String>| {
        s.len() >= 2 && s[s.len() - 2].strip_prefix('[').is_some_and(|k| k.starts_with(&format!("{}=", s[s.len() - 1])))
    };
    for s in segs.iter().filter(|s| !is_key(s)).chain(segs.iter().filter(|s| is_key(s))) {
        remove_segs(v, s);
    }
}

/// Removes one path; true when `v` is left empty.
fn remove_segs(v: &mut Value, segs: &[String]) -> bool {
    let Some((first, rest)) = segs.split_first() else { return false };
    let keyed = first.strip_prefix('[').and_then(|s| s.strip_suffix(']')).and_then(|s| s.split_once('='));
    if let Some((k, id)) = keyed {
        let id: Value = serde_json::from_str(id).unwrap_or(Value::Null);
        let Some(items) = v.as_array_mut() else { return false };
        let Some(i) = items.iter().position(|it| it.get(k) == Some(&id)) else { return false };
        if rest.len() == 1 && rest[0] == k {
            if items[i].as_object().is_some_and(|m| m.keys().all(|f| f == k)) {
                items.remove(i);
            }
        } else {
            remove_segs(&mut items[i], rest);
        }
        return items.is_empty();
    }
    let Some(m) = v.as_object_mut() else { return false };
    if rest.is_empty() {
        m.remove(first.as_str());
    } else if let Some(child) = m.get_mut(first.as_str())
        && remove_segs(child, rest)
    {
        m.remove(first.as_str());
    }
    m.is_empty()
}

/// `(other manager, its operation, path)` for every applied field that another manager
/// owns with a different live value.
pub fn conflicts<K: Kind>(current: &K, manager: &str, applied: &Value, live: &Value) -> Vec<(String, String, String)> {
    let live_leaves = leaves(live);
    let mut out = Vec::new();
    for (path, value) in leaves(applied) {
        if live_leaves.get(&path) == Some(&value) || !live_leaves.contains_key(&path) {
            continue;
        }
        for e in current.metadata().managed_fields.iter().flatten() {
            let other = e.manager.clone().unwrap_or_default();
            if other == manager && e.operation.as_deref() == Some("Apply") {
                continue;
            }
            if owned(e).contains(&path) {
                out.push((other, e.operation.clone().unwrap_or_default(), path.clone()));
            }
        }
    }
    out
}

fn who(manager: &str, op: &str) -> String {
    if op == "Update" { format!("\"{manager}\" using v1") } else { format!("\"{manager}\"") }
}

/// The 409 the API server returns for apply conflicts.
pub fn conflict_error(resource: &str, name: &str, conflicts: &[(String, String, String)]) -> ApiError {
    let causes = conflicts
        .iter()
        .map(|(m, op, p)| Cause::new("FieldManagerConflict", p.clone(), format!("conflict with {}", who(m, op))))
        .collect();
    let message = if let [(m, op, p)] = conflicts {
        format!("Apply failed with 1 conflict: conflict with {}: {p}", who(m, op))
    } else {
        let mut by: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (m, op, p) in conflicts {
            by.entry(who(m, op)).or_default().push(p);
        }
        let lines: Vec<String> = by
            .iter()
            .flat_map(|(w, ps)| {
                std::iter::once(format!("conflicts with {w}:")).chain(ps.iter().map(|p| format!("- {p}")))
            })
            .collect();
        format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
    };
    ApiError::apply_conflict(resource, name, message, causes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_v1_round_trip() {
        let v = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}});
        let paths: BTreeSet<String> = leaves(&v).into_keys().collect();
        assert!(paths.contains(".spec.containers[name=\"nginx\"].image"), "{paths:?}");
        let tree = to_fields_v1(&paths);
        assert_eq!(tree["f:metadata"]["f:labels"]["f:app"], json!({}));
        assert!(tree["f:spec"]["f:containers"].get("k:{\"name\":\"nginx\"}").is_some(), "{tree}");
        let mut back = BTreeSet::new();
        from_fields_v1(&tree, String::new(), &mut back);
        assert_eq!(back, paths);
    }

    #[test]
    fn released_fields_are_removed_with_what_they_empty() {
        let mut v = json!({"metadata": {"labels": {"a": "1"}, "annotations": {"x": "y"}},
                           "spec": {"containers": [{"name": "a", "image": "i"}, {"name": "b", "image": "j", "tty": true}]}});
        let paths: Vec<String> = [
            ".metadata.labels.a",
            ".spec.containers[name=\"a\"].name",
            ".spec.containers[name=\"a\"].image",
            ".spec.containers[name=\"b\"].tty",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        remove_paths(&mut v, &paths);
        assert_eq!(
            v,
            json!({"metadata": {"annotations": {"x": "y"}},
                             "spec": {"containers": [{"name": "b", "image": "j"}]}})
        );
    }
}
