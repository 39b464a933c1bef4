//! A pod's QoS class from its requests and limits (kubernetes `pkg/apis/core/helper/qos`
//! `GetPodQOS`): the API server stores it in `status.qosClass`; describe recomputes it
//! when absent.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as Q;

use super::quantity::Quantity;

/// The CPU and memory quantities above zero in `list`, in nano units (the only
/// resources QoS looks at; a zero request is no request).
fn positive(list: Option<&BTreeMap<String, Q>>) -> Vec<(&str, i128)> {
    list.into_iter()
        .flatten()
        .filter(|(name, _)| *name == "cpu" || *name == "memory")
        .filter_map(|(name, q)| Some((name.as_str(), Quantity::parse(&q.0)?.nanos())))
        .filter(|(_, v)| *v > 0)
        .collect()
}

/// QoS class as `GetPodQOS` computes it: BestEffort without any CPU or memory request
/// or limit; Guaranteed when every container (init containers too) limits both, and the
/// pod's summed requests equal its summed limits; Burstable otherwise.
pub fn qos_class(pod: &Pod) -> &'static str {
    let Some(spec) = &pod.spec else { return "BestEffort" };
    let mut requests: BTreeMap<&str, i128> = BTreeMap::new();
    let mut limits: BTreeMap<&str, i128> = BTreeMap::new();
    let mut guaranteed = true;
    for c in spec.containers.iter().chain(spec.init_containers.iter().flatten()) {
        let r = c.resources.as_ref();
        for (name, v) in positive(r.and_then(|r| r.requests.as_ref())) {
            *requests.entry(name).or_default() += v;
        }
        let found = positive(r.and_then(|r| r.limits.as_ref()));
        if !(found.iter().any(|(n, _)| *n == "cpu") && found.iter().any(|(n, _)| *n == "memory")) {
            guaranteed = false;
        }
        for (name, v) in found {
            *limits.entry(name).or_default() += v;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    let matched = requests.iter().all(|(name, v)| limits.get(name) == Some(v));
    if guaranteed && matched && requests.len() == limits.len() { "Guaranteed" } else { "Burstable" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn pod(containers: Value, init: Value) -> Pod {
        serde_json::from_value(json!({"spec": {"containers": containers, "initContainers": init}})).expect("a pod")
    }

    fn c(requests: Value, limits: Value) -> Value {
        json!({"name": "c", "resources": {"requests": requests, "limits": limits}})
    }

    /// The rules of GetPodQOS (and the cases of its qos_test.go), one pod each.
    #[test]
    fn classes_as_kubernetes_computes_them() {
        let g = |cpu: &str, mem: &str| c(json!({"cpu": cpu, "memory": mem}), json!({"cpu": cpu, "memory": mem}));
        let cases = [
            (pod(json!([{"name": "c"}]), json!([])), "BestEffort"),
            (pod(json!([c(json!({"cpu": "0", "memory": "0"}), json!({}))]), json!([])), "BestEffort"),
            (
                pod(json!([c(json!({"ephemeral-storage": "1Gi"}), json!({"nvidia.com/gpu": "1"}))]), json!([])),
                "BestEffort",
            ),
            (pod(json!([g("100m", "100Mi")]), json!([])), "Guaranteed"),
            (pod(json!([g("100m", "100Mi"), g("1", "1Gi")]), json!([g("1", "1Gi")])), "Guaranteed"),
            (
                pod(
                    json!([c(json!({"cpu": "0.1", "memory": "100Mi"}), json!({"cpu": "100m", "memory": "104857600"}))]),
                    json!([]),
                ),
                "Guaranteed",
            ),
            (pod(json!([g("100m", "100Mi"), c(json!({}), json!({}))]), json!([])), "Burstable"),
            (pod(json!([g("100m", "100Mi")]), json!([c(json!({"cpu": "1"}), json!({}))])), "Burstable"),
            (
                pod(
                    json!([c(json!({"cpu": "100m", "memory": "100Mi"}), json!({"cpu": "200m", "memory": "100Mi"}))]),
                    json!([]),
                ),
                "Burstable",
            ),
            (pod(json!([c(json!({"cpu": "100m"}), json!({}))]), json!([])), "Burstable"),
            (pod(json!([c(json!({}), json!({"memory": "1Gi"}))]), json!([])), "Burstable"),
            (pod(json!([c(json!({}), json!({"cpu": "1", "memory": "1Gi"}))]), json!([])), "Burstable"),
            (
                pod(
                    json!([c(
                        json!({"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"}),
                        json!({"cpu": "1", "memory": "1Gi"})
                    )]),
                    json!([]),
                ),
                "Guaranteed",
            ),
        ];
        for (i, (p, want)) in cases.iter().enumerate() {
            assert_eq!(qos_class(p), *want, "case {i}");
        }
        assert_eq!(qos_class(&Pod::default()), "BestEffort");
    }
}
