//! One pod's observable state, kept in step with its runtime: the status projected from
//! the runtime, the events recorded about it, and the field path events name a container
//! by. The scheduler (`lifecycle`) and the kubelet (`kubelet`) both write through here.

use k8s_openapi::api::core::v1::Pod;

use super::events::{self, Note, Subject};
use super::store::{Key, Store, now_secs};

/// Where a container sits in the pod, as events name it: `spec.containers{web}`.
pub(super) fn field_path(pod: &Pod, name: &str) -> String {
    let spec = pod.spec.as_ref();
    let has = |list: Option<Vec<&str>>| list.is_some_and(|l| l.contains(&name));
    let init = spec.and_then(|s| s.init_containers.as_ref()).map(|l| l.iter().map(|c| c.name.as_str()).collect());
    let eph = spec.and_then(|s| s.ephemeral_containers.as_ref()).map(|l| l.iter().map(|c| c.name.as_str()).collect());
    let list = match () {
        _ if has(init) => "initContainers",
        _ if has(eph) => "ephemeralContainers",
        _ => "containers",
    };
    format!("spec.{list}{{{name}}}")
}

pub(super) fn record(store: &mut Store, pod: &Pod, note: Note) {
    let m = &pod.metadata;
    let who = Subject {
        namespace: m.namespace.as_deref().unwrap_or_default(),
        name: m.name.as_deref().unwrap_or_default(),
        uid: m.uid.as_deref().unwrap_or_default(),
        resource_version: m.resource_version.clone(),
    };
    events::record(store, &who, note);
}

/// Re-projects a pod's status from its runtime and stores it if it changed. The pod is
/// read borrowed where the store keeps it typed (a quiet fill) and copied only to change.
pub(super) fn refresh(store: &mut Store, key: &Key) {
    let Some(mut rt) = store.runtime.remove(key) else { return };
    let Some(current) = store.pods.shared(key) else { return };
    let pod_ref = format!("{}_{}({})", key.1, key.0, rt.uid);
    let gates = current.spec.as_ref().and_then(|s| s.readiness_gates.as_deref()).unwrap_or(&[]);
    let mut status = rt.status(current.status.as_ref(), gates, &pod_ref, now_secs());
    super::others::keep(&mut status, current.status.as_ref());
    let node_changed = current.spec.as_ref().and_then(|s| s.node_name.as_ref()) != rt.node.as_ref();
    let changed = current.status.as_ref() != Some(&status) || node_changed;
    drop(current);
    let node = node_changed.then(|| rt.node.clone());
    store.runtime.insert(key.clone(), rt);
    if changed {
        store.modify(key, |pod: &mut Pod| {
            if let (Some(node), Some(spec)) = (node, pod.spec.as_mut()) {
                spec.node_name = node;
            }
            pod.status = Some(status);
        });
    }
}
