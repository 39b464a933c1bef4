//! Where completion gets names: the live cache (through a feeder that starts watches off
//! the keypress path) and a snapshot of the session's context, namespace and contexts.
//! A Tab never sends a request; on a cold cache it waits at most `COLD_WAIT`.

use std::sync::{Arc, Mutex};

use crate::cache::{COLD_WAIT, Cache};
use crate::cache_feeder::Feeder;

/// Names completion can offer.
pub trait Names {
    fn context(&self) -> String;
    fn namespace(&self) -> String;
    fn contexts(&self) -> Vec<String>;
    /// `(name, STATUS)` of pods of `namespace` in `context` (`None` = all namespaces)
    /// whose name starts with `prefix`.
    fn pods(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<(String, String)>;
    fn containers(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<String>;
    /// The pod's declared container ports.
    fn ports(&self, _context: &str, _namespace: Option<&str>, _pod: &str) -> Vec<i32> {
        Vec::new()
    }
    fn labels(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<String>;
    fn namespaces(&self, context: &str) -> Vec<String>;
    /// Set by a pod read that found the first list still under way: what to say instead
    /// of offering nothing (`listing 10,000 pods…`).
    fn take_cold(&self) -> Option<String> {
        None
    }
    /// The session's `@` references and the pods they stand for (`@1` -> `web`).
    fn refs(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// The session's position, refreshed by the editor before each prompt.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub context: String,
    pub namespace: String,
    pub contexts: Vec<String>,
    /// `@1`, `@2`, ..., `@last` with the pods they name.
    pub refs: Vec<(String, String)>,
}

/// `Names` backed by the watch cache.
#[derive(Clone)]
pub struct LiveNames {
    pub cache: Cache,
    pub feeder: Option<Feeder>,
    pub view: Arc<Mutex<View>>,
}

impl LiveNames {
    fn view(&self) -> View {
        self.view.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Makes sure the pods are watched and, on a cold cache, waits briefly for the list.
    fn warm(&self, context: &str, namespace: Option<&str>) {
        if let Some(f) = &self.feeder {
            f.want_pods(context, namespace);
        }
        self.cache.wait_pods(context, namespace, COLD_WAIT);
    }
}

impl Names for LiveNames {
    fn context(&self) -> String {
        self.view().context
    }
    fn namespace(&self) -> String {
        self.view().namespace
    }
    fn contexts(&self) -> Vec<String> {
        self.view().contexts
    }
    fn refs(&self) -> Vec<(String, String)> {
        self.view().refs
    }
    fn pods(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<(String, String)> {
        self.warm(context, namespace);
        self.cache.note_if_cold(context, namespace);
        self.cache.pod_names(context, namespace, prefix)
    }
    fn take_cold(&self) -> Option<String> {
        self.cache.take_cold()
    }
    fn containers(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<String> {
        self.warm(context, namespace);
        self.cache.containers(context, namespace, pod)
    }
    fn ports(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<i32> {
        self.warm(context, namespace);
        self.cache.ports(context, namespace, pod)
    }
    fn labels(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<String> {
        self.warm(context, namespace);
        self.cache.label_pairs(context, namespace, prefix)
    }
    fn namespaces(&self, context: &str) -> Vec<String> {
        if let Some(f) = &self.feeder {
            f.want_namespaces(context);
        }
        self.cache.wait_namespaces(context, COLD_WAIT);
        self.cache.namespaces(context)
    }
}
