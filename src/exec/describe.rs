//! `describe pod NAME...` / `describe pods -l SEL`: the pod, its events (selected by
//! involvedObject name, namespace and uid, as kubectl does), and kubectl's layout.

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

async fn one(cluster: &Cluster, ns: &str, pod: &Pod) -> Result<String> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let events = pod_events(cluster, ns, &name, &uid).await?;
    Ok(describe_pod(pod, &events, Timestamp::now(), &TimeZone::system()))
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
            let where_ = if d.all_namespaces { String::new() } else { format!(" in {ns} namespace") };
            emit(io.err, &format!("No resources found{where_}.\n"))?;
            return Ok(());
        }
    } else {
        for name in &d.names {
            match cluster.get::<Pod>(Resource::Pods, Some(&ns), name).await {
                Ok(p) => pods.push(p),
                Err(e) => errors.push(e),
            }
        }
    }
    let mut first = true;
    for pod in &pods {
        let pod_ns = pod.metadata.namespace.clone().unwrap_or_else(|| ns.clone());
        let text = one(&cluster, &pod_ns, pod).await?;
        emit(io.out, &if first { text } else { format!("\n\n{text}") })?;
        first = false;
    }
    super::finish_errors(errors, io)
}
