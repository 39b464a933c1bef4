//! A pod's QoS class from its requests and limits (kubernetes `pkg/apis/core/helper/qos`):
//! the API server stores it in `status.qosClass`; describe recomputes it when absent.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Pod};

/// QoS class from requests and limits (kubernetes `pkg/apis/core/helper/qos`).
pub fn qos_class(pod: &Pod) -> &'static str {
    let Some(spec) = &pod.spec else { return "BestEffort" };
    let all: Vec<&Container> = spec.init_containers.iter().flatten().chain(spec.containers.iter()).collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &all {
        let r = c.resources.as_ref();
        let req = r.and_then(|r| r.requests.as_ref());
        let lim = r.and_then(|r| r.limits.as_ref());
        let has = |m: Option<&BTreeMap<_, _>>, k: &str| m.is_some_and(|m| m.contains_key(k));
        for k in ["cpu", "memory"] {
            if has(req, k) || has(lim, k) {
                any = true;
            }
            let equal =
                matches!((req.and_then(|m| m.get(k)), lim.and_then(|m| m.get(k))), (Some(a), Some(b)) if a == b);
            if !has(lim, k) || !equal {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}
