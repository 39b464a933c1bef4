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

/// Starts watches off the keypress path: the completer claims an entry (so it can wait
/// on it) and sends the want; this task connects and runs the watch.
#[derive(Clone)]
pub struct Feeder {
    tx: tokio::sync::mpsc::UnboundedSender<Want>,
    cache: Cache,
}

impl Feeder {
    pub fn spawn(rt: &tokio::runtime::Handle, cache: Cache, kubeconfig: kube::config::Kubeconfig) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Want>();
        let feeding = cache.clone();
        let handle = rt.clone();
        rt.spawn(async move {
            let mut clusters: HashMap<String, Cluster> = HashMap::new();
            while let Some(want) = rx.recv().await {
                let ctx = match &want {
                    Want::Pods(c, _) | Want::Namespaces(c) => c.clone(),
                };
                let cluster = match clusters.get(&ctx) {
                    Some(c) => c.clone(),
                    None => match Cluster::connect(&kubeconfig, &ctx).await {
                        Ok(c) => {
                            clusters.insert(ctx.clone(), c.clone());
                            c
                        }
                        Err(e) => {
                            let ns = match &want {
                                Want::Pods(_, ns) => Some(ns.as_deref()),
                                Want::Namespaces(_) => None,
                            };
                            feeding.fail(&ctx, ns, e.to_string());
                            continue;
                        }
                    },
                };
                let c = feeding.clone();
                match want {
                    Want::Pods(ctx, ns) => handle.spawn(async move { c.run_pod_watch(cluster, ctx, ns).await }),
                    Want::Namespaces(ctx) => handle.spawn(async move { c.run_namespace_watch(cluster, ctx).await }),
                };
            }
        });
        Self { tx, cache }
    }

    /// Makes sure pods of (context, namespace) are watched. Never blocks.
    pub fn want_pods(&self, context: &str, namespace: Option<&str>) {
        if self.cache.claim_pods(context, namespace) {
            let _ = self.tx.send(Want::Pods(context.to_string(), namespace.map(str::to_string)));
        }
    }

    /// Makes sure the namespaces of `context` are watched. Never blocks.
    pub fn want_namespaces(&self, context: &str) {
        if self.cache.claim_namespaces(context) {
            let _ = self.tx.send(Want::Namespaces(context.to_string()));
        }
    }
}
