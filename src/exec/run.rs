//! `run NAME --image=IMG ...`: builds the pod kubectl's `run` generator builds (field for
//! field, in Go struct order), then prints it (`--dry-run=client`) or creates it.

use serde_json::{Map, Value, json};

use super::{Io, emit};
use crate::cluster::{Resource, WriteParams};
use crate::command::parse::{DryRun, Format, Run};
use crate::error::{Error, Result};
use crate::render::json::{to_json, to_json_sorted};
use crate::render::yaml::to_yaml;
use crate::session::Session;

/// `a=b,c=d` into a map, keeping order.
fn pairs(spec: &str, what: &str) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    for part in spec.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| Error::msg(format!("invalid {what} format: {part:?}, expected key=value")))?;
        m.insert(k.to_string(), json!(v));
    }
    Ok(m)
}

/// The pod kubectl's BasicPod generator produces.
pub fn generate(r: &Run, namespace: Option<&str>) -> Result<Value> {
    let image = r.image.clone().ok_or_else(|| Error::msg("required flag(s) \"image\" not set"))?;
    let mut meta = Map::new();
    meta.insert("name".into(), json!(r.name));
    if let Some(ns) = namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    meta.insert("creationTimestamp".into(), Value::Null);
    let labels = match &r.labels {
        Some(l) => pairs(l, "label")?,
        None => [("run".to_string(), json!(r.name))].into_iter().collect(),
    };
    meta.insert("labels".into(), Value::Object(labels));
    if !r.annotations.is_empty() {
        let mut a = Map::new();
        for spec in &r.annotations {
            a.extend(pairs(spec, "annotation")?);
        }
        meta.insert("annotations".into(), Value::Object(a));
    }
    let mut c = Map::new();
    c.insert("name".into(), json!(r.name));
    c.insert("image".into(), json!(image));
    if !r.args.is_empty() {
        c.insert(if r.command { "command" } else { "args" }.into(), json!(r.args));
    }
    if let Some(p) = &r.port {
        let port: i64 = p.parse().map_err(|_| Error::msg(format!("invalid port {p:?}")))?;
        c.insert("ports".into(), json!([{"containerPort": port}]));
    }
    if !r.env.is_empty() {
        let env: Result<Vec<Value>> = r
            .env
            .iter()
            .map(|e| {
                let (k, v) = e.split_once('=').ok_or_else(|| Error::msg(format!("invalid env: {e:?}")))?;
                Ok(json!({"name": k, "value": v}))
            })
            .collect();
        c.insert("env".into(), json!(env?));
    }
    c.insert("resources".into(), json!({}));
    if let Some(p) = &r.pull_policy {
        c.insert("imagePullPolicy".into(), json!(p));
    }
    if r.privileged {
        c.insert("securityContext".into(), json!({"privileged": true}));
    }
    let restart = r.restart.clone().unwrap_or_else(|| "Always".into());
    Ok(json!({
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": meta,
        "spec": {"containers": [c], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"},
        "status": {},
    }))
}

pub async fn run(session: &mut Session, r: Run, io: &mut Io<'_>) -> Result<()> {
    let explicit_ns = r.scope.namespace.clone();
    let pod = generate(&r, explicit_ns.as_deref())?;
    if r.dry_run == DryRun::Client {
        let text = match r.output {
            Some(Format::Yaml) => to_yaml(&pod),
            Some(Format::Json) => to_json(&pod),
            Some(Format::Name) => format!("pod/{}\n", r.name),
            _ => format!("pod/{} created (dry run)\n", r.name),
        };
        return emit(io.out, &text);
    }
    let (cluster, ns, _) = session.resolve(&r.scope).await?;
    let server_dry = r.dry_run == DryRun::Server;
    let params = WriteParams { dry_run: server_dry, field_manager: Some("kubectl-run".into()), field_validation: None };
    let written = cluster.create(Resource::Pods, Some(&ns), &pod, &params).await?;
    if !server_dry {
        session.note_written(&r.scope, &ns, &r.name);
    }
    for w in &written.warnings {
        emit(io.err, &format!("Warning: {w}\n"))?;
    }
    let suffix = if server_dry { " (server dry run)" } else { "" };
    let text = match r.output {
        Some(Format::Yaml) => to_yaml(&super::without_managed_fields(written.object)),
        Some(Format::Json) => to_json_sorted(&super::without_managed_fields(written.object)),
        Some(Format::Name) => format!("pod/{}\n", r.name),
        _ => format!("pod/{} created{suffix}\n", r.name),
    };
    emit(io.out, &text)
}
