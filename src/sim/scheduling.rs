//! The scheduler's filters, in the order kube-scheduler runs them, and the message it
//! gives when no node passes: taints against tolerations (TaintToleration), node
//! selectors (NodeAffinity), then resource requests
//! against what is left of each node's allocatable (NodeResourcesFit: cpu, memory, pods).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, Pod, Taint, Toleration};

use crate::common::quantity::Quantity;

use super::store::Store;

const SELECTOR: &str = "node(s) didn't match Pod's node affinity/selector";

/// The first NoSchedule/NoExecute taint of `node` that none of the pod's tolerations
/// tolerates (PreferNoSchedule only steers, it never filters).
fn untolerated<'a>(pod: &Pod, node: &'a Node) -> Option<&'a Taint> {
    let tolerations = pod.spec.as_ref().and_then(|s| s.tolerations.as_deref()).unwrap_or_default();
    let taints = node.spec.as_ref().and_then(|s| s.taints.as_ref())?;
    taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
}

/// A toleration's match: effect (empty tolerates every effect), key (empty with Exists
/// tolerates every key), and value under Equal (the default operator).
fn tolerates(tol: &Toleration, taint: &Taint) -> bool {
    let effect =
        tol.effect.as_deref().is_none_or(str::is_empty) || tol.effect.as_deref() == Some(taint.effect.as_str());
    let key = match tol.key.as_deref() {
        None | Some("") => tol.operator.as_deref() == Some("Exists"),
        Some(k) => k == taint.key,
    };
    let value = match tol.operator.as_deref() {
        Some("Exists") => true,
        _ => tol.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
    };
    effect && key && value
}

pub use super::runtime::Request;

fn requested(c: &Container, resource: &str, milli: bool) -> i128 {
    let q = c.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get(resource));
    let q = q.or_else(|| c.resources.as_ref().and_then(|r| r.limits.as_ref()).and_then(|r| r.get(resource)));
    q.and_then(|q| Quantity::parse(&q.0)).map_or(0, |q| if milli { q.milli_value() } else { q.value() })
}

/// A pod's effective request: the larger of its containers' sum and its largest init
/// container (limits stand in for missing requests, as defaulting makes them).
pub fn request_of(pod: &Pod) -> Request {
    let Some(spec) = pod.spec.as_ref() else { return Request::default() };
    let sum = |f: &dyn Fn(&Container) -> i128| spec.containers.iter().map(f).sum::<i128>();
    let init_max = |f: &dyn Fn(&Container) -> i128| spec.init_containers.iter().flatten().map(f).max().unwrap_or(0);
    let cpu = |c: &Container| requested(c, "cpu", true);
    let mem = |c: &Container| requested(c, "memory", false);
    Request { milli_cpu: sum(&cpu).max(init_max(&cpu)), memory: sum(&mem).max(init_max(&mem)) }
}

fn allocatable(node: &Node, resource: &str, milli: bool) -> i128 {
    let q = node.status.as_ref().and_then(|s| s.allocatable.as_ref()).and_then(|a| a.get(resource));
    q.and_then(|q| Quantity::parse(&q.0)).map_or(0, |q| if milli { q.milli_value() } else { q.value() })
}

/// How many feasible nodes kube-scheduler looks for before it stops filtering: every node
/// below 100; above, a percentage that shrinks as the cluster grows (50% less one point
/// per 125 nodes, at least 5%), never fewer than 100. At 5,000 nodes that is 500, which is
/// what keeps scheduling one pod from costing a pass over every node.
pub fn feasible_to_find(nodes: usize) -> usize {
    const MIN_NODES: usize = 100;
    const MIN_PERCENT: usize = 5;
    if nodes < MIN_NODES {
        return nodes;
    }
    let percent = 50usize.saturating_sub(nodes / 125).max(MIN_PERCENT);
    (nodes * percent / 100).max(MIN_NODES)
}

/// Why `node` cannot take `pod` (empty when it can). `bound` is what the pods already on
/// the node request, and how many there are.
pub fn failures(pod: &Pod, node: &Node, bound: (Request, usize)) -> Vec<String> {
    if node.spec.as_ref().and_then(|s| s.unschedulable).unwrap_or(false) {
        return vec!["node(s) were unschedulable".into()];
    }
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    if !ready {
        return vec!["node(s) had untolerated taint {node.kubernetes.io/not-ready: }".into()];
    }
    if let Some(t) = untolerated(pod, node) {
        return vec![format!("node(s) had untolerated taint {{{}: {}}}", t.key, t.value.clone().unwrap_or_default())];
    }
    let selector = pod.spec.as_ref().and_then(|s| s.node_selector.as_ref());
    let labels = node.metadata.labels.as_ref();
    if !selector.is_none_or(|sel| sel.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))) {
        return vec![SELECTOR.into()];
    }
    let want = request_of(pod);
    let (used, count) = bound;
    let mut out = Vec::new();
    if count as i128 + 1 > allocatable(node, "pods", false) {
        out.push("Too many pods".into());
    }
    if want.milli_cpu > 0 && used.milli_cpu + want.milli_cpu > allocatable(node, "cpu", true) {
        out.push("Insufficient cpu".into());
    }
    if want.memory > 0 && used.memory + want.memory > allocatable(node, "memory", false) {
        out.push("Insufficient memory".into());
    }
    out
}

