//! `delete pod NAME... | -f FILE | -l SEL | --all`: kubectl's messages, graceful or
//! forced, then (unless `--wait=false`) waiting until the pods are gone. The interactive
//! shell asks before deleting more than one pod by selector or `--all`.

use std::io::BufRead;

use futures::StreamExt;
use serde_json::{Value, json};

use super::manifests;
use super::{Io, emit};
use crate::cluster::{Cluster, collection, object, query};
use crate::command::parse::{Delete, DryRun};
use crate::error::{Error, Result};
use crate::session::Session;

const FORCE_WARNING: &str = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n";

struct Target {
    name: String,
    namespace: String,
    source: Option<String>,
}

async fn targets(cluster: &Cluster, ns: &str, d: &Delete) -> Result<Vec<Target>> {
    if !d.files.is_empty() {
        let mut no_stdin = || -> Result<String> { Err(Error::msg("delete -f - is not supported; name a file")) };
        let docs = manifests::read(&d.files, &mut no_stdin)?;
        return Ok(docs
            .iter()
            .filter(|doc| doc.is_pod())
            .map(|doc| Target {
                name: doc.name(),
                namespace: doc.namespace().unwrap_or_else(|| ns.to_string()),
                source: Some(doc.source.clone()),
            })
            .collect());
    }
    if !d.names.is_empty() {
        return Ok(d
            .names
            .iter()
            .map(|n| Target { name: n.clone(), namespace: ns.to_string(), source: None })
            .collect());
    }
    let q = query(&[("labelSelector", d.selector.as_deref())]);
    let list = cluster.get_json(&format!("{}{q}", collection("pods", Some(ns)))).await?;
    Ok(list
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.pointer("/metadata/name").and_then(Value::as_str))
        .map(|n| Target { name: n.to_string(), namespace: ns.to_string(), source: None })
        .collect())
}

fn confirm(io: &mut Io<'_>, names: &[String]) -> Result<bool> {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = if names.len() > 5 { format!(", and {} more", names.len() - 5) } else { String::new() };
    emit(io.err, &format!("Delete {} pods ({}{more})? [y/N] ", names.len(), shown.join(", ")))?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| Error::msg(format!("reading the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

async fn wait_gone(cluster: &Cluster, t: &Target, uid: &str) -> Result<()> {
    let sel = format!("metadata.name={}", t.name);
    let list = cluster
        .get_json(&format!("{}{}", collection("pods", Some(&t.namespace)), query(&[("fieldSelector", Some(&sel))])))
        .await?;
    let still_there = list
        .get("items")
        .and_then(Value::as_array)
        .is_some_and(|items| items.iter().any(|p| p.pointer("/metadata/uid").and_then(Value::as_str) == Some(uid)));
    if !still_there {
        return Ok(());
    }
    let rv = list.pointer("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or("0");
    let mut events = cluster.watch_pod(&t.namespace, &t.name, rv).await?;
    while let Some(ev) = events.next().await {
        if ev?.get("type").and_then(Value::as_str) == Some("DELETED") {
            return Ok(());
        }
    }
    Ok(())
}

pub async fn delete(session: &mut Session, d: Delete, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&d.scope).await?;
    let targets = targets(&cluster, &ns, &d).await?;
    if targets.is_empty() {
        if d.files.is_empty() {
            emit(io.err, &format!("No resources found in {ns} namespace.\n"))?;
        }
        return Ok(());
    }
    let by_selector = d.names.is_empty() && d.files.is_empty();
    if by_selector && targets.len() > 1 && io.interactive && d.dry_run == DryRun::None {
        let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
        if !confirm(io, &names)? {
            emit(io.err, "nothing deleted\n")?;
            return Ok(());
        }
    }
    if d.force && d.grace == Some(0) {
        emit(io.err, FORCE_WARNING)?;
    }
    let mut body = json!({"propagationPolicy": "Background"});
    if let Some(g) = d.grace {
        body["gracePeriodSeconds"] = json!(g);
    }
    let dry = (d.dry_run == DryRun::Server).then_some("All");
    let mut errors = Vec::new();
    let mut pending = Vec::new();
    for t in &targets {
        let path = format!("{}{}", object("pods", Some(&t.namespace), &t.name), query(&[("dryRun", dry)]));
        let result = if d.dry_run == DryRun::Client {
            cluster.get_json(&object("pods", Some(&t.namespace), &t.name)).await
        } else {
            cluster.delete(&path, &body).await.map(|r| r.body)
        };
        match result {
            Ok(obj) => {
                let verb = if d.force && d.grace == Some(0) { "force deleted" } else { "deleted" };
                let suffix = match d.dry_run {
                    DryRun::Client => " (dry run)",
                    DryRun::Server => " (server dry run)",
                    DryRun::None => "",
                };
                emit(io.out, &format!("pod \"{}\" {verb}{suffix}\n", t.name))?;
                let uid = obj.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or("").to_string();
                if d.dry_run == DryRun::None {
                    pending.push((t, uid));
                }
            }
            Err(e) if e.not_found() && d.ignore_not_found => {}
            Err(e) => {
                let e = match &t.source {
                    Some(src) => e.during("deleting", src),
                    None => e,
                };
                errors.push(e);
            }
        }
    }
    if d.wait && d.grace != Some(0) {
        for (t, uid) in pending {
            wait_gone(&cluster, t, &uid).await?;
        }
    }
    super::finish_errors(errors, io)
}
