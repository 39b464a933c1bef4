//! The READY, STATUS and RESTARTS cells of a pod row, following `printPod` in
//! kubernetes `pkg/printers/internalversion/printers.go`. The simulator puts these cells
//! into Table responses; the shell reuses them for lifecycle notices and completion hints.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use k8s_openapi::jiff::Timestamp;

use super::duration;

/// The three computed cells of a pod row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodCells {
    pub ready: String,
    pub status: String,
    pub restarts: String,
}

#[derive(Default)]
struct Tally {
    restarts: i64,
    last_restart: Option<Timestamp>,
}

impl Tally {
    fn add(&mut self, cs: &ContainerStatus) {
        self.restarts += i64::from(cs.restart_count);
        let finished = cs
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(|t| t.0);
        if let Some(f) = finished
            && self.last_restart.is_none_or(|l| f > l)
        {
            self.last_restart = Some(f);
        }
    }
}

fn has_condition(pod: &Pod, kind: &str, status: &str) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == kind && c.status == status))
}

fn is_sidecar(pod: &Pod, name: &str) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .and_then(|ics| ics.iter().find(|c| c.name == name))
        .is_some_and(|c| c.restart_policy.as_deref() == Some("Always"))
}

/// READY and STATUS, and what RESTARTS is made of, none of which depends on the clock:
/// a printed row can keep these and fill in the restart's age when it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRow {
    pub ready: String,
    pub status: String,
    pub restarts: i64,
    pub last_restart: Option<Timestamp>,
}

/// The RESTARTS cell: the count, and how long ago the last restart was when there is one
/// (times in seconds since the epoch).
pub fn restarts_cell(restarts: i64, last_restart: Option<i64>, now: i64) -> String {
    match last_restart {
        Some(at) if restarts != 0 => {
            let ago = duration::human_secs(now - at);
            format!("{restarts} ({ago} ago)")
        }
        _ => restarts.to_string(),
    }
}

/// Computes READY, STATUS and RESTARTS for `pod` as the API server's printer does.
pub fn pod_cells(pod: &Pod, now: Timestamp) -> PodCells {
    let row = pod_row(pod);
    let restarts = restarts_cell(row.restarts, row.last_restart.map(|t| t.as_second()), now.as_second());
    PodCells { restarts, ready: row.ready, status: row.status }
}

