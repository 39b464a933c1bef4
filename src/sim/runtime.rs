//! Kubelet-side state of each simulated pod (which node, what each container is doing,
//! its logs) and the pure projection of that state into the `PodStatus` clients read.
//! The lifecycle engine (`lifecycle.rs`) moves this state; nothing else writes status.

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus, HostIP,
    PodCondition, PodIP, PodReadinessGate, PodStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use tokio::time::Instant;

use std::sync::{Arc, Mutex};

use super::program::{Cursor, Program};
use super::userland::fs::Fs;

/// One line a container wrote.
#[derive(Debug, Clone)]
pub struct LogLine {
    pub at: Timestamp,
    pub text: std::sync::Arc<str>,
}

/// How a container instance ended.
#[derive(Debug, Clone)]
pub struct Term {
    pub code: i32,
    pub reason: String,
    /// The termination message (`terminationMessagePolicy: FallbackToLogsOnError`: the
    /// log's tail when the container failed).
    pub message: Option<String>,
    pub started: Timestamp,
    pub finished: Timestamp,
    pub id: String,
}

impl Term {
    /// An instance stopped from outside that ended cleanly (a pod's deletion, a new image).
    pub fn completed(started: Timestamp, finished: Timestamp, id: &str) -> Self {
        Term { code: 0, reason: "Completed".into(), message: None, started, finished, id: id.into() }
    }
}

#[derive(Debug, Clone)]
pub enum CState {
    /// Not started yet: waits for init containers (`PodInitializing`) or the sandbox.
    Idle,
    /// Sandbox up, image being pulled.
    Creating,
    /// A volume cannot be mounted yet (a missing ConfigMap or Secret); retried.
    Mounting,
    PullError(String),
    PullBackOff,
    /// Image present, but a ConfigMap or Secret the environment needs is missing.
    ConfigError(String),
    Running {
        started: Timestamp,
    },
    /// Exited; `restart` says whether the kubelet will start it again.
    Terminated {
        term: Term,
        restart: bool,
    },
    CrashBackOff {
        delay_secs: u64,
    },
}

/// One container of a simulated pod.
#[derive(Debug, Clone)]
pub struct Ctr {
    pub name: String,
    pub image: String,
    pub program: Program,
    pub state: CState,
    pub last: Option<Term>,
    pub restarts: i32,
    pub started_once: bool,
    /// Logs per instance; the last entry is the current instance.
    pub logs: Vec<Vec<LogLine>>,
    pub next: Option<Instant>,
    pub cursor: Cursor,
    pub pull_failures: u32,
    pub id: String,
    pub image_id: String,
    /// The instance's filesystem, made on first use (exec, probes) and dropped at restart.
    pub fs: Option<Arc<Mutex<Fs>>>,
    /// Filesystem commands the main program has run, applied when the filesystem is next used.
    pub fs_ops: Vec<Vec<String>>,
    /// The main process is a shell reading stdin (`stdin: true`): it waits for an attach.
    pub interactive: bool,
    /// An init container with `restartPolicy: Always`: it keeps running beside the app.
    pub sidecar: bool,
    /// Its probes (startup, readiness, liveness) and their progress.
    pub probes: super::probestate::Probes,
    /// Ready as its readiness probe says (without one: once started).
    pub ready: bool,
    /// Its startup probe has passed (or it has none).
    pub started_ok: bool,
    /// Its program asks for more memory than its limit: the OOM killer ends it.
    pub oom: bool,
    /// `terminationMessagePolicy: FallbackToLogsOnError`.
    pub logs_on_error: bool,
}

impl Ctr {
    pub fn new(name: &str, image: &str, program: Program) -> Self {
        Self {
            name: name.into(),
            image: image.into(),
            program,
            state: CState::Idle,
            last: None,
            restarts: 0,
            started_once: false,
            logs: Vec::new(),
            next: None,
            cursor: Cursor::default(),
            pull_failures: 0,
            id: String::new(),
            image_id: String::new(),
            fs: None,
            fs_ops: Vec::new(),
            interactive: false,
            sidecar: false,
            probes: Default::default(),
            ready: false,
            started_ok: false,
            oom: false,
            logs_on_error: false,
        }
    }

