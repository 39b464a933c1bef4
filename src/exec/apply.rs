//! `apply -f` and `create -f`: Pods through the API (client-side apply semantics:
//! create with the last-applied annotation, or a three-way patch, or "unchanged");
//! documents of other kinds are handed to kubectl. Unknown fields are named with the
//! field that was probably meant.

use kube::core::DynamicObject;
use kube::core::params::{Patch, ValidationDirective};
use serde_json::{Map, Value, json};

use super::manifests::{self, Doc, Unread};
use super::{Io, emit, handoff};
use crate::cluster::{Cluster, Resource, WriteParams, Written};
use crate::command::parse::{Apply, DryRun, Format};
use crate::error::{Error, Result};
use crate::render::errors::error_text;
use crate::render::json::to_json_sorted;
use crate::render::yaml::to_yaml;
use crate::session::Session;
use crate::settings::Settings;

pub(super) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn suffix(d: DryRun) -> &'static str {
    match d {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    }
}

/// The patch that turns `current` into `modified`, deleting what `original` had and
/// `modified` dropped. Lists of named items are merged by name, as strategic merge does.
pub fn three_way(original: &Value, modified: &Value, current: &Value) -> Value {
    let (Value::Object(m), cur) = (modified, current) else { return modified.clone() };
    let mut patch = Map::new();
    for (k, mv) in m {
        let cv = cur.get(k).unwrap_or(&Value::Null);
        let ov = original.get(k).unwrap_or(&Value::Null);
        match (mv, cv) {
            (Value::Object(_), Value::Object(_)) => {
                let sub = three_way(ov, mv, cv);
                if sub.as_object().is_some_and(|s| !s.is_empty()) {
                    patch.insert(k.clone(), sub);
                }
            }
            (Value::Array(ms), Value::Array(cs)) if merge_key(ms).is_some() => {
                let key = merge_key(ms).unwrap_or("name");
                let mut items = Vec::new();
                for item in ms {
                    let id = item.get(key);
                    let c = cs.iter().find(|x| x.get(key) == id).unwrap_or(&Value::Null);
                    let o = ov.as_array().and_then(|os| os.iter().find(|x| x.get(key) == id)).unwrap_or(&Value::Null);
                    let sub = if c.is_null() { item.clone() } else { three_way(o, item, c) };
                    if sub.as_object().is_some_and(|s| !s.is_empty()) || c.is_null() {
                        let mut sub = sub;
                        if let (Value::Object(s), Some(n)) = (&mut sub, id) {
                            s.insert(key.into(), n.clone());
                        }
                        items.push(sub);
                    }
                }
                if !items.is_empty() {
                    patch.insert(k.clone(), Value::Array(items));
                }
            }
            _ if mv != cv => {
                patch.insert(k.clone(), mv.clone());
            }
            _ => {}
        }
    }
    if let Value::Object(o) = original {
        for k in o.keys() {
            if !m.contains_key(k) && cur.get(k).is_some() {
                patch.insert(k.clone(), Value::Null);
            }
        }
    }
    Value::Object(patch)
}

/// The field that identifies items of a list of objects (strategic merge's merge key).
fn merge_key(items: &[Value]) -> Option<&'static str> {
    if items.is_empty() {
        return None;
    }
    ["name", "containerPort", "mountPath", "ip", "type"].into_iter().find(|k| items.iter().all(|x| x.get(*k).is_some()))
}

/// The manifest as kubectl records it: namespace filled in, then the configuration
/// (with an empty or stripped `annotations` map, as kubectl leaves it) stored compactly
/// with sorted keys in the last-applied annotation.
fn with_last_applied(doc: &Value, ns: &str) -> Value {
    let mut annotated = doc.clone();
    if let Some(m) = annotated.get_mut("metadata").and_then(Value::as_object_mut) {
        m.entry("namespace").or_insert(json!(ns));
        let ann = m.entry("annotations").or_insert(json!({}));
        if let Some(a) = ann.as_object_mut() {
            a.remove(LAST_APPLIED);
        }
    }
    let compact = format!("{}\n", crate::render::json::sort_keys(&annotated));
    if let Some(a) = annotated.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut) {
        a.insert(LAST_APPLIED.into(), json!(compact));
    }
    annotated
}

/// What `-o` makes of the objects a run applied: kubectl's apply prints `yaml`/`json`
/// once at the end (one object, or a `List` of them), create prints each as it goes
/// (YAML documents separated by `---`); `name` and the default print a line each.
struct Printer {
    format: Option<Format>,
    create_only: bool,
    printed: usize,
    collected: Vec<Value>,
}

impl Printer {
    fn new(format: Option<Format>, create_only: bool) -> Self {
        Self { format, create_only, printed: 0, collected: Vec::new() }
    }

