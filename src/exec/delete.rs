//! `delete pod NAME... | -f FILE | -l SEL | --all`: kubectl's messages, graceful or
//! forced, then (unless `--wait=false`) waiting until the pods are gone. The interactive
//! shell asks before deleting more than one pod by selector or `--all`.

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::core::params::{DeleteParams, ListParams, PropagationPolicy};

use super::manifests::{self, Unread};
use super::{Io, emit, handoff};
use crate::api::Watched;
use crate::cluster::{Cluster, Resource};
use crate::command::parse::{Delete, DryRun};
use crate::error::{Error, Result};
use crate::session::Session;

const FORCE_WARNING: &str = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n";

struct Target {
    name: String,
    namespace: String,
    /// The manifest file that named it (`delete -f`), for error context.
    source: Option<String>,
}

/// The pods the `-f` manifests name; `None` when they name anything else (or cannot be
/// read natively), so kubectl deletes them.
fn file_targets(ns: &str, d: &Delete) -> Result<Option<Vec<Target>>> {
    let mut no_stdin = || -> Result<String> { Err(Error::msg("standard input is read by kubectl")) };
    let m = match manifests::read(&d.files, &mut no_stdin) {
        Ok(m) => m,
        Err(Unread::Ours(e)) => return Err(e),
        Err(Unread::Kubectl(_)) => return Ok(None),
    };
    if !m.docs.iter().all(|doc| doc.is_pod() && !doc.name().is_empty()) {
        return Ok(None);
    }
    Ok(Some(
        m.docs
            .iter()
            .map(|doc| Target {
                name: doc.name(),
                namespace: doc.namespace().unwrap_or_else(|| ns.to_string()),
                source: Some(doc.source.clone()),
            })
            .collect(),
    ))
}

async fn targets(cluster: &Cluster, ns: &str, d: &Delete) -> Result<Vec<Target>> {
    if !d.names.is_empty() {
        return Ok(d
            .names
            .iter()
            .map(|n| Target { name: n.clone(), namespace: ns.to_string(), source: None })
            .collect());
    }
    let lp = ListParams { label_selector: d.selector.clone(), ..ListParams::default() };
    let pods = cluster.list::<Pod>(Resource::Pods, Some(ns), &lp).await?;
    Ok(pods
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .map(|name| Target { name, namespace: ns.to_string(), source: None })
        .collect())
}

fn confirm(io: &mut Io<'_>, names: &[String]) -> Result<bool> {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = if names.len() > 5 { format!(", and {} more", names.len() - 5) } else { String::new() };
    emit(io.err, &format!("Delete {} pods ({}{more})? [y/N] ", names.len(), shown.join(", ")))?;
    let answer = io.read_line()?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Waits until the pod with `uid` is gone (a pod of the same name created since does
/// not count).
async fn wait_gone(cluster: &Cluster, t: &Target, uid: &str) -> Result<()> {
    let lp = ListParams { field_selector: Some(format!("metadata.name={}", t.name)), ..ListParams::default() };
    let list = cluster.list::<Pod>(Resource::Pods, Some(&t.namespace), &lp).await?;
    if !list.items.iter().any(|p| p.metadata.uid.as_deref() == Some(uid)) {
        return Ok(());
    }
    let mut events = cluster.watch_pod(&t.namespace, &t.name, &list.resource_version).await?;
    while let Some(ev) = events.next().await {
        if matches!(ev?, Watched::Deleted(_)) {
            return Ok(());
        }
    }
    Ok(())
}

/// The request body kubectl sends: background propagation, the grace period if given.
fn params(d: &Delete) -> DeleteParams {
    DeleteParams {
        dry_run: d.dry_run == DryRun::Server,
        grace_period_seconds: d.grace.and_then(|g| u32::try_from(g).ok()),
        propagation_policy: Some(PropagationPolicy::Background),
        preconditions: None,
    }
}

/// kubectl's line for one deleted pod.
fn deleted_line(d: &Delete, name: &str) -> String {
    let verb = if d.force && d.grace == Some(0) { "force deleted" } else { "deleted" };
    let suffix = match d.dry_run {
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
        DryRun::None => "",
    };
    format!("pod \"{name}\" {verb}{suffix}\n")
}

/// Deletes each target, printing kubectl's line for each; returns the pods to wait for
/// (with their uids) and the failures.
async fn delete_each<'t>(
    cluster: &Cluster,
    d: &Delete,
    targets: &'t [Target],
    io: &mut Io<'_>,
) -> Result<(Vec<(&'t Target, String)>, Vec<Error>)> {
    let dp = params(d);
    let mut errors = Vec::new();
    let mut pending = Vec::new();
    for t in targets {
        let result = if d.dry_run == DryRun::Client {
            cluster.get::<kube::core::DynamicObject>(Resource::Pods, Some(&t.namespace), &t.name).await
        } else {
            cluster.delete(Resource::Pods, Some(&t.namespace), &t.name, &dp).await
        };
        match result {
            Ok(obj) => {
                emit(io.out, &deleted_line(d, &t.name))?;
                if d.dry_run == DryRun::None {
                    pending.push((t, obj.metadata.uid.unwrap_or_default()));
                }
            }
            Err(e) if e.not_found() && d.ignore_not_found => {}
            Err(e) => errors.push(match &t.source {
                Some(src) => e.during("deleting", src),
                None => e,
            }),
        }
    }
    Ok((pending, errors))
}

pub async fn delete(session: &mut Session, d: Delete, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&d.scope).await?;
    let targets = if d.files.is_empty() {
        targets(&cluster, &ns, &d).await?
    } else {
        match file_targets(&ns, &d)? {
            Some(t) => t,
            None => return handoff::kubectl(session, &d.line, io).await,
        }
    };
    if targets.is_empty() {
        // kubectl says so on stdout when a selector or --all matched nothing.
        return emit(io.out, "No resources found\n");
    }
    let by_selector = d.names.is_empty() && d.files.is_empty();
    if by_selector && targets.len() > 1 && io.interactive && d.dry_run == DryRun::None {
        let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
        if !confirm(io, &names)? {
            return emit(io.err, "nothing deleted\n");
        }
    }
    if d.force && d.grace == Some(0) {
        emit(io.err, FORCE_WARNING)?;
    }
    let (pending, errors) = delete_each(&cluster, &d, &targets, io).await?;
    if d.wait && d.grace != Some(0) {
        for (t, uid) in pending {
            wait_gone(&cluster, t, &uid).await?;
        }
    }
    super::finish_errors(errors, io)
}
