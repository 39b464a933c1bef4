//! The kubelet's prober: startup, readiness and liveness probes (exec, httpGet,
//! tcpSocket) run against the container's userland on their `initialDelaySeconds` /
//! `periodSeconds`, counted against `successThreshold` / `failureThreshold`. Readiness
//! decides READY; a failed liveness or startup probe kills the container, which restarts.
//! Each failure is a `Warning Unhealthy` event worded as the kubelet words it.

use std::collections::VecDeque;
use std::time::Duration;

use futures::FutureExt;
use k8s_openapi::api::core::v1::{Container, Pod, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use tokio::time::Instant;

use super::events::Note;
use super::podstate::{field_path, record};
use super::probestate::{KINDS, Kind, secs};
use super::store::{Key, Store};
use super::timing::Timing;
use super::userland::io::{Sink, Source};
use super::userland::process::{Host, Shell};
use super::userland::web::{self, Request};

/// Lines servers of the pod log while answering a probe: `(container, line)`.
type Logged = Vec<(String, String)>;

/// Collects what an exec probe's command has servers log, to write once the probe is counted.
struct Collect(std::sync::Mutex<Logged>);

impl Host for Collect {
    fn log_line(&self, container: &str, line: String) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push((container.to_string(), line));
    }
}

fn port_number(port: &IntOrString, c: &Container) -> i32 {
    match port {
        IntOrString::Int(n) => *n,
        IntOrString::String(name) => {
            c.ports.iter().flatten().find(|p| p.name.as_deref() == Some(name)).map_or(0, |p| p.container_port)
        }
    }
}

/// One probe of one container that is due now.
struct Due<'a> {
    key: &'a Key,
    pod: &'a Pod,
    c: &'a Container,
    kind: Kind,
    probe: Probe,
    /// The node, which the kubelet's events name.
    host: Option<String>,
}

/// Runs one probe; `Err` carries the failure message the kubelet reports. Lines the
/// container's server logs while answering go to `logs`.
fn check(store: &mut Store, due: &Due, logs: &mut Logged) -> Result<(), String> {
    let Due { key, pod, c, probe, .. } = due;
    let Ok(super::stream::Opened { ctr, fs, network, .. }) = super::stream::open_container(store, key, &c.name) else {
        return Err("container is not running".into());
    };
    let ip = ctr.pod_ip.clone();
    let refused = |port: i32| format!("dial tcp {ip}:{port}: connect: connection refused");
    if let Some(action) = &probe.exec {
        let argv = action.command.clone().unwrap_or_default();
        let host = std::sync::Arc::new(Collect(Default::default()));
        let mut sh = Shell::new(ctr, fs, host.clone(), "sh", 99);
        sh.network = network;
        // The kubelet reports stdout and stderr together, in the order written.
        let mut out = Sink::buffer();
        let mut err = out.share();
        let mut stdin = Source::Bytes(VecDeque::new());
        let run = super::userland::shell::run_command(&mut sh, &argv, &mut stdin, &mut out, &mut err);
        // A probe command finishes at once or not within its timeout (only `sleep` waits).
        let code = run.now_or_never();
        logs.append(&mut host.0.lock().unwrap_or_else(|e| e.into_inner()));
        return match code {
            None => Err(format!("command \"{}\" timed out", argv.join(" "))),
            Some(0) => Ok(()),
            Some(_) => Err(String::from_utf8_lossy(&out.take_buffer()).into_owned()),
        };
    }
    if let Some(http) = &probe.http_get {
        let port = port_number(&http.port, c);
        let path = http.path.clone().unwrap_or_else(|| "/".into());
        let scheme = http.scheme.clone().unwrap_or_else(|| "HTTP".into()).to_lowercase();
        let url = format!("{scheme}://{ip}:{port}{path}");
        let server = u16::try_from(port).ok().and_then(|p| web::listening(&network, p)).filter(|_| scheme == "http");
        let Some(server) = server else { return Err(format!("Get \"{url}\": {}", refused(port))) };
        let req = Request { method: "GET".into(), path, user_agent: "kube-probe/1.33".into() };
        return match server.answer(&req, &node_ip(pod)) {
            Some(r) => {
                logs.push((server.ctr.name.clone(), r.log));
                if (200..400).contains(&r.status) {
                    Ok(())
                } else {
                    Err(format!("HTTP probe failed with statuscode: {}", r.status))
                }
            }
            None => Err(format!("Get \"{url}\": {}", refused(port))),
        };
    }
    if let Some(tcp) = &probe.tcp_socket {
        let port = port_number(&tcp.port, c);
        let open = u16::try_from(port).ok().and_then(|p| web::listening(&network, p)).is_some();
        return if open { Ok(()) } else { Err(refused(port)) };
    }
    Ok(())
}