    /// The kubelet's message for an instance that ended with `code`: with the fallback
    /// policy and a failure, the last 80 log lines, at most their last 2048 bytes
    /// (kuberuntime's `readLastStringFromContainerLogs`).
    pub fn termination_message(&self, code: i32) -> Option<String> {
        if !self.logs_on_error || code == 0 {
            return None;
        }
        let lines = self.logs.last()?;
        let tail = &lines[lines.len().saturating_sub(80)..];
        let text: String = tail.iter().flat_map(|l| [&*l.text, "\n"]).collect();
        let mut cut = text.len().saturating_sub(2048);
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        Some(text[cut..].to_string()).filter(|t| !t.is_empty())
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, CState::Running { .. })
    }

    /// Counted in READY: running and passing its readiness probe.
    pub fn is_ready(&self) -> bool {
        self.is_running() && self.ready
    }

    /// An init container that no longer holds up the next one: exited 0, or a sidecar
    /// that has started.
    pub fn init_passed(&self) -> bool {
        if self.sidecar { self.is_running() && self.started_ok } else { self.is_done() && self.exit_code() == Some(0) }
    }

    /// Exited for good (no restart coming).
    pub fn is_done(&self) -> bool {
        matches!(self.state, CState::Terminated { restart: false, .. })
    }

    pub fn exit_code(&self) -> Option<i32> {
        match &self.state {
            CState::Terminated { term, .. } => Some(term.code),
            _ => None,
        }
    }
}

/// Where the pod is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Unscheduled,
    Bound,
    Active,
    Terminating {
        deadline: Instant,
    },
    /// Its node went away; `failed` once the node-lost grace has passed.
    Lost {
        failed: bool,
    },
}

/// An ephemeral container's spec as a container's (the fields they share), so the kubelet
/// and exec treat both alike.
pub fn ephemeral_spec(e: &k8s_openapi::api::core::v1::EphemeralContainer) -> k8s_openapi::api::core::v1::Container {
    k8s_openapi::api::core::v1::Container {
        name: e.name.clone(),
        image: e.image.clone(),
        command: e.command.clone(),
        args: e.args.clone(),
        env: e.env.clone(),
        env_from: e.env_from.clone(),
        volume_mounts: e.volume_mounts.clone(),
        working_dir: e.working_dir.clone(),
        image_pull_policy: e.image_pull_policy.clone(),
        stdin: e.stdin,
        stdin_once: e.stdin_once,
        tty: e.tty,
        ..Default::default()
    }
}

/// Which list of the pod's containers one belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Init,
    Main,
    /// Added later through the `ephemeralcontainers` subresource (`kubectl debug`); never restarted.
    Ephemeral,
}

pub const GROUPS: [Group; 3] = [Group::Init, Group::Main, Group::Ephemeral];

/// What one pod asks of a node: millicores, bytes, one pod slot. Kept with the pod's
/// runtime so the scheduler sums requests without decoding every bound pod.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Request {
    pub milli_cpu: i128,
    pub memory: i128,
}

/// The kubelet's view of one pod.
#[derive(Debug, Clone)]
pub struct PodRuntime {
    pub uid: String,
    pub stage: Stage,
    pub due: Option<Instant>,
    pub node: Option<String>,
    pub host_ip: Option<String>,
    pub pod_ip: Option<String>,
    pub start_time: Option<Timestamp>,
    pub restart_policy: String,
    /// What the pod's containers request, for the scheduler's sums.
    pub request: Request,
    pub init: Vec<Ctr>,
    pub main: Vec<Ctr>,
    pub ephemeral: Vec<Ctr>,
    pub init_failed: bool,
    pub unschedulable: Option<String>,
    /// `(type, status, since)` for each condition, to keep lastTransitionTime honest.
    pub conditions: Vec<(&'static str, &'static str, Timestamp)>,
}

impl PodRuntime {
    /// Nothing is due for this pod: no pod step, container step or probe pending.
    pub fn idle(&self) -> bool {
        self.due.is_none() && self.all().all(|c| c.next.is_none() && c.probes.next_due().is_none())
    }

    pub fn initialized(&self) -> bool {
        self.init.iter().all(Ctr::init_passed)
    }

