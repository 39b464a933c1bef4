//! `tail`: the logs of every matching pod's containers at once, as stern shows them. A
//! self-healing pod watch decides the set: a container is followed from the moment it
//! has started (again after each restart), and dropped when its pod goes, including pods
//! that went while the watch was reconnecting. Each log stream reconnects after a drop
//! from the last line's timestamp, so nothing is printed twice. Lines are prefixed
//! `pod/container` in a colour that stays with the pod; Ctrl-C ends it.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use k8s_openapi::jiff::Timestamp;
use kube::api::LogParams;
use kube::runtime::watcher::Event;
use nu_ansi_term::Color;
use regex::Regex;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::{Io, emit};
use crate::cluster::Cluster;
use crate::command::parse::Tail;
use crate::error::{Error, Result};
use crate::session::Session;
use crate::settings::Settings;

const PALETTE: &[Color] = &[
    Color::Cyan,
    Color::Green,
    Color::Magenta,
    Color::Yellow,
    Color::Blue,
    Color::LightRed,
    Color::LightCyan,
    Color::LightGreen,
];

/// A colour that stays with a pod name (FNV-1a, so it is the same in every run).
fn colour_of(pod: &str) -> Color {
    let hash = pod.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    PALETTE[(hash % PALETTE.len() as u64) as usize]
}

/// What selects pods and containers.
struct Filter {
    pods: Option<Regex>,
    containers: Option<Regex>,
}

fn regex(text: Option<&str>) -> Result<Option<Regex>> {
    text.map(|t| Regex::new(t).map_err(|e| Error::msg(format!("not a regular expression: {t:?}: {e}")))).transpose()
}

/// Where a container's log is, and how its lines are shown.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    ns: String,
    pod: String,
    container: String,
}

/// A container being followed: the instance (restart count) and its stream task.
struct Followed {
    restarts: i32,
    task: AbortHandle,
}

/// The set of followed containers and the tasks streaming them.
struct Followers {
    cluster: Cluster,
    filter: Filter,
    since: Option<i64>,
    colour: bool,
    all_namespaces: bool,
    tx: mpsc::Sender<String>,
    tasks: JoinSet<()>,
    followed: HashMap<Key, Followed>,
}

fn started(cs: &ContainerStatus) -> bool {
    cs.state.as_ref().is_some_and(|s| s.running.is_some() || s.terminated.is_some())
}

impl Followers {
    fn prefix(&self, k: &Key) -> String {
        let text = if self.all_namespaces {
            format!("{}/{}/{}", k.ns, k.pod, k.container)
        } else {
            format!("{}/{}", k.pod, k.container)
        };
        if self.colour { format!("{} ", colour_of(&k.pod).paint(text)) } else { format!("{text} ") }
    }

    /// Starts streams for the pod's started containers not followed in this instance.
    fn pod(&mut self, pod: &Pod) {
        let (Some(ns), Some(name)) = (pod.metadata.namespace.clone(), pod.metadata.name.clone()) else { return };
        if self.filter.pods.as_ref().is_some_and(|r| !r.is_match(&name)) {
            return;
        }
        let Some(status) = pod.status.as_ref() else { return };
        let all = [&status.init_container_statuses, &status.container_statuses, &status.ephemeral_container_statuses];
        for cs in all.into_iter().flatten().flatten() {
            if !started(cs) || self.filter.containers.as_ref().is_some_and(|r| !r.is_match(&cs.name)) {
                continue;
            }
            let key = Key { ns: ns.clone(), pod: name.clone(), container: cs.name.clone() };
            let first = match self.followed.get(&key) {
                Some(f) if f.restarts == cs.restart_count => continue,
                Some(f) => {
                    f.task.abort();
                    false
                }
                None => true,
            };
            let since = if first { self.since } else { None };
            let task =
                self.tasks.spawn(stream(self.cluster.clone(), key.clone(), since, self.prefix(&key), self.tx.clone()));
            self.followed.insert(key, Followed { restarts: cs.restart_count, task });
        }
    }

    /// Stops following the containers of pods that are gone (`keep` says which remain).
    fn retain(&mut self, keep: impl Fn(&str, &str) -> bool) {
        self.followed.retain(|k, f| {
            let kept = keep(&k.ns, &k.pod);
            if !kept {
                f.task.abort();
            }
            kept
        });
        while self.tasks.try_join_next().is_some() {}
    }
}

/// Where a stream got to: the last line's timestamp and how many lines carried it, so a
/// reconnection (from that second on) can skip what was already printed.
#[derive(Debug, Default, Clone, Copy)]
struct Mark {
    last: Option<Timestamp>,
    at_last: usize,
}

/// One connection's view of the lines already printed before it.
struct Resume {
    before: Option<Timestamp>,
    equal_left: usize,
}

impl Resume {
    fn from(mark: Mark) -> Self {
        Resume { before: mark.last, equal_left: mark.at_last }
    }

    /// Whether a line stamped `at` was printed by an earlier connection.
    fn seen(&mut self, at: Option<Timestamp>) -> bool {
        let (Some(at), Some(before)) = (at, self.before) else { return false };
        if at < before {
            return true;
        }
        if at == before && self.equal_left > 0 {
            self.equal_left -= 1;
            return true;
        }
        self.before = None;
        false
    }
}

