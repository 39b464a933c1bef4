//! Many watchers under churn: `n` watches of one namespace while pods are created at
//! `RATE` a second and each deleted a second later. Every watcher must see the same
//! events in the same order (or be told 410 Gone); the latency of each ADDED is measured
//! from just before its create request was sent. With `PODSH_CHURN_DEBUG` set it also
//! lists the slowest pods, fastest and slowest watcher each: late for every watcher alike
//! means the server was slow, late for some means those clients were.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use kube::core::WatchEvent;
use serde::Deserialize;

pub const RATE: u64 = 100;
const NS: &str = "churn";

#[derive(Clone, Deserialize)]
struct Meta {
    name: String,
    #[serde(rename = "resourceVersion")]
    resource_version: String,
}

#[derive(Clone, Deserialize)]
struct Obj {
    metadata: Meta,
}

#[derive(Default)]
struct Seen {
    events: Vec<(&'static str, String, u64)>,
    added_at: HashMap<String, Instant>,
    gone: bool,
    error: Option<String>,
}

pub struct Report {
    pub events: usize,
    identical: usize,
    in_order: usize,
    relisted: usize,
    watchers: usize,
    missing: usize,
    pub p50: Duration,
    pub p99: Duration,
}

impl Report {
    /// `identical and in order of all / told 410 Gone / pods missing from the events`.
    pub fn verdict(&self) -> String {
        let good = self.identical.min(self.in_order);
        format!("{good} of {} / {} / {}", self.watchers, self.relisted, self.missing)
    }

    /// Every watcher saw exactly the reference sequence, or was told to re-list.
    pub fn consistent(&self) -> bool {
        self.identical + self.relisted == self.watchers && self.in_order == self.watchers && self.missing == 0
    }
}

async fn send(client: &kube::Client, method: &str, path: &str, body: serde_json::Value) -> Result<(), String> {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    client.request_text(req).await.map(drop).map_err(|e| format!("{method} {path}: {e}"))
}

async fn watch(client: kube::Client, from: String, mut stop: tokio::sync::watch::Receiver<bool>) -> Seen {
    let mut seen = Seen::default();
    let path = format!("/api/v1/namespaces/{NS}/pods?watch=true&resourceVersion={from}");
    let req = match http::Request::get(path).body(Vec::new()) {
        Ok(r) => r,
        Err(e) => {
            seen.error = Some(e.to_string());
            return seen;
        }
    };
    let stream = match client.request_events::<Obj>(req).await {
        Ok(s) => s,
        Err(e) => {
            seen.error = Some(e.to_string());
            return seen;
        }
    };
    futures::pin_mut!(stream);
    loop {
        let next = tokio::select! {
            n = stream.try_next() => n,
            _ = stop.changed() => break,
        };
        let ev = match next {
            Ok(Some(ev)) => ev,
            Ok(None) => break,
            Err(e) => {
                seen.error = Some(e.to_string());
                break;
            }
        };
        let (kind, obj) = match ev {
            WatchEvent::Added(o) => ("ADDED", o),
            WatchEvent::Modified(o) => ("MODIFIED", o),
            WatchEvent::Deleted(o) => ("DELETED", o),
            WatchEvent::Bookmark(_) => continue,
            WatchEvent::Error(e) => {
                seen.gone = e.code == 410;
                seen.error = Some(e.message);
                break;
            }
        };
        if kind == "ADDED" {
            seen.added_at.insert(obj.metadata.name.clone(), Instant::now());
        }
        let rv = obj.metadata.resource_version.parse().unwrap_or(0);
        seen.events.push((kind, obj.metadata.name, rv));
    }
    seen
}

pub async fn run(kubeconfig: &Path, watchers: usize, secs: u64) -> Result<Report, String> {
    let client = super::procs::client(kubeconfig).await?;
    let ns = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}});
    send(&client, "POST", "/api/v1/namespaces", ns).await?;
    let list = client
        .request_text(
            http::Request::get(format!("/api/v1/namespaces/{NS}/pods")).body(Vec::new()).map_err(|e| e.to_string())?,
        )
        .await
        .map_err(|e| e.to_string())?;
    let from =
        serde_json::from_str::<serde_json::Value>(&list).map_err(|e| e.to_string())?["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or("0")
            .to_string();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let tasks: Vec<_> =
        (0..watchers).map(|_| tokio::spawn(watch(client.clone(), from.clone(), stopped.clone()))).collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut sent: HashMap<String, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let total = (RATE * secs) as usize;
    for i in 0..total + RATE as usize {
        tick.tick().await;
        if i < total {
            let name = format!("churn-{i:06}");
            let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.14.2"}]}});
            sent.insert(name, Instant::now());
            send(&client, "POST", &format!("/api/v1/namespaces/{NS}/pods"), pod).await?;
        }
        if let Some(old) = i.checked_sub(RATE as usize) {
            let path = format!("/api/v1/namespaces/{NS}/pods/churn-{old:06}");
            send(&client, "DELETE", &path, serde_json::json!({})).await?;
        }
    }
    // What is still terminating ends within the kill delay; then the watches stop.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let _ = stop.send(true);
    let mut seen = Vec::new();
    for t in tasks {
        seen.push(t.await.map_err(|e| e.to_string())?);
    }
    Ok(report(&seen, &sent))
}

