//! The streaming subresources of a pod: `exec` and `attach` (remote command over a
//! WebSocket, `session.rs`) and `portforward` (SPDY in a WebSocket, `portforward.rs`). A request is checked against the store
//! first (pod, container, running) and refused with the API server's Status; then the
//! connection is upgraded and the process runs in the container's userland.

mod context;
mod link;
mod portforward;
mod session;
mod spdy;
mod spdy_exec;
mod tty;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

pub use context::{Opened, Refusal};
use session::{Ending, Ends, STDERR, STDOUT, Streams};

use super::program::SHELLS;
use super::request::query_pairs;
use super::shared::Shared;
use super::status::ApiError;
use super::store::Key;
use super::userland::fs::Fs;
use super::userland::io::{Inbox, Sink, Source};
use super::userland::process::{Host, Shell};
use super::userland::seed::Container;
use super::userland::shell::run_command;
use super::userland::web::Served;

/// A running container's userland facts and filesystem (for the prober).
pub fn open_container(store: &mut super::store::Store, key: &Key, name: &str) -> Result<Opened, Refusal> {
    context::open(store, key, Some(name), false, "")
}

/// The pod subresources served here.
pub const SUBRESOURCES: [&str; 3] = ["exec", "attach", "portforward"];

/// `(namespace, pod, subresource)` when the path is a streaming subresource.
pub fn target(path: &str) -> Option<(String, String, String)> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match segs.as_slice() {
        ["", "api", "v1", "namespaces", ns, "pods", name, sub] if SUBRESOURCES.contains(sub) => {
            Some((ns.to_string(), name.to_string(), sub.to_string()))
        }
        _ => None,
    }
}

fn flag(pairs: &[(String, String)], name: &str) -> bool {
    pairs.iter().any(|(k, v)| k == name && matches!(v.as_str(), "true" | "1"))
}

fn refusal(r: Refusal, pod: &str) -> ApiError {
    match r {
        Refusal::NoPod => ApiError::not_found("pods", pod),
        Refusal::NoContainer(c) => ApiError::bad_request(format!("container {c} is not valid for pod {pod}")),
        Refusal::NotRunning(c) => {
            ApiError::bad_request(format!("unable to upgrade connection: container not found (\"{c}\")"))
        }
        Refusal::Completed(phase) => {
            ApiError::bad_request(format!("cannot exec into a container in a completed pod; current phase is {phase}"))
        }
    }
}

/// Serves a streaming subresource request.
pub async fn serve(shared: Arc<Shared>, mut parts: Parts, ns: String, pod: String, sub: String) -> Response {
    let pairs = query_pairs(parts.uri.query());
    let streams = Streams {
        stdin: flag(&pairs, "stdin"),
        stdout: flag(&pairs, "stdout"),
        stderr: flag(&pairs, "stderr"),
        tty: flag(&pairs, "tty"),
    };
    let container = pairs.iter().find(|(k, _)| k == "container").map(|(_, v)| v.clone());
    let argv: Vec<String> = pairs.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.clone()).collect();
    if sub == "exec" && argv.is_empty() {
        return ApiError::bad_request("you must specify at least 1 command").into_response();
    }
    let key: Key = (ns, pod.clone());
    let opened = {
        let mut store = shared.lock();
        context::open(&mut store, &key, container.as_deref(), streams.tty, &shared.ca_pem)
    };
    let Opened { ctr, fs, interactive, network } = match opened {
        Ok(o) => o,
        Err(r) => return refusal(r, &pod).into_response(),
    };
    let target = Target { shared, key, ctr, fs, network };
    let job = Job { sub, streams, argv, interactive };
    if wants_spdy(&parts) {
        return spdy_upgrade(parts, target, job);
    }
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(u) => u,
        Err(_) => return ApiError::bad_request("Upgrade request required").into_response(),
    };
    let Job { sub, streams, argv, interactive } = job;
    if sub == "portforward" {
        return upgrade
            .protocols([portforward::TUNNEL])
            .on_upgrade(move |socket| async move {
                let host = log_host(&target);
                let (rx, tx) = link::websocket(socket);
                portforward::run(rx, tx, target, &host).await
            })
            .into_response();
    }
    let upgrade = upgrade.protocols(session::PROTOCOLS);
    upgrade
        .on_upgrade(move |socket| async move {
            let shown = argv.clone();
            match sub.as_str() {
                "exec" => session::run(socket, streams, shown, move |ends| exec(target, streams, argv, ends)).await,
                _ if interactive => {
                    session::run(socket, streams, shown, move |ends| attach_shell(target, streams, ends)).await
                }
                _ => session::run(socket, streams, shown, move |ends| attach_output(target, ends)).await,
            }
        })
        .into_response()
}

