//! A pod decoded with only the fields its status line, its table row and completion read
//! (names, labels, containers and ports, node, conditions, container states): a 2.5 KB
//! pod then costs a few hundred bytes and a fraction of a full decode. The simulator's
//! Table rows and the shell's completion cache both read pods this way.

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, Pod, PodCondition, PodIP, PodReadinessGate, PodSpec, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde::Deserialize;
use serde::de::IgnoredAny;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    phase: Option<String>,
    reason: Option<String>,
    conditions: Option<Vec<Cond>>,
    container_statuses: Option<Vec<CtrStatus>>,
    init_container_statuses: Option<Vec<CtrStatus>>,
    #[serde(rename = "podIPs")]
    pod_ips: Option<Vec<PodIP>>,
    nominated_node_name: Option<String>,
}

#[derive(Deserialize)]
struct Cond {
    #[serde(rename = "type")]
    type_: String,
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CtrStatus {
    name: String,
    #[serde(default)]
    ready: bool,
    #[serde(default)]
    restart_count: i32,
    started: Option<bool>,
    state: Option<State>,
    last_state: Option<State>,
}

#[derive(Deserialize)]
struct State {
    waiting: Option<Waiting>,
    running: Option<IgnoredAny>,
    terminated: Option<Terminated>,
}

#[derive(Deserialize)]
struct Waiting {
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Terminated {
    reason: Option<String>,
    #[serde(default)]
    exit_code: i32,
    signal: Option<i32>,
    finished_at: Option<Time>,
}

fn state(s: State) -> ContainerState {
    ContainerState {
        waiting: s.waiting.map(|w| ContainerStateWaiting { reason: w.reason, message: None }),
        running: s.running.map(|_| ContainerStateRunning::default()),
        terminated: s.terminated.map(|t| ContainerStateTerminated {
            reason: t.reason,
            exit_code: t.exit_code,
            signal: t.signal,
            finished_at: t.finished_at,
            ..Default::default()
        }),
    }
}

fn ctr_status(c: CtrStatus) -> ContainerStatus {
    ContainerStatus {
        name: c.name,
        ready: c.ready,
        restart_count: c.restart_count,
        started: c.started,
        state: c.state.map(state),
        last_state: c.last_state.map(state),
        ..Default::default()
    }
}

fn status(s: Status) -> PodStatus {
    PodStatus {
        phase: s.phase,
        reason: s.reason,
        conditions: s.conditions.map(|l| {
            l.into_iter().map(|c| PodCondition { type_: c.type_, status: c.status, ..Default::default() }).collect()
        }),
        container_statuses: s.container_statuses.map(|l| l.into_iter().map(ctr_status).collect()),
        init_container_statuses: s.init_container_statuses.map(|l| l.into_iter().map(ctr_status).collect()),
        pod_ips: s.pod_ips,
        nominated_node_name: s.nominated_node_name,
        ..Default::default()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    name: Option<String>,
    namespace: Option<String>,
    resource_version: Option<String>,
    labels: Option<std::collections::BTreeMap<String, String>>,
    creation_timestamp: Option<Time>,
    deletion_timestamp: Option<Time>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ctr {
    name: String,
    restart_policy: Option<String>,
    ports: Option<Vec<Port>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Port {
    container_port: i32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    #[serde(default)]
    containers: Vec<Ctr>,
    init_containers: Option<Vec<Ctr>>,
    node_name: Option<String>,
    readiness_gates: Option<Vec<PodReadinessGate>>,
}

#[derive(Deserialize)]
struct Printed {
    metadata: Meta,
    spec: Option<Spec>,
    status: Option<Status>,
}

fn container(c: Ctr) -> Container {
    let ports = c.ports.map(|l| {
        l.into_iter().map(|p| ContainerPort { container_port: p.container_port, ..Default::default() }).collect()
    });
    Container { name: c.name, restart_policy: c.restart_policy, ports, ..Default::default() }
}

/// The pod encoded as `bytes`, with only what status lines, rows and completion read.
pub fn decode(bytes: &[u8]) -> Option<Pod> {
    serde_json::from_slice::<LitePod>(bytes).ok().map(|p| p.0)
}

/// `decode`, and the range of the pod's `metadata` in `bytes` (a Table row splices the
/// metadata in as it is), found in the same pass over the encoding.
pub fn decode_spanned(bytes: &[u8]) -> Option<(Pod, std::ops::Range<usize>)> {
    #[derive(Deserialize)]
    struct Spanned<'a> {
        #[serde(borrow)]
        metadata: &'a serde_json::value::RawValue,
        spec: Option<Spec>,
        status: Option<Status>,
    }
    let p: Spanned<'_> = serde_json::from_slice(bytes).ok()?;
    let at = super::span::span(bytes, p.metadata.get())?;
    let metadata = serde_json::from_str(p.metadata.get()).ok()?;
    Some((pod(Printed { metadata, spec: p.spec, status: p.status }), at))
}

/// A pod decoded with only what status lines, rows and completion read; everything else
/// in the JSON is skipped without being allocated.
#[derive(Debug, Clone)]
pub struct LitePod(pub Pod);

impl<'de> Deserialize<'de> for LitePod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Printed::deserialize(d).map(|p| LitePod(pod(p)))
    }
}

fn pod(p: Printed) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: p.metadata.name,
            namespace: p.metadata.namespace,
            resource_version: p.metadata.resource_version,
            labels: p.metadata.labels,
            creation_timestamp: p.metadata.creation_timestamp,
            deletion_timestamp: p.metadata.deletion_timestamp,
            ..Default::default()
        },
        spec: p.spec.map(|s| PodSpec {
            containers: s.containers.into_iter().map(container).collect(),
            init_containers: s.init_containers.map(|l| l.into_iter().map(container).collect()),
            node_name: s.node_name,
            readiness_gates: s.readiness_gates,
            ..Default::default()
        }),
        status: p.status.map(status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::podstatus::pod_cells;
    use k8s_openapi::jiff::Timestamp;
    use serde_json::Value;

    /// Real pods in every state, as kubectl fetched them (render's kubectl cases).
    fn pods() -> Vec<(String, Value)> {
        include_str!("../render/testdata/kubectl_cases.jsonl")
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).expect("a case");
                (v["case"].as_str().unwrap_or_default().to_string(), v["pod"].clone())
            })
            .collect()
    }

    /// The fields a lite pod keeps, from a full pod.
    fn kept(p: &Pod) -> Value {
        let m = &p.metadata;
        let spec = p.spec.clone().unwrap_or_default();
        let names = |cs: &[Container]| -> Vec<Value> {
            cs.iter()
                .map(|c| {
                    let ports: Vec<i32> = c.ports.iter().flatten().map(|p| p.container_port).collect();
                    serde_json::json!([c.name, c.restart_policy, ports])
                })
                .collect()
        };
        let st = p.status.clone().unwrap_or_default();
        let states = |l: &Option<Vec<ContainerStatus>>| -> Vec<Value> {
            l.iter()
                .flatten()
                .map(|c| {
                    let s = |s: &Option<ContainerState>| {
                        s.as_ref().map(|s| {
                            serde_json::json!([
                                s.waiting.as_ref().map(|w| w.reason.clone()),
                                s.running.is_some(),
                                s.terminated.as_ref().map(|t| (
                                    t.reason.clone(),
                                    t.exit_code,
                                    t.signal,
                                    t.finished_at.clone()
                                ))
                            ])
                        })
                    };
                    serde_json::json!([c.name, c.ready, c.restart_count, c.started, s(&c.state), s(&c.last_state)])
                })
                .collect()
        };
        serde_json::json!({
            "meta": [m.name, m.namespace, m.resource_version, m.labels, m.creation_timestamp, m.deletion_timestamp],
            "containers": names(&spec.containers),
            "init": spec.init_containers.as_deref().map(names),
            "node": spec.node_name,
            "gates": spec.readiness_gates,
            "phase": st.phase,
            "reason": st.reason,
            "conditions": st.conditions.iter().flatten().map(|c| (c.type_.clone(), c.status.clone())).collect::<Vec<_>>(),
            "statuses": states(&st.container_statuses),
            "init_statuses": states(&st.init_container_statuses),
            "ips": st.pod_ips,
            "nominated": st.nominated_node_name,
        })
    }

    #[test]
    fn a_lite_pod_keeps_what_rows_and_completion_read() {
        let now: Timestamp = "2026-11-29T15:00:00Z".parse().expect("a time");
        let all = pods();
        assert!(all.len() >= 10);
        for (case, v) in all {
            let bytes = serde_json::to_vec(&v).expect("encodes");
            let full: Pod = serde_json::from_value(v).expect("a pod");
            let lite = decode(&bytes).expect("decodes");
            assert_eq!(kept(&lite), kept(&full), "{case}");
            assert_eq!(pod_cells(&lite, now), pod_cells(&full, now), "{case}");
            let (spanned, at) = decode_spanned(&bytes).expect("decodes");
            assert_eq!(kept(&spanned), kept(&full), "{case}");
            let meta: Value = serde_json::from_slice(&bytes[at]).expect("the metadata's own bytes");
            assert_eq!(meta["name"].as_str(), full.metadata.name.as_deref(), "{case}");
        }
        // The fields none of those pods carries.
        let rare = serde_json::json!({
            "metadata": {"name": "r", "namespace": "n", "resourceVersion": "7", "deletionTimestamp": "2026-11-29T14:00:00Z"},
            "spec": {"containers": [{"name": "c"}], "readinessGates": [{"conditionType": "x/ready"}]},
            "status": {"phase": "Failed", "reason": "Evicted", "nominatedNodeName": "node-2",
                "podIPs": [{"ip": "10.0.0.1"}],
                "containerStatuses": [{"name": "c", "ready": false, "restartCount": 3, "image": "", "imageID": "", "started": false,
                    "state": {"terminated": {"exitCode": 137, "signal": 9, "reason": "", "finishedAt": "2026-11-29T14:00:00Z"}},
                    "lastState": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
        });
        let bytes = serde_json::to_vec(&rare).expect("encodes");
        let full: Pod = serde_json::from_value(rare).expect("a pod");
        let lite = decode(&bytes).expect("decodes");
        assert_eq!(kept(&lite), kept(&full));
        assert_eq!(pod_cells(&lite, now), pod_cells(&full, now));
        assert!(decode(b"{\"metadata\": 1}").is_none());
        assert!(decode_spanned(b"[]").is_none());
    }
}