    /// One applied object: the server's answer (or the manifest in a client-side dry
    /// run) and kubectl's one-line summary.
    fn object(&mut self, io: &mut Io<'_>, mut obj: Value, line: &str) -> Result<()> {
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
        match self.format {
            Some(Format::Yaml | Format::Json) if !self.create_only => {
                self.collected.push(obj);
                Ok(())
            }
            Some(Format::Yaml) => {
                let sep = if self.printed > 0 { "---\n" } else { "" };
                self.printed += 1;
                emit(io.out, &format!("{sep}{}", to_yaml(&obj)))
            }
            Some(Format::Json) => emit(io.out, &to_json_sorted(&obj)),
            Some(Format::Name) => {
                let name = obj.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
                emit(io.out, &format!("pod/{name}\n"))
            }
            _ => emit(io.out, line),
        }
    }

    /// Prints what apply collected: the one object, or a `List` of them.
    fn finish(mut self, io: &mut Io<'_>) -> Result<()> {
        let doc = match self.collected.len() {
            0 => return Ok(()),
            1 => self.collected.remove(0),
            _ => json!({"apiVersion": "v1", "items": self.collected, "kind": "List", "metadata": {}}),
        };
        emit(io.out, &if self.format == Some(Format::Json) { to_json_sorted(&doc) } else { to_yaml(&doc) })
    }
}

/// The object a client-side dry run prints: the manifest in its namespace; `apply`
/// also carries the last-applied annotation, and (as kubectl's annotation step leaves
/// it) no null creation timestamp.
fn client_dry_run(doc: &Doc, ns: &str, create_only: bool) -> Value {
    if !create_only {
        let mut v = with_last_applied(&doc.value, ns);
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut)
            && m.get("creationTimestamp").is_some_and(Value::is_null)
        {
            m.remove("creationTimestamp");
        }
        return v;
    }
    let mut v = doc.value.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.entry("namespace").or_insert(json!(ns));
    }
    v
}

