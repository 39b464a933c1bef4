//! `describe pod NAME...` / `describe pods [-l SEL]`: the pods, their events (selected
//! by involvedObject name, namespace and uid, as kubectl does) and kubectl's layout.
//! As kubectl 1.33, `describe pod PREFIX` of a missing name describes the pods whose
//! names start so.

use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};
use kube::core::params::ListParams;

use super::{Io, emit};
use crate::cluster::{Cluster, Resource};
use crate::command::parse::Describe;
use crate::error::{Error, Result};
use crate::render::describe::describe_pod;
use crate::session::Session;

pub async fn pod_events(cluster: &Cluster, ns: &str, name: &str, uid: &str) -> Result<Vec<Event>> {
    let selector = format!("involvedObject.name={name},involvedObject.namespace={ns},involvedObject.uid={uid}");
    let lp = ListParams { field_selector: Some(selector), ..ListParams::default() };
    Ok(cluster.list::<Event>(Resource::Events, Some(ns), &lp).await?.items)
}

/// One pod's text, with its events when `with_events`.
async fn one(cluster: &Cluster, pod: &Pod, with_events: bool) -> Result<String> {
    let events = if with_events {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        // kubectl describes the pod even when its events cannot be read.
        Some(pod_events(cluster, &ns, &name, &uid).await.unwrap_or_default())
    } else {
        None
    };
    Ok(describe_pod(pod, events.as_deref(), Timestamp::now(), &TimeZone::system()))
}

/// Pods whose names start with `prefix`, described one after another, each followed by
/// a blank line (kubectl's `DescribeMatchingResources`); `None` when none match.
async fn by_prefix(cluster: &Cluster, ns: &str, prefix: &str, io: &mut Io<'_>) -> Result<Option<()>> {
    let pods = cluster.list::<Pod>(Resource::Pods, Some(ns), &ListParams::default()).await?.items;
    let matching: Vec<&Pod> =
        pods.iter().filter(|p| p.metadata.name.as_deref().is_some_and(|n| n.starts_with(prefix))).collect();
    if matching.is_empty() {
        return Ok(None);
    }
    for pod in matching {
        let text = one(cluster, pod, true).await?;
        emit(io.out, &format!("{text}\n"))?;
    }
    Ok(Some(()))
}

pub async fn describe(session: &mut Session, d: Describe, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&d.scope).await?;
    let mut pods: Vec<Pod> = Vec::new();
    let mut errors: Vec<Error> = Vec::new();
    if d.names.is_empty() {
        let scope = (!d.all_namespaces).then_some(ns.as_str());
        let lp = ListParams { label_selector: d.selector.clone(), ..ListParams::default() };
        pods = cluster.list::<Pod>(Resource::Pods, scope, &lp).await?.items;
        if pods.is_empty() {
            let text = if d.all_namespaces {
                "No resources found\n".into()
            } else {
                format!("No resources found in {ns} namespace.\n")
            };
            return emit(io.err, &text);
        }
    } else {
        for name in &d.names {
            match cluster.get::<Pod>(Resource::Pods, Some(&ns), name).await {
                Ok(p) => pods.push(p),
                Err(e) => errors.push(e),
            }
        }
    }
    if d.prefix && errors.first().is_some_and(Error::not_found) {
        return match by_prefix(&cluster, &ns, &d.names[0], io).await? {
            Some(()) => Ok(()),
            None => Err(errors.remove(0)),
        };
    }
    for (i, pod) in pods.iter().enumerate() {
        let text = one(&cluster, pod, true).await?;
        emit(io.out, &if i == 0 { text } else { format!("\n\n{text}") })?;
    }
    super::finish_errors(errors, io)
}
