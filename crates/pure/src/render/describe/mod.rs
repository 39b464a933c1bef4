//! `kubectl describe pod`, line for line: the layout of kubectl's `describePod`
//! (pkg/describe/describe.go, 1.33), written as tab-separated lines with two spaces per
//! nesting level, then aligned by the describe tabwriter. The events table is flushed
//! separately, as kubectl flushes before writing it; without events (kubectl shows
//! none when it describes several pods) the section is left out.

mod containers;
mod events;
mod meta;
mod text;
mod volumes;

use k8s_openapi::api::core::v1::{Container, Event, Pod};
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};

use super::tabwriter::{DESCRIBE, align};
use crate::common::duration::age;
use containers::containers;
pub use events::events_table;
use meta::{annotations_multiline, labels_multiline, tolerations_multiline, topology_spread};
use text::Out;
pub use text::rfc1123z;

/// The header: identity, node, labels, status, IPs, controller.
fn header(o: &mut Out, pod: &Pod, now: Timestamp, tz: &TimeZone) {
    let m = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let st = pod.status.clone().unwrap_or_default();
    o.w(0, &format!("Name:\t{}\n", m.name.as_deref().unwrap_or("")));
    o.w(0, &format!("Namespace:\t{}\n", m.namespace.as_deref().unwrap_or("")));
    if let Some(p) = spec.priority {
        o.w(0, &format!("Priority:\t{p}\n"));
    }
    if let Some(p) = spec.priority_class_name.as_deref().filter(|p| !p.is_empty()) {
        o.w(0, &format!("Priority Class Name:\t{p}\n"));
    }
    if let Some(r) = spec.runtime_class_name.as_deref().filter(|r| !r.is_empty()) {
        o.w(0, &format!("Runtime Class Name:\t{r}\n"));
    }
    if let Some(sa) = spec.service_account_name.as_deref().filter(|s| !s.is_empty()) {
        o.w(0, &format!("Service Account:\t{sa}\n"));
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => o.w(0, "Node:\t<none>\n"),
        Some(n) => o.w(0, &format!("Node:\t{n}/{}\n", st.host_ip.as_deref().unwrap_or(""))),
    }
    if let Some(t) = &st.start_time {
        o.w(0, &format!("Start Time:\t{}\n", rfc1123z(&t.0, tz)));
    }
    labels_multiline(o, "Labels", m.labels.as_ref());
    annotations_multiline(o, m.annotations.as_ref());
    let phase = st.phase.clone().unwrap_or_default();
    match (&m.deletion_timestamp, phase.as_str()) {
        (Some(t), p) if p != "Failed" && p != "Succeeded" => {
            o.w(0, &format!("Status:\tTerminating (lasts {})\n", age(Some(&t.0), now)));
            o.w(0, &format!("Termination Grace Period:\t{}s\n", m.deletion_grace_period_seconds.unwrap_or(0)));
        }
        _ => o.w(0, &format!("Status:\t{phase}\n")),
    }
    if let Some(r) = st.reason.as_deref().filter(|r| !r.is_empty()) {
        o.w(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(msg) = st.message.as_deref().filter(|r| !r.is_empty()) {
        o.w(0, &format!("Message:\t{msg}\n"));
    }
    if let Some(profile) = spec.security_context.as_ref().and_then(|s| s.seccomp_profile.as_ref()) {
        o.w(0, &format!("SeccompProfile:\t{}\n", profile.type_));
        if profile.type_ == "Localhost" {
            o.w(0, &format!("LocalhostProfile:\t{}\n", profile.localhost_profile.as_deref().unwrap_or("")));
        }
    }
    o.w(0, &format!("IP:\t{}\n", st.pod_ip.as_deref().unwrap_or("")));
    match st.pod_ips.as_ref().filter(|i| !i.is_empty()) {
        None => o.w(0, "IPs:\t<none>\n"),
        Some(ips) => {
            o.w(0, "IPs:\n");
            for ip in ips {
                o.w(1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(owner) = m.owner_references.iter().flatten().find(|r| r.controller == Some(true)) {
        o.w(0, &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name));
    }
    if let Some(n) = st.nominated_node_name.as_deref().filter(|n| !n.is_empty()) {
        o.w(0, &format!("NominatedNodeName:\t{n}\n"));
    }
}

/// Readiness gates and their conditions' status (`<none>` when the condition is absent),
/// then the conditions themselves.
fn gates_and_conditions(o: &mut Out, pod: &Pod) {
    let conditions = pod.status.as_ref().and_then(|s| s.conditions.clone()).unwrap_or_default();
    if let Some(gates) = pod.spec.as_ref().and_then(|s| s.readiness_gates.as_ref()).filter(|g| !g.is_empty()) {
        o.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let status = conditions.iter().find(|c| c.type_ == g.condition_type).map_or("<none>", |c| &c.status);
            o.w(1, &format!("{} \t{status} \n", g.condition_type));
        }
    }
    if !conditions.is_empty() {
        o.w(0, "Conditions:\n  Type\tStatus\n");
        for c in &conditions {
            o.w(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
}

/// The whole `describe pod` text for `pod`; `events` is `None` when kubectl would not
/// show them (several pods at once).
pub fn describe_pod(pod: &Pod, events: Option<&[Event]>, now: Timestamp, tz: &TimeZone) -> String {
    let spec = pod.spec.clone().unwrap_or_default();
    let st = pod.status.clone().unwrap_or_default();
    let mut o = Out::new();
    header(&mut o, pod, now, tz);
    if spec.resources.is_some() {
        o.w(0, "Resources:\n");
        containers::resources(&mut o, spec.resources.as_ref(), 1);
    }
    if let Some(inits) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers(&mut o, pod, "Init Containers", inits, st.init_container_statuses.as_deref().unwrap_or(&[]), tz);
    }
    containers(&mut o, pod, "Containers", &spec.containers, st.container_statuses.as_deref().unwrap_or(&[]), tz);
    if let Some(eph) = spec.ephemeral_containers.as_ref().filter(|e| !e.is_empty()) {
        let as_containers: Vec<Container> = eph
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .filter_map(|v| serde_json::from_value::<Container>(v).ok())
            .collect();
        let statuses = st.ephemeral_container_statuses.as_deref().unwrap_or(&[]);
        containers(&mut o, pod, "Ephemeral Containers", &as_containers, statuses, tz);
    }
    gates_and_conditions(&mut o, pod);
    volumes::volumes(&mut o, spec.volumes.as_ref());
    let qos = st.qos_class.clone().unwrap_or_else(|| crate::common::qos::qos_class(pod).to_string());
    o.w(0, &format!("QoS Class:\t{qos}\n"));
    labels_multiline(&mut o, "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(&mut o, spec.tolerations.as_ref());
    topology_spread(&mut o, spec.topology_spread_constraints.as_ref());
    let Some(events) = events else { return align(DESCRIBE, &o.0) };
    if events.is_empty() {
        o.w(0, "Events:\t<none>\n");
        return align(DESCRIBE, &o.0);
    }
    let mut text = align(DESCRIBE, &o.0);
    text.push_str(&events_table(events, now));
    text
}
