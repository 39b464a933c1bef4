//! The kubelet's side of the lifecycle: pulling images (and failing to), starting and
//! running container programs, restarts with back-off, init containers in order, and
//! restarts after an image change. `lifecycle` decides when; this file decides what.

use std::hash::{Hash, Hasher};
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::jiff::Timestamp;
use tokio::time::Instant;

use super::events::Note;
use super::podstate::{field_path, record, refresh};
use super::program::{Cursor, Program, Stop, image_base};
use super::runtime::{CState, Ctr, GROUPS, Group, LogLine, Stage, Term};
use super::store::{Key, Store, now_secs};
use super::timing::Timing;

/// Images whose name or tag contains this cannot be pulled (documented in the README).
pub const MISSING_IMAGE_MARK: &str = "doesnotexist";

pub(super) fn digest(seed: &str) -> String {
    if seed == "nginx:1.14.2" {
        // The digest the seed's describe output shows for this tag.
        return "f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d".into();
    }
    (0..4u64)
        .map(|i| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (seed, i).hash(&mut h);
            format!("{:016x}", h.finish())
        })
        .collect()
}

pub(super) fn image_id(image: &str) -> String {
    let full = super::runtime::normalize_image(image);
    let repo = full.rsplit_once(':').map_or(full.as_str(), |(r, _)| r);
    let repo = repo.split('@').next().unwrap_or(repo);
    format!("{repo}@sha256:{}", digest(image))
}

fn container_id() -> String {
    let raw: String = (0..2).map(|_| super::store::new_uid().replace('-', "")).collect();
    format!("containerd://{raw}")
}

/// Starts the image pull for a container, once the pod's volumes can be mounted.
pub(super) fn kick(store: &mut Store, key: &Key, g: Group, i: usize, now: Instant, timing: &Timing) {
    let Some(pod) = store.pods.shared(key) else { return };
    let unmountable = super::configrefs::mount_error(store, &pod);
    let Some(rt) = store.runtime.get_mut(key) else { return };
    let host = rt.node.clone();
    let Some(c) = rt.ctr_mut(g, i) else { return };
    if let Some(why) = unmountable {
        c.state = CState::Mounting;
        c.next = Some(now + timing.backoff(0));
        // One event for the pod per retry, not one per container.
        if i == 0 {
            record(store, &pod, Note::kubelet(host.as_ref(), "FailedMount", None, why).warn());
        }
        return;
    }
    c.state = CState::Creating;
    c.next = Some(now + timing.pull);
    let (name, image) = (c.name.clone(), c.image.clone());
    let note =
        Note::kubelet(host.as_ref(), "Pulling", Some(field_path(&pod, &name)), format!("Pulling image \"{image}\""));
    record(store, &pod, note);
}

/// The restart policy one container lives by: sidecars always restart, other init
/// containers only on failure (when the pod's policy is Always), ephemeral ones never.
fn policy_of(g: Group, sidecar: bool, pod_policy: &str) -> String {
    match g {
        _ if sidecar => "Always".into(),
        Group::Ephemeral => "Never".into(),
        Group::Init if pod_policy == "Always" => "OnFailure".into(),
        _ => pod_policy.into(),
    }
}

fn restart_allowed(policy: &str, code: i32) -> bool {
    policy == "Always" || (policy == "OnFailure" && code != 0)
}

