//! The rules of `why`, one per cause, each reading only the facts: image pulls,
//! crash loops, containers that ended in error, OOM kills, failing probes, missing
//! ConfigMaps and Secrets, unschedulable pods, lost nodes, and deletions held by
//! finalizers.

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Event};

use super::{Facts, Finding, meaning};
use crate::common::podstatus::pod_cells;
use crate::common::spelling::nearest;

type Rule = fn(&Facts) -> Vec<Finding>;

pub const ALL: &[Rule] =
    &[image_pull, config_refs, pending, crash_loop, ended_in_error, oom_killed, probes, node_lost, stuck_terminating];

fn name(f: &Facts) -> &str {
    f.pod.metadata.name.as_deref().unwrap_or("")
}

/// Init, main and ephemeral container statuses.
fn statuses(f: &Facts) -> impl Iterator<Item = &ContainerStatus> {
    let s = f.pod.status.as_ref();
    let init = s.and_then(|s| s.init_container_statuses.as_ref()).into_iter().flatten();
    let main = s.and_then(|s| s.container_statuses.as_ref()).into_iter().flatten();
    let ephemeral = s.and_then(|s| s.ephemeral_container_statuses.as_ref()).into_iter().flatten();
    init.chain(main).chain(ephemeral)
}

fn spec_container<'a>(f: &'a Facts, name: &str) -> Option<&'a Container> {
    let spec = f.pod.spec.as_ref()?;
    spec.containers.iter().chain(spec.init_containers.iter().flatten()).find(|c| c.name == name)
}

fn waiting(cs: &ContainerStatus) -> Option<(&str, &str)> {
    let w = cs.state.as_ref()?.waiting.as_ref()?;
    Some((w.reason.as_deref().unwrap_or(""), w.message.as_deref().unwrap_or("")))
}

/// The events about container `name` (by field path), or about the pod when `None`.
fn events<'a>(f: &'a Facts, reason: &'a str, container: Option<&'a str>) -> impl Iterator<Item = &'a Event> + 'a {
    f.events.iter().filter(move |e| {
        e.reason.as_deref() == Some(reason)
            && container.is_none_or(|c| {
                e.involved_object.field_path.as_deref().is_some_and(|p| p.ends_with(&format!("{{{c}}}")))
            })
    })
}

fn message(e: &Event) -> &str {
    e.message.as_deref().unwrap_or("")
}

fn times(e: &Event) -> i32 {
    e.series.as_ref().and_then(|s| s.count).or(e.count).unwrap_or(1)
}

/// The repository and tag of an image reference (`nginx:1.14.2` -> `nginx`, `1.14.2`).
fn repo_tag(image: &str) -> (&str, &str) {
    let image = image.split('@').next().unwrap_or(image);
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (image, "latest"),
    }
}

fn image_pull(f: &Facts) -> Vec<Finding> {
    const REASONS: &[&str] = &["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"];
    let mut out = Vec::new();
    for cs in statuses(f) {
        let Some((reason, msg)) = waiting(cs).filter(|(r, _)| REASONS.contains(r)) else { continue };
        let image = spec_container(f, &cs.name).and_then(|c| c.image.clone()).unwrap_or_else(|| cs.image.clone());
        let mut details = Vec::new();
        let prefix = format!("Failed to pull image \"{image}\": ");
        let answer = events(f, "Failed", Some(&cs.name)).filter_map(|e| message(e).strip_prefix(&prefix)).last();
        let answer = answer.unwrap_or(msg);
        if !answer.is_empty() {
            let plain = answer.split_once(" desc = ").map_or(answer, |(_, d)| d);
            details.push(format!("the registry answered: {plain}"));
        }
        let (repo, tag) = repo_tag(&image);
        let known: Vec<&str> =
            f.pulled.iter().map(|p| repo_tag(p)).filter(|(r, _)| *r == repo).map(|(_, t)| t).collect();
        if let Some(t) = nearest(tag, known.iter().copied()).filter(|t| *t != tag) {
            details.push(format!("did you mean {:?}? (this namespace pulled that tag)", format!("{repo}:{t}")));
        }
        details.push(format!(
            "fix the image name or tag: `kubectl set image pod/{} {}=IMAGE`, or edit the manifest and apply it",
            name(f),
            cs.name
        ));
        out.push(Finding {
            headline: format!("container {} cannot pull image {image:?} ({reason})", cs.name),
            details,
        });
    }
    out
}