fn report(seen: &[Seen], sent: &HashMap<String, Instant>) -> Report {
    let reference = seen.iter().filter(|s| !s.gone).max_by_key(|s| s.events.len());
    let reference = reference.map(|s| s.events.clone()).unwrap_or_default();
    let identical = seen.iter().filter(|s| !s.gone && s.events == reference).count();
    let in_order = seen.iter().filter(|s| s.events.windows(2).all(|w| w[0].2 < w[1].2)).count();
    let relisted = seen.iter().filter(|s| s.gone).count();
    // Every pod created must have been seen added and deleted.
    let missing = sent
        .keys()
        .filter(|name| {
            !reference.iter().any(|(k, n, _)| *k == "ADDED" && n == *name)
                || !reference.iter().any(|(k, n, _)| *k == "DELETED" && n == *name)
        })
        .count();
    let mut latencies: Vec<Duration> = seen
        .iter()
        .flat_map(|s| s.added_at.iter().filter_map(|(n, at)| sent.get(n).map(|t| at.saturating_duration_since(*t))))
        .collect();
    latencies.sort();
    if std::env::var_os("PODSH_CHURN_DEBUG").is_some() {
        let t0 = sent.values().min().copied();
        let mut per: Vec<(Duration, Duration, Duration, String)> = sent
            .iter()
            .map(|(n, t)| {
                let l: Vec<Duration> =
                    seen.iter().filter_map(|s| s.added_at.get(n).map(|a| a.saturating_duration_since(*t))).collect();
                let off = t0.map_or(Duration::ZERO, |z| t.saturating_duration_since(z));
                (
                    l.iter().max().copied().unwrap_or_default(),
                    l.iter().min().copied().unwrap_or_default(),
                    off,
                    n.clone(),
                )
            })
            .collect();
        per.sort();
        for (max, min, off, n) in per.iter().rev().take(15) {
            println!("  slow {n} at {off:?}: min {min:?} max {max:?}");
        }
    }
    let pick = |p: usize| latencies.get(latencies.len().saturating_sub(1) * p / 100).copied().unwrap_or_default();
    for s in seen.iter().filter(|s| s.error.is_some() && !s.gone) {
        println!("  watcher error: {}", s.error.as_deref().unwrap_or_default());
    }
    Report {
        events: reference.len(),
        identical,
        in_order,
        relisted,
        watchers: seen.len(),
        missing,
        p50: pick(50),
        p99: pick(99),
    }
}