/// Sends one container's log lines, prefixed, until it ends; reconnects after a drop
/// from the last timestamp seen.
async fn stream(cluster: Cluster, key: Key, since: Option<i64>, prefix: String, tx: mpsc::Sender<String>) {
    let mut mark = Mark::default();
    let mut failures = 0;
    loop {
        let lp = LogParams {
            container: Some(key.container.clone()),
            follow: true,
            timestamps: true,
            since_seconds: if mark.last.is_none() { since } else { None },
            since_time: mark.last,
            ..LogParams::default()
        };
        let mut chunks = match cluster.logs(&key.ns, &key.pod, &lp).await {
            Ok(s) => s,
            Err(e) if e.not_found() || failures >= 5 => return,
            Err(_) => {
                failures += 1;
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let mut resume = Resume::from(mark);
        let mut pending: Vec<u8> = Vec::new();
        let mut dropped = false;
        while let Some(chunk) = chunks.next().await {
            let Ok(bytes) = chunk else {
                dropped = true;
                break;
            };
            pending.extend_from_slice(&bytes);
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                if !send(&String::from_utf8_lossy(&line), &mut mark, &mut resume, &prefix, &tx).await {
                    return;
                }
            }
        }
        if !dropped {
            if !pending.is_empty() {
                send(&String::from_utf8_lossy(&pending), &mut mark, &mut resume, &prefix, &tx).await;
            }
            return;
        }
        failures = 0;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sends one timestamped line unless an earlier connection already sent it; false when
/// nobody listens any more.
async fn send(line: &str, mark: &mut Mark, resume: &mut Resume, prefix: &str, tx: &mpsc::Sender<String>) -> bool {
    let line = line.trim_end_matches('\n');
    let (at, text) = match line.split_once(' ').map(|(t, rest)| (t.parse::<Timestamp>(), rest)) {
        Some((Ok(t), rest)) => (Some(t), rest),
        _ => (None, line),
    };
    if resume.seen(at) {
        return true;
    }
    if let Some(t) = at {
        if mark.last == Some(t) {
            mark.at_last += 1;
        } else {
            *mark = Mark { last: Some(t), at_last: 1 };
        }
    }
    tx.send(format!("{prefix}{text}\n")).await.is_ok()
}

pub async fn tail(session: &mut Session, settings: &Settings, t: Tail, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&t.scope).await?;
    let filter = Filter { pods: regex(t.pods.as_deref())?, containers: regex(t.containers.as_deref())? };
    let namespace = (!t.all_namespaces).then_some(ns);
    let (tx, mut rx) = mpsc::channel::<String>(1024);
    let mut followers = Followers {
        cluster: cluster.clone(),
        filter,
        since: t.since,
        colour: settings.color && io.out_is_terminal && std::env::var_os("NO_COLOR").is_none(),
        all_namespaces: t.all_namespaces,
        tx,
        tasks: JoinSet::new(),
        followed: HashMap::new(),
    };
    let mut watch = cluster.follow_selected_pods(namespace.as_deref(), t.selector.as_deref()).boxed();
    // Pods listed since the watch (re)started: the others went while it was away.
    let mut relisted: Option<HashSet<(String, String)>> = None;
    let mut warned = false;
    loop {
        tokio::select! {
            ev = watch.next() => match ev {
                None => return Ok(()),
                Some(Err(e)) => {
                    if !warned {
                        emit(io.err, &format!("tail: the pod watch dropped ({e}); reconnecting\n"))?;
                        warned = true;
                    }
                }
                Some(Ok(ev)) => {
                    warned = false;
                    match ev {
                        Event::Init => relisted = Some(HashSet::new()),
                        Event::InitApply(p) => {
                            if let (Some(seen), Some(ns), Some(name)) = (relisted.as_mut(), &p.metadata.namespace, &p.metadata.name) {
                                seen.insert((ns.clone(), name.clone()));
                            }
                            followers.pod(&p);
                        }
                        Event::InitDone => {
                            if let Some(seen) = relisted.take() {
                                followers.retain(|ns, pod| seen.contains(&(ns.to_string(), pod.to_string())));
                            }
                        }
                        Event::Apply(p) => followers.pod(&p),
                        Event::Delete(p) => {
                            let (ns, name) = (p.metadata.namespace.unwrap_or_default(), p.metadata.name.unwrap_or_default());
                            followers.retain(|n, pod| !(n == ns && pod == name));
                        }
                    }
                }
            },
            Some(line) = rx.recv() => emit(io.out, &line)?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_keeps_its_colour() {
        assert_eq!(colour_of("web-1"), colour_of("web-1"));
        let distinct: HashSet<String> =
            ["a", "b", "c", "d", "e", "f", "g", "h"].iter().map(|p| format!("{:?}", colour_of(p))).collect();
        assert!(distinct.len() > 3, "names spread over the palette: {distinct:?}");
    }

    #[tokio::test]
    async fn reconnected_lines_are_not_repeated() {
        let (tx, mut rx) = mpsc::channel(16);
        let mut mark = Mark::default();
        let first = ["2026-11-29T01:00:00Z a", "2026-11-29T01:00:01Z b", "2026-11-29T01:00:01Z c"];
        let mut resume = Resume::from(mark);
        for l in first {
            assert!(send(l, &mut mark, &mut resume, "p/c ", &tx).await);
        }
        // The connection drops; the next one starts at the last second again.
        let mut resume = Resume::from(mark);
        for l in
            ["2026-11-29T01:00:01Z b", "2026-11-29T01:00:01Z c", "2026-11-29T01:00:01Z d", "2026-11-29T01:00:02Z e"]
        {
            assert!(send(l, &mut mark, &mut resume, "p/c ", &tx).await);
        }
        assert!(send("no stamp", &mut mark, &mut resume, "p/c ", &tx).await);
        drop(tx);
        let mut got = Vec::new();
        while let Some(l) = rx.recv().await {
            got.push(l);
        }
        assert_eq!(got, ["p/c a\n", "p/c b\n", "p/c c\n", "p/c d\n", "p/c e\n", "p/c no stamp\n"]);
    }
}