fn value(obj: DynamicObject) -> Value {
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

fn warn(io: &mut Io<'_>, written: &Written) -> Result<()> {
    for w in &written.warnings {
        emit(io.err, &format!("Warning: {w}\n"))?;
    }
    Ok(())
}

fn validation(v: &str) -> ValidationDirective {
    match v {
        "Strict" => ValidationDirective::Strict,
        "Warn" => ValidationDirective::Warn,
        _ => ValidationDirective::Ignore,
    }
}

fn hints(io: &mut Io<'_>, doc: &Doc) -> Result<()> {
    for (path, suggestion) in manifests::unknown_pod_fields(&doc.value) {
        let text = match suggestion {
            Some(s) => format!("hint: {path} is not a Pod field; did you mean {s:?}?\n"),
            None => format!("hint: {path} is not a Pod field\n"),
        };
        emit(io.err, &text)?;
    }
    Ok(())
}

/// kubectl's warning before it patches an object that no apply created.
const NO_LAST_APPLIED: &str = "Warning: resource pods/{name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n";

/// Applies one Pod document; returns the object to print and kubectl's summary line.
pub(super) async fn apply_pod(
    cluster: &Cluster,
    ns: &str,
    doc: &Doc,
    a: &Apply,
    io: &mut Io<'_>,
) -> Result<(Value, String)> {
    let name = doc.name();
    let ns = doc.namespace().unwrap_or_else(|| ns.to_string());
    let manager = if a.create_only { "kubectl-create" } else { "kubectl-client-side-apply" };
    let params = WriteParams {
        dry_run: a.dry_run == DryRun::Server,
        field_manager: Some(manager.to_string()),
        field_validation: Some(validation(&a.validate)),
    };
    let existing = if a.create_only {
        None
    } else {
        match cluster.get::<DynamicObject>(Resource::Pods, Some(&ns), &name).await {
            Ok(v) => Some(v),
            Err(e) if e.not_found() => None,
            Err(e) => return Err(e),
        }
    };
    let Some(current) = existing else {
        let created = if a.dry_run == DryRun::Client {
            client_dry_run(doc, &ns, a.create_only)
        } else {
            let body = if a.create_only { doc.value.clone() } else { with_last_applied(&doc.value, &ns) };
            let written = cluster
                .create(Resource::Pods, Some(&ns), &body, &params)
                .await
                .map_err(|e| e.during("creating", &doc.source))?;
            warn(io, &written)?;
            value(written.object)
        };
        let given = created.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or(&name);
        // kubectl names an object without a name `<unknown>` (a generated name in a
        // client-side dry run).
        let name = if given.is_empty() { "<unknown>" } else { given };
        let line = format!("pod/{name} created{}\n", suffix(a.dry_run));
        return Ok((created, line));
    };
    let configured = format!("pod/{name} configured{}\n", suffix(a.dry_run));
    if a.dry_run == DryRun::Client {
        // kubectl computes no patch in a client-side dry run: always "configured".
        return Ok((value(current), configured));
    }
    let last = current.metadata.annotations.as_ref().and_then(|a| a.get(LAST_APPLIED));
    if last.is_none() {
        emit(io.err, &NO_LAST_APPLIED.replace("{name}", &name))?;
    }
    let original: Value = last.and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
    let modified = with_last_applied(&doc.value, &ns);
    let live = value(current);
    let patch = three_way(&original, &modified, &live);
    if patch.as_object().is_none_or(Map::is_empty) {
        return Ok((live, format!("pod/{name} unchanged{}\n", suffix(a.dry_run))));
    }
    let written = cluster
        .patch(Resource::Pods, Some(&ns), &name, &Patch::Strategic(patch), &params)
        .await
        .map_err(|e| e.during("patching", &doc.source))?;
    warn(io, &written)?;
    Ok((value(written.object), configured))
}

/// Whether every document is one the shell applies itself: a v1 Pod with a name (or,
/// for `create`, a generated name).
fn all_native(docs: &[Doc], create_only: bool) -> bool {
    docs.iter().all(|d| d.is_pod() && (!d.name().is_empty() || (create_only && d.generate_name().is_some())))
}

pub async fn apply(session: &mut Session, settings: &Settings, a: Apply, io: &mut Io<'_>) -> Result<()> {
    let script_on_stdin = settings.stdin_is_script;
    let input = &mut *io.input;
    let mut stdin = || -> Result<String> {
        if script_on_stdin {
            return Err(Error::with_hint(
                "-f - would read the rest of this script",
                "put the manifest in a file, or pass the script with -c",
            ));
        }
        let mut s = String::new();
        let limit = manifests::MAX_MANIFEST_BYTES;
        let mut bounded = <&mut dyn std::io::Read as std::io::Read>::take(&mut *input, limit + 1);
        std::io::Read::read_to_string(&mut bounded, &mut s).map_err(|e| Error::msg(format!("reading stdin: {e}")))?;
        if s.len() as u64 > limit {
            return Err(manifests::too_large("STDIN", s.len() as u64));
        }
        Ok(s)
    };
    let m = match manifests::read(&a.files, &mut stdin) {
        Ok(m) if all_native(&m.docs, a.create_only) => m,
        Ok(m) => return handoff::kubectl_with_input(session, &a.line, m.stdin.as_deref(), io).await,
        Err(Unread::Ours(e)) => return Err(e),
        Err(Unread::Kubectl(text)) => return handoff::kubectl_with_input(session, &a.line, text.as_deref(), io).await,
    };
    let (cluster, ns, _) = session.resolve(&a.scope).await?;
    let mut failed = false;
    let mut printer = Printer::new(a.output, a.create_only);
    for doc in &m.docs {
        session.touch(&a.scope, &doc.name());
        match apply_pod(&cluster, &ns, doc, &a, io).await {
            Err(Error::Interrupted) => return Err(Error::Interrupted),
            Err(e) => {
                emit(io.err, &error_text(&e, None, false))?;
                hints(io, doc)?;
                failed = true;
            }
            Ok((obj, line)) => {
                if a.dry_run == DryRun::None {
                    session.note_written(&a.scope, &ns, &doc.name());
                }
                printer.object(io, obj, &line)?;
                // Named when the server warned, or when no server looked (client dry run);
                // never when the user asked to ignore unknown fields.
                if a.validate == "Warn" || (a.validate == "Strict" && a.dry_run == DryRun::Client) {
                    hints(io, doc)?;
                }
            }
        }
    }
    printer.finish(io)?;
    if failed { Err(Error::Status(1)) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_way_patches() {
        let orig = json!({"metadata": {"name": "a", "labels": {"app": "web", "old": "x"}}});
        let modified = json!({"metadata": {"name": "a", "labels": {"app": "web", "tier": "fe"}}});
        let current = json!({"metadata": {"name": "a", "labels": {"app": "web", "old": "x"}, "uid": "u"}});
        let p = three_way(&orig, &modified, &current);
        assert_eq!(p, json!({"metadata": {"labels": {"tier": "fe", "old": null}}}));
        assert_eq!(
            three_way(
                &modified,
                &modified,
                &json!({"metadata": {"name": "a", "labels": {"app": "web", "tier": "fe"}}})
            ),
            json!({})
        );
        let c = three_way(
            &Value::Null,
            &json!({"spec": {"containers": [{"name": "c", "image": "b"}]}}),
            &json!({"spec": {"containers": [{"name": "c", "image": "a", "x": 1}]}}),
        );
        assert_eq!(c, json!({"spec": {"containers": [{"image": "b", "name": "c"}]}}));
        let defaulted = three_way(
            &Value::Null,
            &json!({"ports": [{"containerPort": 80}]}),
            &json!({"ports": [{"containerPort": 80, "protocol": "TCP"}]}),
        );
        assert_eq!(defaulted, json!({}), "server defaults are not changes");
    }
}
