//! The pod lifecycle engine: a scheduler and a kubelet in one loop. It binds pending pods
//! to nodes, "pulls" images, runs each container's program, restarts per restartPolicy
//! with back-off, terminates deleted pods after their grace, and fails pods whose node is
//! gone. Each step changes `PodRuntime`, projects it into `status`, and records Events.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Pod};
use tokio::time::Instant;

use super::events::Note;
pub use super::kubelet::images_changed;
use super::kubelet::{ctr_step, kick, progress_init};
use super::podstate::{field_path, record, refresh};
use super::program::{Program, reads_stdin};
use super::runtime::{CState, Ctr, GROUPS, Group, PodRuntime, Stage, Term};
use super::scheduling;
use super::shared::Shared;
use super::store::{Key, Store, now_secs};
use super::timing::Timing;

/// The kubelet's record of a container about to start: its program (from image,
/// command and args), and what it is (interactive shell, sidecar, OOM-bound, probed).
fn container(c: &k8s_openapi::api::core::v1::Container) -> Ctr {
    let image = c.image.clone().unwrap_or_default();
    let oom = super::memory::exceeds_limit(c);
    let (command, args) = (c.command.as_deref().unwrap_or(&[]), c.args.as_deref().unwrap_or(&[]));
    let interactive = c.stdin == Some(true) && reads_stdin(&image, command, args);
    let program = match () {
        _ if oom => Program::oom_killed(),
        _ if interactive => Program::waiting(),
        _ => Program::of(&image, command, args),
    };
    let mut ctr = Ctr::new(&c.name, &image, program);
    ctr.interactive = interactive;
    ctr.oom = oom;
    ctr.sidecar = c.restart_policy.as_deref() == Some("Always");
    ctr.probes = super::probestate::Probes::of(c);
    ctr.logs_on_error = c.termination_message_policy.as_deref() == Some("FallbackToLogsOnError");
    ctr
}

/// Starts the ephemeral containers the pod's spec has and its runtime does not yet
/// (`kubectl debug` adds them through the `ephemeralcontainers` subresource).
pub fn ephemeral_added(store: &mut Store, key: &Key, timing: &Timing) {
    let Some(spec) = store.pods.get(key).and_then(|p| p.spec.clone()) else { return };
    let now = Instant::now();
    for e in spec.ephemeral_containers.iter().flatten() {
        let Some(rt) = store.runtime.get_mut(key) else { return };
        if rt.stage != Stage::Active || rt.ephemeral.iter().any(|c| c.name == e.name) {
            continue;
        }
        rt.ephemeral.push(container(&super::runtime::ephemeral_spec(e)));
        let i = rt.ephemeral.len() - 1;
        kick(store, key, Group::Ephemeral, i, now, timing);
        store.timers.insert((now + timing.pull, key.clone()));
    }
    refresh(store, key);
}

/// Builds the runtime for a newly created pod and schedules its first step.
pub fn admit(store: &mut Store, key: &Key, timing: &Timing) {
    let Some(pod) = store.pods.shared(key) else { return };
    let request = scheduling::request_of(&pod);
    let no_spec = k8s_openapi::api::core::v1::PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let ctr = container;
    let due = Instant::now() + timing.schedule;
    let rt = PodRuntime {
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        stage: Stage::Unscheduled,
        due: Some(due),
        node: None,
        host_ip: None,
        pod_ip: None,
        start_time: None,
        restart_policy: spec.restart_policy.clone().unwrap_or_else(|| "Always".into()),
        request,
        init: spec.init_containers.iter().flatten().map(ctr).collect(),
        main: spec.containers.iter().map(ctr).collect(),
        ephemeral: Vec::new(),
        init_failed: false,
        unschedulable: None,
        conditions: Vec::new(),
    };
    store.runtime.insert(key.clone(), rt);
    store.timers.insert((due, key.clone()));
}

/// Starts graceful termination: Killing events now, containers stop after the kill delay
/// (bounded by the grace period), then the pod object is removed.
pub fn terminate(store: &mut Store, key: &Key, grace: Duration, timing: &Timing) {
    let Some(rt) = store.runtime.get_mut(key) else { return };
    let deadline = Instant::now() + grace.min(timing.kill);
    rt.stage = Stage::Terminating { deadline };
    rt.due = Some(deadline);
    let host = rt.node.clone();
    let running: Vec<String> = rt.all().filter(|c| c.is_running()).map(|c| c.name.clone()).collect();
    store.timers.insert((deadline, key.clone()));
    let Some(pod) = store.pods.shared(key) else { return };
    for name in running {
        let path = field_path(&pod, &name);
        let note = Note::kubelet(host.as_ref(), "Killing", Some(path), format!("Stopping container {name}"));
        record(store, &pod, note);
    }
}