    pub fn group(&self, g: Group) -> &Vec<Ctr> {
        match g {
            Group::Init => &self.init,
            Group::Main => &self.main,
            Group::Ephemeral => &self.ephemeral,
        }
    }

    pub fn ctr(&self, g: Group, i: usize) -> Option<&Ctr> {
        self.group(g).get(i)
    }

    pub fn ctr_mut(&mut self, g: Group, i: usize) -> Option<&mut Ctr> {
        match g {
            Group::Init => self.init.get_mut(i),
            Group::Main => self.main.get_mut(i),
            Group::Ephemeral => self.ephemeral.get_mut(i),
        }
    }

    /// Every container: app containers, init containers, ephemeral ones.
    pub fn all(&self) -> impl Iterator<Item = &Ctr> {
        self.main.iter().chain(&self.init).chain(&self.ephemeral)
    }

    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Ctr> {
        self.main.iter_mut().chain(self.init.iter_mut()).chain(self.ephemeral.iter_mut())
    }

    pub fn find(&self, name: &str) -> Option<&Ctr> {
        self.all().find(|c| c.name == name)
    }

    pub fn find_mut(&mut self, name: &str) -> Option<&mut Ctr> {
        self.all_mut().find(|c| c.name == name)
    }

    /// Appends a line to a container's current log, as its stdout would.
    pub fn write_log(&mut self, container: &str, text: String) {
        if let Some(cur) = self.find_mut(container).and_then(|c| c.logs.last_mut()) {
            cur.push(LogLine { at: Timestamp::now(), text: text.into() });
        }
    }