fn node_ip(pod: &Pod) -> String {
    pod.status.as_ref().and_then(|s| s.host_ip.clone()).unwrap_or_else(|| "10.0.0.1".into())
}

/// Runs every probe of the pod that is due at `now` and applies the results.
pub fn run_due(store: &mut Store, key: &Key, now: Instant, timing: &Timing) {
    let Some(pod) = store.pods.shared(key) else { return };
    let Some(spec) = pod.spec.clone() else { return };
    let host = store.runtime.get(key).and_then(|rt| rt.node.clone());
    let containers: Vec<&Container> = spec.init_containers.iter().flatten().chain(&spec.containers).collect();
    for c in containers {
        for kind in KINDS {
            let ctr = store.runtime.get(key).and_then(|rt| rt.find(&c.name)).filter(|x| x.is_running());
            let slot = ctr.map(|x| &x.probes.slots[kind as usize]);
            let Some(probe) = slot.filter(|s| s.next.is_some_and(|t| t <= now)).and_then(|s| s.spec.as_deref()) else {
                continue;
            };
            let due = Due { key, pod: &pod, c, kind, probe: probe.clone(), host: host.clone() };
            let mut logs = Vec::new();
            let result = check(store, &due, &mut logs);
            apply(store, &due, result, logs, now, timing);
        }
    }
}

/// Counts a probe's result: readiness, a started container, or a kill; events for failures.
fn apply(store: &mut Store, due: &Due, result: Result<(), String>, logs: Logged, now: Instant, timing: &Timing) {
    let Due { key, pod, c, kind, probe, .. } = due;
    let (kind, host) = (*kind, due.host.as_ref());
    let mut notes = Vec::new();
    let mut kill = None;
    {
        let Some(rt) = store.runtime.get_mut(key) else { return };
        for (container, line) in logs {
            rt.write_log(&container, line);
        }
        let Some(x) = rt.find_mut(&c.name) else { return };
        let slot = &mut x.probes.slots[kind as usize];
        slot.next = Some(now + secs(probe.period_seconds, 10).max(Duration::from_millis(200)));
        let path = field_path(pod, &c.name);
        match result {
            Ok(()) => {
                slot.fails = 0;
                slot.oks += 1;
                if slot.oks >= probe.success_threshold.unwrap_or(1) {
                    match kind {
                        Kind::Startup if !x.started_ok => {
                            x.started_ok = true;
                            x.probes.slots[0].next = None;
                            x.probes.open_after_startup(now);
                            x.ready = !x.probes.has_readiness();
                        }
                        Kind::Readiness => x.ready = true,
                        _ => {}
                    }
                }
            }
            Err(msg) => {
                slot.oks = 0;
                slot.fails += 1;
                let failed = slot.fails >= probe.failure_threshold.unwrap_or(3);
                notes.push(
                    Note::kubelet(
                        host,
                        "Unhealthy",
                        Some(path.clone()),
                        format!("{} probe failed: {msg}", kind.word()),
                    )
                    .warn(),
                );
                match kind {
                    Kind::Readiness if failed => x.ready = false,
                    Kind::Liveness | Kind::Startup if failed => {
                        let word = kind.word().to_lowercase();
                        notes.push(Note::kubelet(
                            host,
                            "Killing",
                            Some(path),
                            format!("Container {} failed {word} probe, will be restarted", c.name),
                        ));
                        x.probes.stop();
                        let server = super::program::image_base(x.image.as_str());
                        kill = Some(if matches!(server, "nginx" | "httpd") { 0 } else { 137 });
                    }
                    _ => {}
                }
            }
        }
    }
    for n in notes {
        record(store, pod, n);
    }
    if let Some(code) = kill {
        let reason = if code == 0 { "Completed" } else { "Error" };
        super::kubelet::process_ended(store, key, &c.name, code, reason, timing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_ports_resolve_through_the_container() {
        let c = Container {
            ports: Some(vec![k8s_openapi::api::core::v1::ContainerPort {
                name: Some("http".into()),
                container_port: 80,
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert_eq!(port_number(&IntOrString::String("http".into()), &c), 80);
        assert_eq!(port_number(&IntOrString::String("nope".into()), &c), 0);
        assert_eq!(port_number(&IntOrString::Int(8080), &c), 8080);
    }
}