/// `pod_cells` without the clock.
pub fn pod_row(pod: &Pod) -> PodRow {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let init_specs = spec.and_then(|s| s.init_containers.as_deref()).unwrap_or(&[]);
    let mut total = spec.map_or(0, |s| s.containers.len());
    total += init_specs.iter().filter(|c| c.restart_policy.as_deref() == Some("Always")).count();

    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let mut reason = match status.and_then(|s| s.reason.as_deref()) {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => phase.clone(),
    };
    let gated = status.and_then(|s| s.conditions.as_ref()).is_some_and(|cs| {
        cs.iter().any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    });
    if gated {
        reason = "SchedulingGated".to_string();
    }

    let mut ready = 0usize;
    let mut init = Tally::default();
    let mut sidecar = Tally::default();
    let mut initializing = false;
    let init_statuses = status.and_then(|s| s.init_container_statuses.as_deref()).unwrap_or(&[]);
    for (i, cs) in init_statuses.iter().enumerate() {
        init.add(cs);
        let sidecar_container = is_sidecar(pod, &cs.name);
        if sidecar_container {
            sidecar.add(cs);
        }
        let state = cs.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar_container && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            reason = match t.reason.as_deref() {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ if t.signal.unwrap_or(0) != 0 => format!("Init:Signal:{}", t.signal.unwrap_or(0)),
                _ => format!("Init:ExitCode:{}", t.exit_code),
            };
        } else if let Some(r) =
            waiting.and_then(|w| w.reason.as_deref()).filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }

    let mut tally = init;
    if !initializing || has_condition(pod, "Initialized", "True") {
        tally = sidecar;
        let mut has_running = false;
        let statuses = status.and_then(|s| s.container_statuses.as_deref()).unwrap_or(&[]);
        for cs in statuses.iter().rev() {
            tally.add(cs);
            let state = cs.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting.and_then(|w| w.reason.as_deref()).filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if let Some(r) = terminated.and_then(|t| t.reason.as_deref()).filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.signal.unwrap_or(0) {
                    0 => format!("ExitCode:{}", t.exit_code),
                    s => format!("Signal:{s}"),
                };
            } else if cs.ready && state.and_then(|s| s.running.as_ref()).is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_condition(pod, "Ready", "True") { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    PodRow {
        ready: format!("{ready}/{total}"),
        status: reason,
        restarts: tally.restarts,
        last_restart: tally.last_restart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).expect("test fixture is a valid Pod")
    }

    fn now() -> Timestamp {
        "2026-11-28T00:00:00Z".parse().expect("valid timestamp")
    }

    /// A case's pod: "NOW-Ns" made a time N seconds before `now()`, and the fields the
    /// Go fixtures leave zero that the API's JSON requires filled in.
    fn printer_fixture(json: &str) -> Pod {
        let mut text = json.to_string();
        while let Some(at) = text.find("\"NOW-") {
            let end = text[at + 5..].find("s\"").map(|e| at + 5 + e).expect("NOW-Ns");
            let secs: i64 = text[at + 5..end].parse().expect("seconds");
            let t = Timestamp::from_second(now().as_second() - secs).expect("time");
            text.replace_range(at..end + 2, &format!("\"{}\"", t.strftime("%Y-%m-%dT%H:%M:%SZ")));
        }
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("case JSON");
        for list in ["containerStatuses", "initContainerStatuses"] {
            for cs in v["status"][list].as_array_mut().into_iter().flatten() {
                cs["image"] = json!("");
                cs["imageID"] = json!("");
            }
        }
        pod(v)
    }

    /// The rows Kubernetes' own printer tests expect (printers_test.go), every case.
    #[test]
    fn the_kubernetes_printer_tests_rows() {
        let cases = include_str!("testdata/printpod_cases.txt");
        let mut n = 0;
        for line in cases.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let parts: Vec<&str> = line.split(" | ").collect();
            let [case, json, ready, status, restarts] = parts[..] else { panic!("malformed case: {line}") };
            let expected = PodCells { ready: ready.into(), status: status.into(), restarts: restarts.into() };
            assert_eq!(pod_cells(&printer_fixture(json), now()), expected, "{case}");
            n += 1;
        }
        assert_eq!(n, 31);
    }

    // The pods of the verified `kubectl get pods` run in shared/reference/k8s-facts.md 1.3.
    #[test]
    fn crash_loop_with_restart_age() {
        let p = pod(json!({
            "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Running", "containerStatuses": [{
                "name": "c", "ready": false, "restartCount": 5, "image": "i", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                    "finishedAt": "2026-11-27T23:57:59Z"}}}]}
        }));
        let c = pod_cells(&p, now());
        assert_eq!(
            c,
            PodCells { ready: "0/1".into(), status: "CrashLoopBackOff".into(), restarts: "5 (2m1s ago)".into() }
        );
    }

    #[test]
    fn init_progress_and_terminating() {
        let p = pod(json!({
            "spec": {"initContainers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "c"}]},
            "status": {"phase": "Pending",
                "conditions": [{"type": "Initialized", "status": "False"}],
                "initContainerStatuses": [
                  {"name": "a", "ready": false, "restartCount": 0, "image": "i", "imageID": "",
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                  {"name": "b", "ready": false, "restartCount": 0, "image": "i", "imageID": "",
                   "state": {"running": {}}}],
                "containerStatuses": [{"name": "c", "ready": false, "restartCount": 0, "image": "i", "imageID": "",
                   "state": {"waiting": {"reason": "PodInitializing"}}}]}
        }));
        assert_eq!(pod_cells(&p, now()).status, "Init:1/2");

        let mut dying = pod(json!({
            "metadata": {"deletionTimestamp": "2026-11-28T00:00:30Z"},
            "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "c", "ready": true, "restartCount": 0,
                "image": "i", "imageID": "", "state": {"running": {}}}]}
        }));
        assert_eq!(
            pod_cells(&dying, now()),
            PodCells { ready: "1/1".into(), status: "Terminating".into(), restarts: "0".into() }
        );
        dying.status.as_mut().expect("status").phase = Some("Succeeded".into());
        assert_eq!(pod_cells(&dying, now()).status, "Succeeded");
    }

    #[test]
    fn completed_and_exit_codes() {
        let p = pod(json!({
            "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
                "containerStatuses": [
                  {"name": "a", "ready": true, "restartCount": 0, "image": "i", "imageID": "", "state": {"running": {}}},
                  {"name": "b", "ready": false, "restartCount": 0, "image": "i", "imageID": "",
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}
        }));
        assert_eq!(
            pod_cells(&p, now()),
            PodCells { ready: "1/2".into(), status: "NotReady".into(), restarts: "0".into() }
        );
        let q = pod(json!({
            "spec": {"containers": [{"name": "a"}]},
            "status": {"phase": "Failed", "containerStatuses": [{"name": "a", "ready": false, "restartCount": 0,
                "image": "i", "imageID": "", "state": {"terminated": {"exitCode": 3}}}]}
        }));
        assert_eq!(pod_cells(&q, now()).status, "ExitCode:3");
    }

    /// Rows for the branches printers_test.go leaves out, derived from printPod itself.
    #[test]
    fn the_printer_rules_rows() {
        let mut n = 0;
        for line in include_str!("testdata/printpod_rules.txt").lines().filter(|l| !l.starts_with('#')) {
            let parts: Vec<&str> = line.split(" | ").collect();
            let [case, json, ready, status, restarts] = parts[..] else { panic!("malformed case: {line}") };
            let expected = PodCells { ready: ready.into(), status: status.trim().into(), restarts: restarts.into() };
            assert_eq!(pod_cells(&printer_fixture(json), now()), expected, "{case}");
            n += 1;
        }
        assert!(n >= 20, "{n} cases");
    }

    #[test]
    fn restart_cells() {
        assert_eq!(restarts_cell(0, Some(100), 200), "0");
        assert_eq!(restarts_cell(2, None, 200), "2");
        assert_eq!(restarts_cell(2, Some(80), 200), "2 (2m ago)");
        assert_eq!(restarts_cell(-1, Some(199), 200), "-1 (1s ago)");
    }
}
