//! `kubectl describe pod`, line for line: the layout of kubectl's `describePod`
//! (pkg/describe/describe.go, 1.33), written as tab-separated lines with two spaces per
//! nesting level, then aligned by the describe tabwriter. The events table is flushed
//! separately, as kubectl flushes before writing it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use k8s_openapi::api::core::v1::{Event, Pod, Toleration, Volume};
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};

use super::describe_containers::containers;
use super::describe_text::Out;
pub use super::describe_text::rfc1123z;
use super::tabwriter::{DESCRIBE, align};
use crate::common::duration::age;

const MAX_ANNOTATION_LEN: usize = 140;

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

fn labels_multiline(o: &mut Out, title: &str, labels: Option<&BTreeMap<String, String>>) {
    o.w(0, &format!("{title}:\t"));
    let Some(l) = labels.filter(|l| !l.is_empty()) else {
        o.0.push_str("<none>\n");
        return;
    };
    for (i, (k, v)) in l.iter().enumerate() {
        if i != 0 {
            o.0.push('\t');
        }
        let _ = writeln!(o.0, "{k}={v}");
    }
}

fn annotations_multiline(o: &mut Out, annotations: Option<&BTreeMap<String, String>>) {
    o.w(0, "Annotations:\t");
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        o.0.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            o.0.push('\t');
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            let _ = writeln!(o.0, "{k}:");
            for s in value.split('\n') {
                let _ = writeln!(o.0, "\t  {}", shorten(s, MAX_ANNOTATION_LEN - 2));
            }
        } else {
            let _ = writeln!(o.0, "{k}: {value}");
        }
    }
}

fn tolerations_multiline(o: &mut Out, tolerations: Option<&Vec<Toleration>>) {
    o.w(0, "Tolerations:\t");
    let Some(t) = tolerations.filter(|t| !t.is_empty()) else {
        o.0.push_str("<none>\n");
        return;
    };
    let mut t = t.clone();
    t.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, tol) in t.iter().enumerate() {
        if i != 0 {
            o.0.push('\t');
        }
        let key = tol.key.as_deref().unwrap_or("");
        let value = tol.value.as_deref().unwrap_or("");
        let effect = tol.effect.as_deref().unwrap_or("");
        o.0.push_str(key);
        if !value.is_empty() {
            let _ = write!(o.0, "={value}");
        }
        if !effect.is_empty() {
            let _ = write!(o.0, ":{effect}");
        }
        if tol.operator.as_deref() == Some("Exists") && value.is_empty() {
            o.0.push_str(if key.is_empty() && effect.is_empty() { "op=Exists" } else { " op=Exists" });
        }
        if let Some(s) = tol.toleration_seconds {
            let _ = write!(o.0, " for {s}s");
        }
        o.0.push('\n');
    }
}

fn volume(o: &mut Out, v: &Volume) {
    o.w(1, &format!("{}:\n", v.name));
    let opt = |b: Option<bool>| b.unwrap_or(false);
    if let Some(p) = &v.projected {
        o.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
        for s in p.sources.iter().flatten() {
            if let Some(sec) = &s.secret {
                o.w(2, &format!("SecretName:\t{}\n    Optional:\t{}\n", sec.name, opt(sec.optional)));
            } else if s.downward_api.is_some() {
                o.w(2, "DownwardAPI:\ttrue\n");
            } else if let Some(cm) = &s.config_map {
                o.w(2, &format!("ConfigMapName:\t{}\n    Optional:\t{}\n", cm.name, opt(cm.optional)));
            } else if let Some(t) = &s.service_account_token {
                o.w(2, &format!("TokenExpirationSeconds:\t{}\n", t.expiration_seconds.unwrap_or(0)));
            }
        }
    } else if let Some(e) = &v.empty_dir {
        o.w(
            2,
            &format!(
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n",
                e.medium.as_deref().unwrap_or("")
            ),
        );
        let size = e.size_limit.as_ref().map_or("<unset>".to_string(), |q| q.0.clone());
        o.w(2, &format!("SizeLimit:\t{size}\n"));
    } else if let Some(cm) = &v.config_map {
        o.w(
            2,
            &format!(
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                cm.name,
                opt(cm.optional)
            ),
        );
    } else if let Some(s) = &v.secret {
        o.w(
            2,
            &format!(
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                s.secret_name.as_deref().unwrap_or(""),
                opt(s.optional)
            ),
        );
    } else if let Some(h) = &v.host_path {
        o.w(
            2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                h.path,
                h.type_.as_deref().unwrap_or("")
            ),
        );
    } else if let Some(c) = &v.persistent_volume_claim {
        o.w(2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", c.claim_name, opt(c.read_only)));
    } else {
        o.w(1, "<unknown>\n");
    }
}

/// The events table, as its own tabwriter block.
pub fn events_table(events: &[Event], now: Timestamp) -> String {
    if events.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    let mut o = Out(String::from("Events:\n  Type\tReason\tAge\tFrom\tMessage\n"));
    o.w(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = match &e.event_time {
            Some(t) => age(Some(&t.0), now),
            None => age(e.first_timestamp.as_ref().map(|t| &t.0), now),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(s) = &e.series {
            format!(
                "{} (x{} over {first})",
                age(s.last_observed_time.as_ref().map(|t| &t.0), now),
                s.count.unwrap_or(0)
            )
        } else if count > 1 {
            format!("{} (x{count} over {first})", age(e.last_timestamp.as_ref().map(|t| &t.0), now))
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        o.w(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("").trim()
            ),
        );
    }
    align(DESCRIBE, &o.0)
}

/// The whole `describe pod` text for `pod` and its events.
pub fn describe_pod(pod: &Pod, events: &[Event], now: Timestamp, tz: &TimeZone) -> String {
    let m = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let st = pod.status.clone().unwrap_or_default();
    let mut o = Out(String::new());
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
    labels_multiline(&mut o, "Labels", m.labels.as_ref());
    annotations_multiline(&mut o, m.annotations.as_ref());
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
    if let Some(inits) = spec.init_containers.as_ref().filter(|i| !i.is_empty()) {
        containers(&mut o, pod, "Init Containers", inits, st.init_container_statuses.as_deref().unwrap_or(&[]), tz);
    }
    containers(&mut o, pod, "Containers", &spec.containers, st.container_statuses.as_deref().unwrap_or(&[]), tz);
    if let Some(gates) = spec.readiness_gates.as_ref().filter(|g| !g.is_empty()) {
        o.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let status = st
                .conditions
                .iter()
                .flatten()
                .find(|c| c.type_ == g.condition_type)
                .map_or("<none>".to_string(), |c| c.status.clone());
            o.w(1, &format!("{} \t{status} \n", g.condition_type));
        }
    }
    if let Some(conds) = st.conditions.as_ref().filter(|c| !c.is_empty()) {
        o.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conds {
            o.w(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    match spec.volumes.as_ref().filter(|v| !v.is_empty()) {
        None => o.w(0, "Volumes:\t<none>\n"),
        Some(vols) => {
            o.w(0, "Volumes:\n");
            for v in vols {
                volume(&mut o, v);
            }
        }
    }
    let qos = st.qos_class.clone().unwrap_or_else(|| crate::common::qos::qos_class(pod).to_string());
    o.w(0, &format!("QoS Class:\t{qos}\n"));
    labels_multiline(&mut o, "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(&mut o, spec.tolerations.as_ref());
    if events.is_empty() {
        o.w(0, "Events:\t<none>\n");
        return align(DESCRIBE, &o.0);
    }
    let mut text = align(DESCRIBE, &o.0);
    text.push_str(&events_table(events, now));
    text
}