fn config_refs(f: &Facts) -> Vec<Finding> {
    let ns = f.pod.metadata.namespace.as_deref().unwrap_or("default");
    let remedy = format!(
        "create it in namespace {ns:?} (`kubectl create configmap|secret ...`), or mark the reference optional"
    );
    let mut out = Vec::new();
    for cs in statuses(f) {
        if let Some(("CreateContainerConfigError", msg)) = waiting(cs) {
            out.push(Finding {
                headline: format!("container {} cannot start: {msg}", cs.name),
                details: vec![remedy.clone()],
            });
        }
    }
    let creating = statuses(f).any(|cs| waiting(cs).is_some_and(|(r, _)| r == "ContainerCreating" || r.is_empty()));
    if creating && let Some(e) = events(f, "FailedMount", None).last() {
        out.push(Finding { headline: format!("a volume cannot be mounted: {}", message(e)), details: vec![remedy] });
    }
    out
}

fn pending(f: &Facts) -> Vec<Finding> {
    let status = f.pod.status.as_ref();
    let unschedulable = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "PodScheduled" && c.status == "False"));
    let Some(cond) = unschedulable else { return Vec::new() };
    let msg = cond.message.as_deref().unwrap_or("");
    let reason = msg.split(" preemption:").next().unwrap_or(msg).trim_end_matches('.');
    let mut details = Vec::new();
    let spec = f.pod.spec.as_ref();
    for (resource, word) in [("cpu", "Insufficient cpu"), ("memory", "Insufficient memory")] {
        if !msg.contains(word) {
            continue;
        }
        for c in spec.map(|s| s.containers.as_slice()).unwrap_or_default() {
            let asked = c.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get(resource));
            if let Some(q) = asked {
                details.push(format!(
                    "container {} requests {resource} {}; no node has that much unrequested",
                    c.name, q.0
                ));
            }
        }
    }
    if msg.contains("didn't match Pod's node affinity/selector") {
        let selector = spec.and_then(|s| s.node_selector.as_ref());
        let pairs: Vec<String> = selector.into_iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
        if pairs.is_empty() {
            details.push("its node affinity matches no node".into());
        } else {
            details.push(format!("its nodeSelector {} matches no node's labels", pairs.join(",")));
        }
    }
    if msg.contains("untolerated taint") {
        details.push("the nodes carry taints the pod does not tolerate".into());
    }
    if msg.contains("Too many pods") {
        details.push("the nodes hold as many pods as they allow".into());
    }
    details.push("lower the requests, change the selector, or add a node that fits".into());
    vec![Finding { headline: format!("the scheduler cannot place it: {reason}"), details }]
}

/// The last lines of a container's log, as details.
fn log_tail(f: &Facts, container: &str, which: &str) -> Vec<String> {
    match f.last_logs.get(container) {
        Some(lines) if !lines.is_empty() => std::iter::once(format!("the last lines of its {which} log:"))
            .chain(lines.iter().map(|l| format!("| {l}")))
            .collect(),
        _ => vec![format!("its {which} log is empty")],
    }
}

fn crash_loop(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for cs in statuses(f) {
        if waiting(cs).is_none_or(|(r, _)| r != "CrashLoopBackOff") {
            continue;
        }
        let last = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
        if last.is_some_and(|t| t.reason.as_deref() == Some("OOMKilled")) {
            continue;
        }
        let mut details = Vec::new();
        if let Some(t) = last {
            details.push(format!("it last exited with code {}: {}", t.exit_code, meaning(t.exit_code)));
        }
        details.extend(log_tail(f, &cs.name, "last instance's"));
        details.push(format!("`logs {} -c {} --previous` shows more", name(f), cs.name));
        out.push(Finding {
            headline: format!("container {} keeps crashing (CrashLoopBackOff, {} restarts)", cs.name, cs.restart_count),
            details,
        });
    }
    out
}

fn ended_in_error(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for cs in statuses(f) {
        let Some(t) = cs.state.as_ref().and_then(|s| s.terminated.as_ref()) else { continue };
        if t.exit_code == 0 || t.reason.as_deref() == Some("OOMKilled") {
            continue;
        }
        let mut details = vec![meaning(t.exit_code)];
        details.extend(log_tail(f, &cs.name, "last"));
        out.push(Finding { headline: format!("container {} exited with code {}", cs.name, t.exit_code), details });
    }
    out
}

fn oom_killed(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for cs in statuses(f) {
        let now = cs.state.as_ref().and_then(|s| s.terminated.as_ref());
        let before = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref());
        if ![now, before].into_iter().flatten().any(|t| t.reason.as_deref() == Some("OOMKilled")) {
            continue;
        }
        let limit = spec_container(f, &cs.name)
            .and_then(|c| c.resources.as_ref())
            .and_then(|r| r.limits.as_ref())
            .and_then(|l| l.get("memory"))
            .map(|q| q.0.clone());
        let details = match limit {
            Some(l) => vec![
                format!("its memory limit is {l}; it used more, and the kernel killed it (exit 137)"),
                "raise resources.limits.memory (and requests), or make it use less memory".into(),
            ],
            None => vec![
                "it has no memory limit: the node itself ran out of memory".into(),
                "set resources.requests.memory so the scheduler reserves what it needs".into(),
            ],
        };
        out.push(Finding {
            headline: format!(
                "container {} was killed for running out of memory (OOMKilled, {} restarts)",
                cs.name, cs.restart_count
            ),
            details,
        });
    }
    out
}