pub(super) fn ctr_step(store: &mut Store, key: &Key, g: Group, i: usize, now: Instant, timing: &Timing) {
    if store.runtime.get(key).and_then(|rt| rt.ctr(g, i)).is_some_and(|c| matches!(c.state, CState::Mounting)) {
        kick(store, key, g, i, now, timing);
        return;
    }
    let Some(pod) = store.pods.shared(key) else { return };
    let name = store.runtime.get(key).and_then(|rt| rt.ctr(g, i)).map(|c| c.name.clone()).unwrap_or_default();
    let config_error = super::configrefs::config_error(store, &pod, &name);
    let Some(rt) = store.runtime.get_mut(key) else { return };
    let host = rt.node.clone();
    let sidecar = rt.ctr(g, i).is_some_and(|c| c.sidecar);
    let policy = policy_of(g, sidecar, &rt.restart_policy);
    let pod_ref = format!("{}_{}({})", key.1, key.0, rt.uid);
    let Some(c) = rt.ctr_mut(g, i) else { return };
    c.next = None;
    let path = field_path(&pod, &c.name);
    let mut notes: Vec<Note> = Vec::new();
    let kubelet = |reason, msg: String| Note::kubelet(host.as_ref(), reason, Some(path.clone()), msg);
    match c.state.clone() {
        CState::Creating => {
            let base = image_base(&c.image).to_string();
            if !super::registry::has(&c.image) {
                let full = super::runtime::normalize_image(&c.image);
                let err = format!(
                    "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
                );
                notes.push(kubelet("Failed", format!("Failed to pull image \"{}\": {err}", c.image)).warn());
                notes.push(kubelet("Failed", "Error: ErrImagePull".into()).warn());
                c.state = CState::PullError(err);
                c.pull_failures += 1;
                c.next = Some(now + timing.backoff(c.pull_failures - 1));
            } else {
                let ms = timing.pull.as_millis();
                let size = 10_000_000 + (digest(&base).len() as u64 * 1_337_331) % 150_000_000;
                notes.push(kubelet("Pulled", format!("Successfully pulled image \"{}\" in {ms}ms ({ms}ms including waiting). Image size: {size} bytes.", c.image)));
                c.image_id = image_id(&c.image);
                create_instance(c, config_error, now, &mut notes, &kubelet, &policy, timing);
            }
        }
        CState::ConfigError(_) => create_instance(c, config_error, now, &mut notes, &kubelet, &policy, timing),
        CState::PullError(_) => {
            notes.push(kubelet("BackOff", format!("Back-off pulling image \"{}\"", c.image)));
            notes.push(kubelet("Failed", "Error: ImagePullBackOff".into()).warn());
            c.state = CState::PullBackOff;
            c.next = Some(now + timing.backoff(c.pull_failures));
        }
        CState::PullBackOff => {
            notes.push(kubelet("Pulling", format!("Pulling image \"{}\"", c.image)));
            c.state = CState::Creating;
            c.next = Some(now + timing.pull);
        }
        CState::Running { started } => continue_program(c, started, now, &policy, timing),
        CState::Terminated { term, restart: true } => {
            let delay = timing.backoff(c.restarts as u32);
            notes.push(
                kubelet("BackOff", format!("Back-off restarting failed container {} in pod {pod_ref}", c.name)).warn(),
            );
            c.last = Some(term);
            c.state = CState::CrashBackOff { delay_secs: delay.as_secs().max(1) };
            c.next = Some(now + delay);
        }
        CState::CrashBackOff { .. } => {
            c.restarts += 1;
            notes.push(kubelet("Pulled", format!("Container image \"{}\" already present on machine", c.image)));
            create_instance(c, config_error, now, &mut notes, &kubelet, &policy, timing);
        }
        CState::Idle | CState::Mounting | CState::Terminated { restart: false, .. } => {}
    }
    for n in notes {
        record(store, &pod, n);
    }
}