    /// The phase the kubelet would report.
    pub fn phase(&self) -> &'static str {
        match self.stage {
            Stage::Lost { failed: true } => return "Failed",
            Stage::Lost { failed: false } => return "Unknown",
            _ => {}
        }
        if self.init_failed {
            return "Failed";
        }
        if self.node.is_none() || !self.initialized() || !self.main.iter().all(|c| c.started_once) {
            return "Pending";
        }
        if self.main.iter().all(Ctr::is_done) {
            let ok = self.main.iter().all(|c| c.exit_code() == Some(0));
            return if ok { "Succeeded" } else { "Failed" };
        }
        "Running"
    }

    fn set_condition(&mut self, kind: &'static str, status: &'static str, now: Timestamp) {
        match self.conditions.iter_mut().find(|(k, _, _)| *k == kind) {
            Some(c) if c.1 != status => {
                c.1 = status;
                c.2 = now;
            }
            Some(_) => {}
            None => self.conditions.push((kind, status, now)),
        }
    }

    fn condition(&self, kind: &str, status: &str, reason: Option<String>, message: Option<String>) -> PodCondition {
        let since = self.conditions.iter().find(|(k, _, _)| *k == kind).map(|c| c.2);
        PodCondition {
            type_: kind.into(),
            status: status.into(),
            last_transition_time: since.map(Time),
            reason,
            message,
            ..Default::default()
        }
    }

    /// Projects this state into the pod's status, keeping `qosClass` from `prev`, whose
    /// conditions also open the pod's readiness `gates` (what else other writers own in
    /// `prev` is carried over by `others::keep`).
    pub fn status(
        &mut self,
        prev: Option<&PodStatus>,
        gates: &[PodReadinessGate],
        pod_ref: &str,
        now: Timestamp,
    ) -> PodStatus {
        let phase = self.phase();
        let mut st = PodStatus {
            phase: Some(phase.into()),
            qos_class: prev.and_then(|p| p.qos_class.clone()),
            ..Default::default()
        };
        if let Some(reason) = self.unschedulable.clone() {
            self.set_condition("PodScheduled", "False", now);
            st.conditions =
                Some(vec![self.condition("PodScheduled", "False", Some("Unschedulable".into()), Some(reason))]);
            return st;
        }
        if self.node.is_none() {
            return st;
        }
        let ready_names: Vec<String> = self
            .init
            .iter()
            .filter(|c| c.sidecar)
            .chain(&self.main)
            .filter(|c| !c.is_ready())
            .map(|c| c.name.clone())
            .collect();
        let unready = format!("containers with unready status: [{}]", ready_names.join(" "));
        let init_pending: Vec<String> = self.init.iter().filter(|c| !c.init_passed()).map(|c| c.name.clone()).collect();
        let lost = matches!(self.stage, Stage::Lost { .. });
        let sandbox = self.stage != Stage::Bound;
        let initialized = self.initialized();
        let all_ready = ready_names.is_empty() && !lost;
        let completed = phase == "Succeeded";
        let ready = if lost {
            "Unknown"
        } else if all_ready {
            "True"
        } else {
            "False"
        };
        let (ready_reason, ready_msg) = match () {
            _ if lost => {
                (Some("NodeStatusUnknown".to_string()), Some("Kubelet stopped posting node status.".to_string()))
            }
            _ if completed => (Some("PodCompleted".into()), None),
            _ if all_ready => (None, None),
            _ => (Some("ContainersNotReady".into()), Some(unready)),
        };
        // Ready also waits for the readiness gates once the containers are ready.
        let gated = if ready == "True" { super::others::unready_gates(gates, prev) } else { None };
        let (pod_ready, pod_ready_reason, pod_ready_msg) = match gated {
            Some(why) => ("False", Some("ReadinessGatesNotReady".to_string()), Some(why)),
            None => (ready, ready_reason.clone(), ready_msg.clone()),
        };
        let tf = |b: bool| if b { "True" } else { "False" };
        let mut conds = Vec::new();
        if sandbox {
            self.set_condition("PodReadyToStartContainers", tf(!completed && phase != "Failed"), now);
            self.set_condition("Initialized", tf(initialized), now);
            self.set_condition("Ready", pod_ready, now);
            self.set_condition("ContainersReady", ready, now);
            conds.push(self.condition("PodReadyToStartContainers", tf(!completed && phase != "Failed"), None, None));
            let (ir, im) = if initialized {
                (if completed && !self.init.is_empty() { Some("PodCompleted".into()) } else { None }, None)
            } else {
                (
                    Some("ContainersNotInitialized".into()),
                    Some(format!("containers with incomplete status: [{}]", init_pending.join(" "))),
                )
            };
            conds.push(self.condition("Initialized", tf(initialized), ir, im));
            conds.push(self.condition("Ready", pod_ready, pod_ready_reason, pod_ready_msg));
            conds.push(self.condition("ContainersReady", ready, ready_reason, ready_msg));
        }
        self.set_condition("PodScheduled", "True", now);
        conds.push(self.condition("PodScheduled", "True", None, None));
        st.conditions = Some(conds);
        if sandbox {
            st.host_ip = self.host_ip.clone();
            st.host_ips = self.host_ip.clone().map(|ip| vec![HostIP { ip }]);
            st.pod_ip = self.pod_ip.clone();
            st.pod_ips = self.pod_ip.clone().map(|ip| vec![PodIP { ip }]);
            st.start_time = self.start_time.map(Time);
            if !self.init.is_empty() {
                st.init_container_statuses =
                    Some(self.init.iter().map(|c| ctr_status(c, !initialized, pod_ref)).collect());
            }
            let waiting_on_init = !initialized;
            st.container_statuses = Some(self.main.iter().map(|c| ctr_status(c, waiting_on_init, pod_ref)).collect());
            if !self.ephemeral.is_empty() {
                // The kubelet's prober marks only regular and init containers ready;
                // a debug container's status always says not ready.
                let not_ready = |c| ContainerStatus { ready: false, ..ctr_status(c, false, pod_ref) };
                st.ephemeral_container_statuses = Some(self.ephemeral.iter().map(not_ready).collect());
            }
        }
        if let Stage::Lost { failed: true } = self.stage {
            st.reason = Some("NodeLost".into());
            st.message = Some(format!(
                "Node {} which was running pod {} is unresponsive",
                self.node.clone().unwrap_or_default(),
                pod_ref.split('_').next().unwrap_or_default()
            ));
        }
        st
    }
}

fn terminated(t: &Term) -> ContainerStateTerminated {
    ContainerStateTerminated {
        exit_code: t.code,
        reason: Some(t.reason.clone()),
        message: t.message.clone(),
        started_at: Some(Time(t.started)),
        finished_at: Some(Time(t.finished)),
        container_id: Some(t.id.clone()),
        ..Default::default()
    }
}

fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting { reason: Some(reason.into()), message }),
        ..Default::default()
    }
}

fn ctr_status(c: &Ctr, before_init: bool, pod_ref: &str) -> ContainerStatus {
    let state = match &c.state {
        CState::Idle if before_init => waiting("PodInitializing", None),
        CState::Idle | CState::Creating | CState::Mounting => waiting("ContainerCreating", None),
        CState::PullError(msg) => waiting("ErrImagePull", Some(msg.clone())),
        CState::PullBackOff => waiting("ImagePullBackOff", Some(format!("Back-off pulling image \"{}\"", c.image))),
        CState::ConfigError(msg) => waiting("CreateContainerConfigError", Some(msg.clone())),
        CState::Running { started } => ContainerState {
            running: Some(ContainerStateRunning { started_at: Some(Time(*started)) }),
            ..Default::default()
        },
        CState::Terminated { term, .. } => ContainerState { terminated: Some(terminated(term)), ..Default::default() },
        CState::CrashBackOff { delay_secs } => waiting(
            "CrashLoopBackOff",
            Some(format!("back-off {delay_secs}s restarting failed container={} pod={pod_ref}", c.name)),
        ),
    };
    let has_id = !c.id.is_empty();
    ContainerStatus {
        name: c.name.clone(),
        image: normalize_image(&c.image),
        image_id: c.image_id.clone(),
        container_id: has_id.then(|| c.id.clone()),
        ready: c.is_ready(),
        restart_count: c.restarts,
        started: Some(c.is_running() && c.started_ok),
        state: Some(state),
        last_state: Some(ContainerState { terminated: c.last.as_ref().map(terminated), ..Default::default() }),
        ..Default::default()
    }
}

/// The fully qualified reference a container runtime reports: `nginx` -> `docker.io/library/nginx:latest`.
pub fn normalize_image(image: &str) -> String {
    let (name, tag) = match image.rsplit_once('/') {
        Some((_, last)) if last.contains(':') || last.contains('@') => (image.to_string(), ""),
        None if image.contains(':') || image.contains('@') => (image.to_string(), ""),
        _ => (image.to_string(), ":latest"),
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry = name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full = if has_registry {
        name
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    format!("{full}{tag}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_normalization() {
        assert_eq!(normalize_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalize_image("nginx:1.14.2"), "docker.io/library/nginx:1.14.2");
        assert_eq!(normalize_image("bitnami/redis:7"), "docker.io/bitnami/redis:7");
        assert_eq!(normalize_image("quay.io/x/y:1"), "quay.io/x/y:1");
    }

    fn logged(lines: &[&str], logs_on_error: bool) -> Ctr {
        let mut c = Ctr::new("app", "busybox", Program::waiting());
        c.logs_on_error = logs_on_error;
        c.logs.push(lines.iter().map(|t| LogLine { at: Timestamp::now(), text: (*t).into() }).collect());
        c
    }

    /// kuberuntime: only a failed container under FallbackToLogsOnError gets its log's
    /// tail, 80 lines and then at most the last 2048 bytes of them.
    #[test]
    fn the_termination_message_falls_back_to_the_logs_tail() {
        assert_eq!(logged(&["a", "b"], true).termination_message(3).as_deref(), Some("a\nb\n"));
        assert_eq!(logged(&["a", "b"], true).termination_message(0), None);
        assert_eq!(logged(&["a", "b"], false).termination_message(3), None);
        assert_eq!(logged(&[], true).termination_message(1), None);
        let many: Vec<String> = (0..100).map(|i| format!("line {i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let tail = logged(&refs, true).termination_message(1).unwrap_or_default();
        assert!(tail.starts_with("line 20\n") && tail.ends_with("line 99\n"), "{tail}");
        let long = "x".repeat(1500);
        let tail = logged(&[&long, &long], true).termination_message(1).unwrap_or_default();
        assert_eq!(tail.len(), 2048);
        assert!(tail.ends_with(&format!("{long}\n")));
        let wide = "é".repeat(1100);
        let tail = logged(&[&wide], true).termination_message(1).unwrap_or_default();
        assert!(tail.len() <= 2048 && tail.ends_with("é\n"), "cut on a character boundary");
    }
}