/// The node went away: its pods turn Unknown, then Failed after the node-lost grace.
pub fn node_lost(store: &mut Store, node: &str, timing: &Timing) {
    let due = Instant::now() + timing.node_lost;
    let mut keys: Vec<Key> =
        store.runtime.iter().filter(|(_, rt)| rt.node.as_deref() == Some(node)).map(|(k, _)| k.clone()).collect();
    // In key order, as every other walk over pods is (the map itself is unordered).
    keys.sort();
    for key in keys {
        if let Some(rt) = store.runtime.get_mut(&key) {
            if matches!(rt.phase(), "Succeeded" | "Failed") {
                continue;
            }
            rt.stage = Stage::Lost { failed: false };
            rt.due = Some(due);
            for c in rt.all_mut() {
                c.next = None;
            }
            store.timers.insert((due, key.clone()));
        }
        refresh(store, &key);
    }
}

/// The engine task: sleeps until the next due step or a wake-up, then advances due pods.
pub async fn run(shared: Arc<Shared>) {
    loop {
        if shared.is_frozen() {
            // Held still for a test comparing two clients; looked at again when thawed.
            shared.wake.notified().await;
            continue;
        }
        let next = shared.lock().timers.first().map(|(t, _)| *t);
        match next {
            Some(t) if t <= Instant::now() => {
                advance_due(&shared, Instant::now());
                shared.bump();
            }
            Some(t) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(t) => {}
                    _ = shared.wake.notified() => {}
                }
            }
            None => shared.wake.notified().await,
        }
    }
}

/// Advances every pod with a step due at or before `now`.
pub fn advance_due(shared: &Shared, now: Instant) {
    let mut store = shared.lock();
    let timing = &shared.timing;
    while let Some(first) = store.timers.first().cloned() {
        if first.0 > now {
            break;
        }
        store.timers.remove(&first);
        advance(&mut store, &first.1, now, timing);
    }
}

/// Runs every step of one pod that is due at `now`, repeatedly until nothing more is due.
pub fn advance(store: &mut Store, key: &Key, now: Instant, timing: &Timing) {
    for _ in 0..64 {
        let Some(rt) = store.runtime.get(key) else { return };
        let pod_due = rt.due.is_some_and(|d| d <= now);
        let ctr_due = rt.all().any(|c| c.next.is_some_and(|d| d <= now));
        let probe_due = rt.all().any(|c| c.probes.next_due().is_some_and(|d| d <= now));
        if !pod_due && !ctr_due && !probe_due {
            break;
        }
        if pod_due {
            if let Some(rt) = store.runtime.get_mut(key) {
                rt.due = None;
            }
            if !pod_step(store, key, now, timing) {
                return;
            }
        }
        for g in GROUPS {
            let n = store.runtime.get(key).map_or(0, |rt| rt.group(g).len());
            for i in 0..n {
                let due =
                    store.runtime.get(key).and_then(|rt| rt.ctr(g, i)).and_then(|c| c.next).is_some_and(|d| d <= now);
                if due {
                    ctr_step(store, key, g, i, now, timing);
                }
            }
        }
        progress_init(store, key, now, timing);
        if probe_due {
            super::probes::run_due(store, key, now, timing);
        }
    }
    refresh(store, key);
    if let Some(rt) = store.runtime.get(key) {
        let probes = rt.all().filter(|c| c.is_running()).filter_map(|c| c.probes.next_due());
        let next = rt.all().filter_map(|c| c.next).chain(rt.due).chain(probes).min();
        if let Some(t) = next {
            store.timers.insert((t, key.clone()));
        }
    }
}

/// Pod-level transitions. Returns false when the pod is gone.
fn pod_step(store: &mut Store, key: &Key, now: Instant, timing: &Timing) -> bool {
    let Some(stage) = store.runtime.get(key).map(|rt| rt.stage.clone()) else { return false };
    match stage {
        Stage::Unscheduled => schedule(store, key, now),
        Stage::Bound => start_sandbox(store, key, now, timing),
        Stage::Active => {}
        Stage::Terminating { .. } => {
            finish_termination(store, key);
            return false;
        }
        Stage::Lost { .. } => {
            if let Some(rt) = store.runtime.get_mut(key) {
                rt.stage = Stage::Lost { failed: true };
            }
        }
    }
    true
}

