//! `events [NAME | --for pod/NAME] [-A]`: the layout of `kubectl events` (LAST SEEN with
//! `(xN over T)` for repeats, TYPE, REASON, OBJECT as Kind/name, MESSAGE, oldest first).

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;
use kube::core::params::ListParams;

use super::{Io, emit, get::aligned};
use crate::cluster::Resource;
use crate::command::parse::Events;
use crate::common::duration::age;
use crate::error::Result;
use crate::refs::PodRef;
use crate::session::Session;

/// kubectl's `eventTime`: a series' last observation, else the last timestamp, else the
/// event time.
fn last_seen(e: &Event) -> Option<Timestamp> {
    if let Some(s) = &e.series {
        return s.last_observed_time.as_ref().map(|t| t.0);
    }
    e.last_timestamp.as_ref().map(|t| t.0).or_else(|| e.event_time.as_ref().map(|t| t.0))
}

pub async fn events(session: &mut Session, ev: Events, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, ctx) = session.resolve(&ev.scope).await?;
    let scope = (!ev.all_namespaces).then_some(ns.as_str());
    let selector = ev.pod.as_ref().map(|p| format!("involvedObject.kind=Pod,involvedObject.name={p}"));
    let lp = ListParams { field_selector: selector, ..ListParams::default() };
    let mut items = cluster.list::<Event>(Resource::Events, scope, &lp).await?.items;
    if items.is_empty() {
        let where_ = if ev.all_namespaces { String::new() } else { format!(" in {ns} namespace") };
        return emit(io.err, &format!("No events found{where_}.\n"));
    }
    // kubectl's unstable sort: ties (same second) come out as Go's sort leaves them.
    crate::common::gosort::sort(&mut items, |a, b| last_seen(a) < last_seen(b));
    let rows = items.iter().map(|e| {
        let o = &e.involved_object;
        let in_ns = o.namespace.clone().or_else(|| e.metadata.namespace.clone()).unwrap_or_else(|| ns.clone());
        (o.kind.as_deref() == Some("Pod"))
            .then(|| o.name.clone().map(|name| PodRef { ctx: ctx.clone(), ns: in_ns, name }))
            .flatten()
    });
    session.note_listing(rows.collect());
    let now = Timestamp::now();
    let mut text = String::new();
    if ev.all_namespaces {
        text.push_str("NAMESPACE\t");
    }
    text.push_str("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
    for e in &items {
        if ev.all_namespaces {
            text.push_str(e.metadata.namespace.as_deref().unwrap_or(""));
            text.push('\t');
        }
        let o = &e.involved_object;
        let count = e.series.as_ref().and_then(|s| s.count).or(e.count).unwrap_or(1);
        let first = e.first_timestamp.as_ref().map(|t| t.0).or_else(|| e.event_time.as_ref().map(|t| t.0));
        let seen = if count > 1 {
            format!("{} (x{count} over {})", age(last_seen(e).as_ref(), now), age(first.as_ref(), now))
        } else {
            age(last_seen(e).as_ref(), now)
        };
        text.push_str(&format!(
            "{seen}\t{}\t{}\t{}/{}\t{}\n",
            e.type_.as_deref().unwrap_or(""),
            e.reason.as_deref().unwrap_or(""),
            o.kind.as_deref().unwrap_or(""),
            o.name.as_deref().unwrap_or(""),
            e.message.as_deref().unwrap_or("").trim()
        ));
    }
    emit(io.out, &aligned(&text))
}