/// What the pods bound to each node request, and how many there are; finished pods hold
/// nothing.
pub fn usage(store: &Store) -> BTreeMap<String, (Request, usize)> {
    let mut out: BTreeMap<String, (Request, usize)> = BTreeMap::new();
    for (key, rt) in &store.runtime {
        let (Some(node), Some(pod)) = (rt.node.as_ref(), store.pods.selectable(key)) else { continue };
        let phase = pod.fields.get("status.phase").unwrap_or_default();
        if phase == "Succeeded" || phase == "Failed" {
            continue;
        }
        let r = rt.request;
        let e = out.entry(node.clone()).or_default();
        e.0.milli_cpu += r.milli_cpu;
        e.0.memory += r.memory;
        e.1 += 1;
    }
    out
}

/// The FailedScheduling message for per-node failure lists: counts of each reason,
/// sorted, then what preemption could do (nothing for a selector mismatch; no victims,
/// since the simulator has no priorities, for resources).
pub fn unschedulable_message(per_node: &[Vec<String>]) -> String {
    let total = per_node.len();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut preemption: BTreeMap<&str, usize> = BTreeMap::new();
    for failures in per_node {
        for r in failures {
            *reasons.entry(r.as_str()).or_default() += 1;
        }
        let resources_only = failures.iter().all(|r| r.starts_with("Insufficient ") || *r == "Too many pods");
        let p = if failures.is_empty() || !resources_only {
            "Preemption is not helpful for scheduling"
        } else {
            "No preemption victims found for incoming pod"
        };
        *preemption.entry(p).or_default() += 1;
    }
    let join = |m: &BTreeMap<&str, usize>| m.iter().map(|(r, n)| format!("{n} {r}")).collect::<Vec<_>>().join(", ");
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        join(&reasons),
        join(&preemption)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(cpu: &str, selector: Option<(&str, &str)>) -> Pod {
        let mut spec =
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": "100Mi"}}}]});
        if let Some((k, v)) = selector {
            spec["nodeSelector"] = json!({k: v});
        }
        serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": spec})).expect("pod")
    }

    fn node() -> Node {
        serde_json::from_value(json!({"metadata": {"name": "n", "labels": {"disk": "ssd"}},
            "status": {"allocatable": {"cpu": "2", "memory": "1Gi", "pods": "2"},
                       "conditions": [{"type": "Ready", "status": "True"}]}}))
        .expect("node")
    }

    #[test]
    fn feasible_nodes_sought_shrink_with_the_cluster() {
        for (nodes, want) in [
            (0, 0),
            (1, 1),
            (99, 99),
            (100, 100),
            (199, 100),
            (200, 100),
            (1000, 420),
            (5000, 500),
            (6000, 300),
            (15000, 750),
        ] {
            assert_eq!(feasible_to_find(nodes), want, "{nodes} nodes");
        }
    }

    #[test]
    fn filters_in_order_with_the_schedulers_words() {
        let none = (Request::default(), 0);
        assert!(failures(&pod("500m", Some(("disk", "ssd"))), &node(), none).is_empty());
        assert_eq!(failures(&pod("500", Some(("disk", "hdd"))), &node(), none), [SELECTOR], "selector first");
        let mut tainted = node();
        tainted.spec =
            serde_json::from_value(json!({"taints": [{"key": "gpu", "value": "yes", "effect": "NoSchedule"},
                                                           {"key": "soft", "effect": "PreferNoSchedule"}]}))
            .ok();
        assert_eq!(
            failures(&pod("1", Some(("disk", "hdd"))), &tainted, none),
            ["node(s) had untolerated taint {gpu: yes}"]
        );
        let mut tolerant = pod("1", None);
        let tol = |t: serde_json::Value| serde_json::from_value::<Toleration>(t).expect("toleration");
        for t in [
            json!({"key": "gpu", "value": "yes", "effect": "NoSchedule"}),
            json!({"key": "gpu", "operator": "Exists"}),
            json!({"operator": "Exists"}),
        ] {
            tolerant.spec.as_mut().expect("spec").tolerations = Some(vec![tol(t.clone())]);
            assert!(failures(&tolerant, &tainted, none).is_empty(), "{t} tolerates");
        }
        for t in [
            json!({"key": "gpu", "value": "no"}),
            json!({"key": "gpu", "operator": "Exists", "effect": "NoExecute"}),
            json!({"key": "other", "operator": "Exists"}),
        ] {
            tolerant.spec.as_mut().expect("spec").tolerations = Some(vec![tol(t.clone())]);
            assert_eq!(failures(&tolerant, &tainted, none).len(), 1, "{t} does not tolerate");
        }
        assert_eq!(failures(&pod("2500m", None), &node(), none), ["Insufficient cpu"]);
        let used = (Request { milli_cpu: 1600, memory: 1 << 30 }, 2);
        assert_eq!(
            failures(&pod("500m", None), &node(), used),
            ["Too many pods", "Insufficient cpu", "Insufficient memory"]
        );
        assert_eq!(request_of(&pod("1.5", None)), Request { milli_cpu: 1500, memory: 100 << 20 });
    }

    #[test]
    fn messages_count_reasons_and_preemption() {
        assert_eq!(
            unschedulable_message(&[vec!["Insufficient cpu".into()]]),
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        );
        assert_eq!(
            unschedulable_message(&[
                vec![SELECTOR.into()],
                vec!["Insufficient cpu".into(), "Insufficient memory".into()]
            ]),
            "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
        );
    }
}