/// What the upgraded connection is for.
struct Job {
    sub: String,
    streams: Streams,
    argv: Vec<String>,
    interactive: bool,
}

fn wants_spdy(parts: &Parts) -> bool {
    parts.headers.get("upgrade").and_then(|v| v.to_str().ok()).is_some_and(|u| u.eq_ignore_ascii_case("SPDY/3.1"))
}

/// Upgrades to plain SPDY, choosing the first stream protocol both sides speak, and runs
/// the job over it once the client has switched.
fn spdy_upgrade(mut parts: Parts, target: Target, job: Job) -> Response {
    let offered: Vec<String> = parts
        .headers
        .get_all("x-stream-protocol-version")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let served: &[&str] = if job.sub == "portforward" { &[portforward::PROTOCOL] } else { &spdy_exec::PROTOCOLS };
    let Some(chosen) = served.iter().find(|p| offered.iter().any(|o| o == *p)) else {
        return ApiError::bad_request(format!(
            "unable to upgrade: unable to negotiate protocol: client supports {offered:?}, server supports {served:?}"
        ))
        .into_response();
    };
    let Some(on_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
        return ApiError::bad_request("Upgrade request required").into_response();
    };
    tokio::spawn(async move {
        let Ok(io) = on_upgrade.await else { return };
        let (rx, tx) = link::upgraded(io);
        let Job { sub, streams, argv, interactive } = job;
        let shown = argv.clone();
        match sub.as_str() {
            "portforward" => {
                let host = log_host(&target);
                portforward::run(rx, tx, target, &host).await
            }
            "exec" => spdy_exec::run(rx, tx, streams, shown, move |ends| exec(target, streams, argv, ends)).await,
            _ if interactive => {
                spdy_exec::run(rx, tx, streams, shown, move |ends| attach_shell(target, streams, ends)).await
            }
            _ => spdy_exec::run(rx, tx, streams, shown, move |ends| attach_output(target, ends)).await,
        }
    });
    Response::builder()
        .status(axum::http::StatusCode::SWITCHING_PROTOCOLS)
        .header("connection", "Upgrade")
        .header("upgrade", "SPDY/3.1")
        .header("x-stream-protocol-version", *chosen)
        .body(axum::body::Body::empty())
        .unwrap_or_else(|_| ApiError::bad_request("upgrade failed").into_response())
}

/// The container a session runs in.
struct Target {
    shared: Arc<Shared>,
    key: Key,
    ctr: Arc<Container>,
    fs: Arc<Mutex<Fs>>,
    network: Arc<Vec<Served>>,
}

/// Writes to the logs of the pod's containers (a server's access log goes to stdout).
struct LogHost {
    shared: Arc<Shared>,
    key: Key,
}

impl Host for LogHost {
    fn log_line(&self, container: &str, text: String) {
        if let Some(rt) = self.shared.lock().runtime.get_mut(&self.key) {
            rt.write_log(container, text);
        }
        self.shared.bump();
    }
}

static NEXT_PID: AtomicU32 = AtomicU32::new(7);

fn log_host(t: &Target) -> LogHost {
    LogHost { shared: t.shared.clone(), key: t.key.clone() }
}

fn shell_for(t: &Target, name: &str, width: Option<usize>) -> Shell {
    let host = Arc::new(log_host(t));
    let pid = NEXT_PID.fetch_add(6, Ordering::Relaxed) % 30_000 + 7;
    let mut sh = Shell::new(t.ctr.clone(), t.fs.clone(), host, name, pid);
    sh.columns = width;
    sh.network = t.network.clone();
    sh
}

/// Where the process's output goes: nowhere for a stream the client did not ask for,
/// and stderr into stdout on a terminal.
fn sinks(ends: &Ends, streams: Streams) -> (Sink, Sink) {
    let remote = |stream| Sink::Remote { tx: ends.frames.clone(), stream, tty: streams.tty };
    let out = if streams.stdout { remote(STDOUT) } else { Sink::Null };
    let err = match (streams.tty, streams.stderr) {
        (true, _) if streams.stdout => remote(STDOUT),
        (false, true) => remote(STDERR),
        _ => Sink::Null,
    };
    (out, err)
}