fn probes(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    for cs in statuses(f) {
        for (kind, effect) in [
            ("Startup", "the kubelet restarts the container when it keeps failing"),
            ("Liveness", "the kubelet restarts the container when it keeps failing"),
            ("Readiness", "the pod is not Ready, so Services send it no traffic"),
        ] {
            let failures: Vec<&Event> = events(f, "Unhealthy", Some(&cs.name))
                .filter(|e| message(e).starts_with(&format!("{kind} probe failed")))
                .collect();
            let Some(last) = failures.last() else { continue };
            let current = if kind == "Readiness" { !cs.ready } else { !cs.ready || cs.restart_count > 0 };
            if !current {
                continue;
            }
            let count: i32 = failures.iter().map(|e| times(e)).sum();
            out.push(Finding {
                headline: format!(
                    "the {} probe of container {} fails ({count} time{})",
                    kind.to_lowercase(),
                    cs.name,
                    if count == 1 { "" } else { "s" }
                ),
                details: vec![
                    format!("last answer: {}", message(last)),
                    effect.into(),
                    "check the probe's path, port or command against what the container serves".into(),
                ],
            });
        }
    }
    out
}

fn node_lost(f: &Facts) -> Vec<Finding> {
    let status = f.pod.status.as_ref();
    let node = f.pod.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap_or_default();
    let lost = status.and_then(|s| s.reason.as_deref()) == Some("NodeLost");
    let unknown = status.and_then(|s| s.phase.as_deref()) == Some("Unknown")
        || status
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "Unknown"));
    if !lost && !unknown {
        return Vec::new();
    }
    let node_state = match &f.node {
        None => format!("node {node} no longer exists"),
        Some(n) => {
            let ready = n
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
            match ready {
                Some(c) if c.status == "True" => format!("node {node} is Ready again"),
                Some(c) => format!("node {node} is NotReady ({})", c.reason.as_deref().unwrap_or(&c.status)),
                None => format!("node {node} reports no Ready condition"),
            }
        }
    };
    let headline = if lost {
        format!("its node {node} stopped responding, so the pod was marked Failed (NodeLost)")
    } else {
        format!("its node {node} stopped reporting, so the pod's state is Unknown")
    };
    vec![Finding {
        headline,
        details: vec![
            node_state,
            "a controller recreates its pods elsewhere; a bare pod must be deleted and created again".into(),
        ],
    }]
}

fn stuck_terminating(f: &Facts) -> Vec<Finding> {
    let m = &f.pod.metadata;
    let (Some(since), Some(finalizers)) = (&m.deletion_timestamp, &m.finalizers) else { return Vec::new() };
    if finalizers.is_empty() || since.0 > f.now {
        return Vec::new();
    }
    let waited = crate::common::duration::age(Some(&since.0), f.now);
    vec![Finding {
        headline: format!(
            "it is stuck Terminating ({waited} past its deletion): finalizers {} remain",
            finalizers.join(", ")
        ),
        details: vec![
            "the controllers that own these finalizers have not removed them (or no longer run)".into(),
            format!(
                "once sure nothing needs them: kubectl patch pod {} --type=merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'",
                name(f)
            ),
        ],
    }]
}

/// The pod's STATUS column, as `get pods` shows it.
pub fn status_word(f: &Facts) -> String {
    pod_cells(&f.pod, f.now).status
}

/// What `why` says when no rule found anything.
pub fn healthy_summary(f: &Facts) -> String {
    let cells = pod_cells(&f.pod, f.now);
    match f.pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Running") if cells.ready.split_once('/').is_some_and(|(a, b)| a == b) => {
            format!("Running and Ready ({}); nothing wrong found", cells.ready)
        }
        Some("Succeeded") => "Succeeded: its containers finished with exit code 0".into(),
        Some("Pending") => format!("{} (Pending); nothing wrong found yet", cells.status),
        _ => format!("{}; no known cause found (`describe pod {}` shows everything)", cells.status, name(f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(repo_tag("nginx:1.14.2"), ("nginx", "1.14.2"));
        assert_eq!(repo_tag("nginx"), ("nginx", "latest"));
        assert_eq!(repo_tag("localhost:5000/app"), ("localhost:5000/app", "latest"));
        assert_eq!(repo_tag("localhost:5000/app:v2"), ("localhost:5000/app", "v2"));
        assert_eq!(repo_tag("nginx@sha256:abc"), ("nginx", "latest"));
    }
}