/// Creates and starts the container, or, while its configuration is missing, reports
/// that and looks again at the next sync.
fn create_instance(
    c: &mut Ctr,
    config_error: Option<String>,
    now: Instant,
    notes: &mut Vec<Note>,
    kubelet: &dyn Fn(&'static str, String) -> Note,
    policy: &str,
    timing: &Timing,
) {
    match config_error {
        Some(msg) => {
            notes.push(kubelet("Failed", format!("Error: {msg}")).warn());
            c.state = CState::ConfigError(msg);
            c.next = Some(now + timing.backoff(0));
        }
        None => start_instance(c, now, notes, kubelet, policy, timing),
    }
}

fn start_instance(
    c: &mut Ctr,
    now: Instant,
    notes: &mut Vec<Note>,
    kubelet: &dyn Fn(&'static str, String) -> Note,
    policy: &str,
    timing: &Timing,
) {
    notes.push(kubelet("Created", format!("Created container {}", c.name)));
    notes.push(kubelet("Started", format!("Started container {}", c.name)));
    c.id = container_id();
    c.fs = None;
    c.fs_ops.clear();
    c.probes.restart(now);
    c.started_ok = !c.probes.has_startup();
    c.ready = c.started_ok && !c.probes.has_readiness();
    c.started_once = true;
    c.cursor = Cursor::default();
    c.logs.push(Vec::new());
    let started = now_secs();
    c.state = CState::Running { started };
    continue_program(c, started, now, policy, timing);
}

fn continue_program(c: &mut Ctr, started: Timestamp, now: Instant, policy: &str, timing: &Timing) {
    let mut lines = Vec::new();
    let mut ops = Vec::new();
    let stop = c.program.run(&mut c.cursor, |l| lines.push(l), |argv| ops.push(argv.to_vec()));
    c.fs_ops.extend(ops);
    let at = Timestamp::now();
    if let Some(cur) = c.logs.last_mut() {
        cur.extend(lines.into_iter().map(|text| LogLine { at, text }));
    }
    match stop {
        Stop::Wait(d) => c.next = Some(now + d),
        Stop::Forever => c.next = None,
        Stop::Exit(code) => {
            let reason = match code {
                0 => "Completed",
                137 if c.oom => "OOMKilled",
                _ => "Error",
            };
            end_instance(c, started, code, reason, now, policy, timing);
        }
    }
}

fn end_instance(c: &mut Ctr, started: Timestamp, code: i32, reason: &str, now: Instant, policy: &str, timing: &Timing) {
    let message = c.termination_message(code);
    let term = Term { code, reason: reason.into(), message, started, finished: now_secs(), id: c.id.clone() };
    let restart = restart_allowed(policy, code);
    c.state = CState::Terminated { term, restart };
    c.ready = false;
    c.next = restart.then(|| now + timing.backoff.min(Duration::from_millis(500)));
}

/// The main process of a running container ended from outside its program (the shell an
/// attach typed `exit` into, a liveness kill, the OOM killer): the container terminates
/// with `code` and `reason`, and restarts as its pod's policy says. Returns whether it was running.
pub fn process_ended(store: &mut Store, key: &Key, name: &str, code: i32, reason: &str, timing: &Timing) -> bool {
    let now = Instant::now();
    let Some(rt) = store.runtime.get_mut(key) else { return false };
    let Some(g) = GROUPS.into_iter().find(|g| rt.group(*g).iter().any(|c| c.name == name)) else { return false };
    let policy = policy_of(g, rt.find(name).is_some_and(|c| c.sidecar), &rt.restart_policy);
    let Some(c) = rt.find_mut(name) else { return false };
    let CState::Running { started } = c.state else { return false };
    end_instance(c, started, code, reason, now, &policy, timing);
    let next = c.next;
    super::podstate::refresh(store, key);
    if let Some(t) = next {
        store.timers.insert((t, key.clone()));
    }
    true
}

/// Moves from one init container to the next, and from init to the app containers.
pub(super) fn progress_init(store: &mut Store, key: &Key, now: Instant, timing: &Timing) {
    let Some(rt) = store.runtime.get_mut(key) else { return };
    if rt.stage != Stage::Active || rt.init.is_empty() || rt.init_failed {
        return;
    }
    if rt.init.iter().any(|c| c.is_done() && c.exit_code() != Some(0)) {
        rt.init_failed = true;
        return;
    }
    let done = rt.init.iter().take_while(|c| c.init_passed()).count();
    let idle = |c: &Ctr| matches!(c.state, CState::Idle);
    if done < rt.init.len() {
        if idle(&rt.init[done]) {
            kick(store, key, Group::Init, done, now, timing);
        }
    } else if rt.main.iter().all(idle) {
        let n = rt.main.len();
        for i in 0..n {
            kick(store, key, Group::Main, i, now, timing);
        }
    }
}

/// The kubelet's reaction to a pod update that changed container images: the container
/// is killed and started again from the new image, counting a restart.
pub fn images_changed(store: &mut Store, key: &Key, old: &Pod, timing: &Timing) {
    let Some(pod) = store.pods.shared(key) else { return };
    let images = |p: &Pod| -> Vec<(String, String)> {
        p.spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .map(|c| (c.name.clone(), c.image.clone().unwrap_or_default()))
            .collect()
    };
    let before = images(old);
    let now = Instant::now();
    let mut notes = Vec::new();
    // One borrow of the state, so the pod's runtime and the timers can change together.
    let state: &mut super::store::State = store;
    let Some(rt) = state.runtime.get_mut(key) else { return };
    let host = rt.node.clone();
    for (name, image) in images(&pod) {
        if before.iter().any(|(n, i)| *n == name && *i == image) {
            continue;
        }
        let Some(c) = rt.main.iter_mut().find(|c| c.name == name) else { continue };
        let spec = pod.spec.as_ref().and_then(|s| s.containers.iter().find(|x| x.name == name));
        c.image = image.clone();
        c.program = Program::of(
            &image,
            spec.and_then(|s| s.command.as_deref()).unwrap_or(&[]),
            spec.and_then(|s| s.args.as_deref()).unwrap_or(&[]),
        );
        if let CState::Running { started } = c.state {
            c.last = Some(Term::completed(started, now_secs(), &c.id));
            c.restarts += 1;
            let path = format!("spec.containers{{{name}}}");
            notes.push(Note::kubelet(
                host.as_ref(),
                "Killing",
                Some(path.clone()),
                format!("Container {name} definition changed, will be restarted"),
            ));
            notes.push(Note::kubelet(host.as_ref(), "Pulling", Some(path), format!("Pulling image \"{image}\"")));
            c.state = CState::Creating;
            c.next = Some(now + timing.pull);
            state.timers.insert((now + timing.pull, key.clone()));
        }
    }
    for n in notes {
        record(store, &pod, n);
    }
    refresh(store, key);
}