/// A process started by `exec`: one program, or a shell (interactive on a terminal,
/// reading piped stdin, or running `-c`), as the shell it is.
async fn exec(t: Target, streams: Streams, argv: Vec<String>, ends: Ends) -> Ending {
    let mut sh = shell_for(&t, "sh", ends.width);
    sh.tty = streams.tty;
    if sh.which(&argv[0]).is_none() {
        return Ending::Failed(format!(
            "Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown",
            argv[0]
        ));
    }
    let (mut out, mut err) = sinks(&ends, streams);
    let mut inbox = Inbox::new(ends.input);
    let mut stdin = if streams.stdin { Source::Remote(&mut inbox) } else { Source::Empty };
    Ending::Exit(run_command(&mut sh, &argv, &mut stdin, &mut out, &mut err).await)
}

/// Attaching to a container whose main process is a shell reading stdin: the session
/// types into that shell; when it exits, so does the container.
async fn attach_shell(t: Target, streams: Streams, ends: Ends) -> Ending {
    let name = t.ctr.main.first().map(|m| m.rsplit('/').next().unwrap_or(m).to_string()).unwrap_or_else(|| "sh".into());
    let name = if SHELLS.contains(&name.as_str()) { name } else { "sh".into() };
    let mut sh = shell_for(&t, &name, ends.width);
    sh.pid = 1;
    let (mut out, mut err) = sinks(&ends, streams);
    let mut inbox = Inbox::new(ends.input);
    let mut stdin = Source::Remote(&mut inbox);
    let code = sh.interact(&mut stdin, &mut out, &mut err, streams.tty).await;
    let stdin_once = {
        let store = t.shared.lock();
        store
            .pods
            .get(&t.key)
            .and_then(|p| p.spec)
            .and_then(|s| s.containers.into_iter().find(|c| c.name == t.ctr.name))
            .and_then(|c| c.stdin_once)
            .unwrap_or(false)
    };
    if sh.exited.is_some() || stdin_once {
        let mut store = t.shared.lock();
        let reason = if code == 0 { "Completed" } else { "Error" };
        super::kubelet::process_ended(&mut store, &t.key, &t.ctr.name, code, reason, &t.shared.timing);
        t.shared.committed(store);
    }
    Ending::Exit(0)
}

/// Attaching to any other container: its output from now on, until it stops or the
/// client leaves.
async fn attach_output(t: Target, ends: Ends) -> Ending {
    let mut changes = t.shared.changes();
    let mut inbox = Inbox::new(ends.input);
    let position = |t: &Target| {
        let store = t.shared.lock();
        let c = store.runtime.get(&t.key).and_then(|rt| rt.find(&t.ctr.name));
        c.map(|c| (c.logs.len(), c.logs.last().map_or(0, Vec::len), c.is_running()))
    };
    let Some((instance, mut seen, _)) = position(&t) else { return Ending::Exit(0) };
    loop {
        let fresh: Vec<String> = {
            let store = t.shared.lock();
            let c = store.runtime.get(&t.key).and_then(|rt| rt.find(&t.ctr.name));
            match c.and_then(|c| c.logs.get(instance - 1)) {
                Some(lines) => lines.iter().skip(seen).map(|l| format!("{}\n", l.text)).collect(),
                None => Vec::new(),
            }
        };
        seen += fresh.len();
        for line in fresh {
            let _ = ends.frames.send((STDOUT, line.into_bytes()));
        }
        match position(&t) {
            Some((n, _, running)) if n == instance && running => {}
            _ => return Ending::Exit(0),
        }
        tokio::select! {
            r = changes.changed() => if r.is_err() { return Ending::Exit(0) },
            gone = client_gone(&mut inbox) => if gone { return Ending::Exit(0) },
        }
    }
}

/// Waits for input (discarded: nothing reads it) and says whether the client has gone.
async fn client_gone(inbox: &mut Inbox) -> bool {
    let _ = inbox.line().await;
    inbox.is_closed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_paths_and_queries() {
        assert_eq!(
            target("/api/v1/namespaces/default/pods/nginx/exec"),
            Some(("default".into(), "nginx".into(), "exec".into()))
        );
        assert_eq!(target("/api/v1/namespaces/default/pods/nginx/log"), None);
        assert_eq!(target("/api/v1/pods/nginx/exec"), None);
        let q = query_pairs(Some("command=sh&stdin=true&tty=1&stdout=false"));
        assert!(flag(&q, "stdin") && flag(&q, "tty") && !flag(&q, "stdout") && !flag(&q, "stderr"));
    }
}