fn schedule(store: &mut Store, key: &Key, now: Instant) {
    let Some(pod) = store.pods.shared(key) else { return };
    let bound_to = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let (chosen, per_node) = match &bound_to {
        Some(n) => (store.nodes.get(&(String::new(), n.clone())), Vec::new()),
        None => {
            // What bound pods use is summed (a pass over every pod) only for a pod that
            // asks for cpu or memory, so binding request-less pods stays cheap at
            // 150,000 pods; those are not held to the node's pod count.
            let asks = scheduling::request_of(&pod) != scheduling::Request::default();
            let usage = if asks { scheduling::usage(store) } else { Default::default() };
            let count = store.nodes.len();
            let want = scheduling::feasible_to_find(count);
            let start = store.next_start_node % count.max(1);
            let mut per_node: Vec<Vec<String>> = Vec::new();
            let mut eligible: Vec<std::borrow::Cow<'_, Node>> = Vec::new();
            for n in store.nodes.each().skip(start).chain(store.nodes.each().take(start)) {
                let bound = usage.get(n.metadata.name.as_deref().unwrap_or("")).copied().unwrap_or_default();
                let failed = scheduling::failures(&pod, &n, bound);
                per_node.push(failed);
                if per_node.last().is_some_and(Vec::is_empty) {
                    eligible.push(n);
                    if eligible.len() >= want {
                        break;
                    }
                }
            }
            let next = (start + per_node.len()) % count.max(1);
            let pick = store.runtime.len() % eligible.len().max(1);
            let chosen = eligible.get(pick).map(|n| n.as_ref().clone());
            store.next_start_node = next;
            (chosen, per_node)
        }
    };
    let Some(node) = chosen else {
        if bound_to.is_some() {
            // Bound by name to a node that does not exist: no scheduler looks at it.
            if let Some(rt) = store.runtime.get_mut(key) {
                rt.due = Some(now + Duration::from_secs(1));
            }
            return;
        }
        let why = scheduling::unschedulable_message(&per_node);
        let changed = store.runtime.get(key).is_some_and(|rt| rt.unschedulable.as_ref() != Some(&why));
        if let Some(rt) = store.runtime.get_mut(key) {
            rt.unschedulable = Some(why.clone());
            rt.due = Some(now + Duration::from_secs(1));
        }
        if changed {
            let note = Note {
                warning: true,
                reason: "FailedScheduling",
                component: "default-scheduler",
                host: None,
                message: why,
                field_path: None,
            };
            record(store, &pod, note);
        }
        return;
    };
    let node_name = node.metadata.name.clone().unwrap_or_default();
    let host_ip = node
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|x| x.type_ == "InternalIP"))
        .map(|a| a.address.clone());
    store.ips_assigned += 1;
    let seq = store.ips_assigned;
    if let Some(rt) = store.runtime.get_mut(key) {
        rt.node = Some(node_name.clone());
        rt.host_ip = host_ip;
        rt.pod_ip = Some(format!("10.244.{}.{}", (seq / 250) % 256, seq % 250 + 2));
        rt.unschedulable = None;
        rt.stage = Stage::Bound;
        rt.due = Some(now);
    }
    let msg = format!("Successfully assigned {}/{} to {node_name}", key.0, key.1);
    let note = Note {
        warning: false,
        reason: "Scheduled",
        component: "default-scheduler",
        host: None,
        message: msg,
        field_path: None,
    };
    record(store, &pod, note);
}

fn start_sandbox(store: &mut Store, key: &Key, now: Instant, timing: &Timing) {
    let Some(rt) = store.runtime.get_mut(key) else { return };
    rt.stage = Stage::Active;
    rt.start_time = Some(now_secs());
    let first_init = !rt.init.is_empty();
    if first_init {
        kick(store, key, Group::Init, 0, now, timing);
    } else {
        let n = rt.main.len();
        for i in 0..n {
            kick(store, key, Group::Main, i, now, timing);
        }
    }
}

fn finish_termination(store: &mut Store, key: &Key) {
    if let Some(rt) = store.runtime.get_mut(key) {
        let finished = now_secs();
        for c in rt.all_mut() {
            if let CState::Running { started } = c.state {
                let term = Term::completed(started, finished, &c.id);
                c.state = CState::Terminated { term, restart: false };
            }
            c.next = None;
        }
    }
    refresh(store, key);
    store.runtime.remove(key);
    let held = store.pods.get(key).and_then(|p| p.metadata.finalizers).is_some_and(|f| !f.is_empty());
    if !held {
        store.remove::<Pod>(key);
        store.finalize_namespace(&key.0);
    }
}

/// A pod marked for deletion whose containers are gone goes once its last finalizer is
/// removed.
pub fn finalizers_cleared(store: &mut Store, key: &Key) {
    let Some(pod) = store.pods.shared(key) else { return };
    let marked = pod.metadata.deletion_timestamp.is_some();
    let held = pod.metadata.finalizers.as_ref().is_some_and(|f| !f.is_empty());
    if marked && !held && !store.runtime.contains_key(key) {
        store.remove::<Pod>(key);
        store.finalize_namespace(&key.0);
    }
}
