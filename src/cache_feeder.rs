//! Starts completion watches off the keypress path: the completer claims a cache entry
//! (so it can wait on it for a bounded time) and sends a want; a background task connects
//! to that context once and runs the watch that feeds the cache.

use std::collections::HashMap;

use crate::cache::Cache;
use crate::cluster::Cluster;

/// What the completer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    Pods(String, Option<String>),
    Namespaces(String),
}

/// What the feeding task is told: start a watch, or connect afresh with a kubeconfig
/// that changed (a rotated token or CA would fail every watch made with the old one).
enum Order {
    Watch(Want),
    Reconnect(kube::config::Kubeconfig),
}

/// How long a completion request waits for the server's answer: short, so a stalled
/// request is given up and the cache is right again soon after the server is.
const CACHE_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// Starts watches off the keypress path: the completer claims an entry (so it can wait
/// on it) and sends the want; this task connects and runs the watch.
#[derive(Clone)]
pub struct Feeder {
    tx: tokio::sync::mpsc::UnboundedSender<Order>,
    cache: Cache,
}

impl Feeder {
    pub fn spawn(rt: &tokio::runtime::Handle, cache: Cache, kubeconfig: kube::config::Kubeconfig) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Order>();
        let feeding = cache.clone();
        let handle = rt.clone();
        rt.spawn(async move {
            let mut kubeconfig = kubeconfig;
            let mut clusters: HashMap<String, Cluster> = HashMap::new();
            let mut running: Vec<(Want, tokio::task::JoinHandle<()>)> = Vec::new();
            while let Some(order) = rx.recv().await {
                let wants = match order {
                    Order::Watch(want) => vec![want],
                    Order::Reconnect(fresh) => {
                        kubeconfig = fresh;
                        clusters.clear();
                        // What the cache holds stays until the new watches re-list.
                        let mut again = Vec::new();
                        for (want, task) in running.drain(..) {
                            task.abort();
                            again.push(want);
                        }
                        again
                    }
                };
                for want in wants {
                    let Some(cluster) = connect(&mut clusters, &kubeconfig, &want, &feeding).await else { continue };
                    let c = feeding.clone();
                    let task = match want.clone() {
                        Want::Pods(ctx, ns) => handle.spawn(async move { c.run_pod_watch(cluster, ctx, ns).await }),
                        Want::Namespaces(ctx) => handle.spawn(async move { c.run_namespace_watch(cluster, ctx).await }),
                    };
                    running.push((want, task));
                }
            }
        });
        Self { tx, cache }
    }

    /// Connects the watches anew with `kubeconfig` (it changed on disk). Never blocks.
    pub fn reconnect(&self, kubeconfig: kube::config::Kubeconfig) {
        let _ = self.tx.send(Order::Reconnect(kubeconfig));
    }

    /// Makes sure pods of (context, namespace) are watched. Never blocks.
    pub fn want_pods(&self, context: &str, namespace: Option<&str>) {
        if self.cache.claim_pods(context, namespace) {
            let _ = self.tx.send(Order::Watch(Want::Pods(context.to_string(), namespace.map(str::to_string))));
        }
    }

    /// Makes sure the namespaces of `context` are watched. Never blocks.
    pub fn want_namespaces(&self, context: &str) {
        if self.cache.claim_namespaces(context) {
            let _ = self.tx.send(Order::Watch(Want::Namespaces(context.to_string())));
        }
    }
}

/// The connection for a want's context (made once per kubeconfig); a failure is the
/// cache entry's error.
async fn connect(
    clusters: &mut HashMap<String, Cluster>,
    kubeconfig: &kube::config::Kubeconfig,
    want: &Want,
    cache: &Cache,
) -> Option<Cluster> {
    let (ctx, ns) = match want {
        Want::Pods(c, ns) => (c, Some(ns.as_deref())),
        Want::Namespaces(c) => (c, None),
    };
    if let Some(c) = clusters.get(ctx) {
        return Some(c.clone());
    }
    match Cluster::connect(kubeconfig, ctx).await {
        Ok(c) => {
            let c = c.with_timeout(Some(CACHE_REQUEST_TIMEOUT));
            clusters.insert(ctx.clone(), c.clone());
            Some(c)
        }
        Err(e) => {
            cache.fail(ctx, ns, e.to_string());
            None
        }
    }
}
