//! The start-up fill (`--pods N`): pods created round-robin over namespaces and nodes and
//! walked through the real lifecycle to Running, quietly (see `Store::quietly`), as a
//! cluster whose pods have run for more than an hour. The second core encodes each pod
//! as soon as its lifecycle is done, while the first walks the next ones.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::lifecycle;
use super::objects::Stored;
use super::store::{self, Key, Store};
use super::timing::Timing;
use super::write::Hooks;

/// The namespaces pre-created pods are spread over: `default`, then `scale-2` ... `scale-N`.
pub fn namespaces(n: usize) -> Vec<String> {
    std::iter::once("default".to_string()).chain((2..=n.max(1)).map(|i| format!("scale-{i}"))).collect()
}

/// Pods in flight to the encoder at most: a typed pod is ~14 KB, its encoding ~2.5 KB.
const IN_FLIGHT: usize = 1024;

/// Creates `n` pods round-robin over `namespaces` and nodes and walks each through the
/// real lifecycle to Running at once; no history and no events.
pub fn pods(store: &mut Store, n: usize, namespaces: &[String], timing: &Timing) {
    let nodes = store.nodes.len().max(1);
    let width = n.to_string().len().max(5);
    let (jobs, todo) = mpsc::sync_channel::<(Key, Arc<Pod>)>(IN_FLIGHT);
    let (done, encoded) = mpsc::channel::<(Key, Arc<Pod>, Stored)>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for (key, pod) in todo {
                let stored = Stored::of(pod.as_ref());
                if done.send((key, pod, stored)).is_err() {
                    return;
                }
            }
        });
        store.quietly(|store| {
            for i in 1..=n {
                let Some((key, pod)) = admitted(store, i, width, namespaces, nodes, timing) else { continue };
                // The encoder gone (it cannot panic on a pod) leaves the pod for the
                // fill's own settling at the end.
                let _ = jobs.send((key, pod));
                for (key, pod, stored) in encoded.try_iter() {
                    store.settled(&key, &pod, stored);
                }
            }
            drop(jobs);
            for (key, pod, stored) in encoded.iter() {
                store.settled(&key, &pod, stored);
            }
            // The steps leave timers behind for pods with nothing left to do; the engine
            // would wake 150,000 times to find that out.
            let state: &mut store::State = store;
            let (timers, runtime) = (&mut state.timers, &state.runtime);
            timers.retain(|(_, k)| runtime.get(k).is_none_or(|rt| !rt.idle()));
        });
    });
}

/// Creates pod number `i` and runs its lifecycle up to Running; returns it as it ends.
fn admitted(
    store: &mut Store,
    i: usize,
    width: usize,
    namespaces: &[String],
    nodes: usize,
    timing: &Timing,
) -> Option<(Key, Arc<Pod>)> {
    let name = format!("pod-{i:0width$}");
    let ns = &namespaces[i % namespaces.len()];
    let labels: BTreeMap<String, String> =
        [("app".to_string(), "scale".to_string()), ("run".to_string(), name.clone())].into_iter().collect();
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(ns.clone()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "app".into(),
                image: Some("nginx:1.14.2".into()),
                ..Default::default()
            }],
            // Bound at creation (as a scheduler's decision would be), so a fill of
            // 150,000 pods onto 5,000 nodes does not run 150,000 scheduling passes.
            node_name: Some(format!("node-{}", i % nodes + 1)),
            ..Default::default()
        }),
        ..Default::default()
    };
    pod.prepare().ok()?;
    let key = (ns.clone(), name);
    store.create_fresh(pod);
    // Each pod's steps are timed from its own admission: a long fill must not leave its
    // last pods behind their timers.
    let base = tokio::time::Instant::now();
    lifecycle::admit(store, &key, timing);
    // Passes far enough ahead run the steps up to Running in a few calls (each repeats
    // while anything is due) instead of one call per simulated second.
    for step in [60, 61, 62] {
        lifecycle::advance(store, &key, base + Duration::from_secs(step), timing);
    }
    let pod = store.pods.typed_shared(&key)?;
    Some((key, pod))
}
