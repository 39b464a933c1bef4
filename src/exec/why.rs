//! `why POD`: gathers what the rules of `why` read (the pod, its events, the images the
//! namespace pulled, the last log lines of crashed or ended containers, its node) and
//! prints the report.

use std::collections::BTreeMap;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event, Node};
use k8s_openapi::jiff::Timestamp;
use kube::api::LogParams;
use kube::core::params::ListParams;

use super::{Io, emit};
use crate::cluster::{Cluster, Resource};
use crate::command::parse::Why;
use crate::error::Result;
use crate::session::Session;
use crate::why::{Facts, report};

/// When an event last happened, for ordering.
fn seen(e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0))
}

/// The last five lines of a container's log (`previous` instance or current).
async fn tail(cluster: &Cluster, ns: &str, pod: &str, container: &str, previous: bool) -> Vec<String> {
    let lp = LogParams { container: Some(container.into()), previous, tail_lines: Some(5), ..LogParams::default() };
    let Ok(mut stream) = cluster.logs(ns, pod, &lp).await else { return Vec::new() };
    let mut bytes = Vec::new();
    while let Some(Ok(chunk)) = stream.next().await {
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8_lossy(&bytes).lines().map(str::to_string).collect()
}

pub async fn why(session: &mut Session, w: Why, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&w.scope).await?;
    let pod = super::logs::pod_or_not_found(&cluster, &ns, &w.name).await?;
    let all = cluster.list::<Event>(Resource::Events, Some(&ns), &ListParams::default()).await?.items;
    let mut events: Vec<Event> = all
        .iter()
        .filter(|e| {
            e.involved_object.kind.as_deref() == Some("Pod") && e.involved_object.name.as_deref() == Some(&w.name)
        })
        .filter(|e| e.involved_object.uid.is_none() || e.involved_object.uid == pod.metadata.uid)
        .cloned()
        .collect();
    events.sort_by_key(seen);
    let pulled = all
        .iter()
        .filter(|e| e.reason.as_deref() == Some("Pulled"))
        .filter_map(|e| {
            let m = e.message.as_deref()?;
            let rest =
                m.strip_prefix("Successfully pulled image \"").or_else(|| m.strip_prefix("Container image \""))?;
            rest.split('"').next().map(str::to_string)
        })
        .collect();
    let mut last_logs = BTreeMap::new();
    let statuses = pod.status.as_ref().and_then(|s| s.container_statuses.clone()).unwrap_or_default();
    for cs in statuses {
        let state = cs.state.as_ref();
        let crashing =
            state.and_then(|s| s.waiting.as_ref()).is_some_and(|w| w.reason.as_deref() == Some("CrashLoopBackOff"));
        let ended = state.and_then(|s| s.terminated.as_ref()).is_some_and(|t| t.exit_code != 0);
        if crashing || ended {
            last_logs.insert(cs.name.clone(), tail(&cluster, &ns, &w.name, &cs.name, false).await);
        }
    }
    let node = match pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
        Some(n) => cluster.get::<Node>(Resource::Nodes, None, &n).await.ok(),
        None => None,
    };
    let facts = Facts { pod, events, pulled, last_logs, node, now: Timestamp::now() };
    emit(io.out, &report(&facts))
}
