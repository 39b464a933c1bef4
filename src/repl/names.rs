//! Where completion gets names: the live cache (through a feeder that starts watches off
//! the keypress path) and a snapshot of the session's context, namespace and contexts.
//! A Tab never sends a request; on a cold cache it waits at most `COLD_WAIT`.

use std::sync::{Arc, Mutex};

use crate::cache::{COLD_WAIT, Cache, Feeder, PodInfo};

/// Names completion can offer.
pub trait Names {
    fn context(&self) -> String;
    fn namespace(&self) -> String;
    fn contexts(&self) -> Vec<String>;
    /// Pods of `namespace` in `context` (`None` = all namespaces).
    fn pods(&self, context: &str, namespace: Option<&str>) -> Vec<(String, PodInfo)>;
    fn namespaces(&self, context: &str) -> Vec<String>;
}

/// The session's position, refreshed by the editor before each prompt.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub context: String,
    pub namespace: String,
    pub contexts: Vec<String>,
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
    fn pods(&self, context: &str, namespace: Option<&str>) -> Vec<(String, PodInfo)> {
        if let Some(f) = &self.feeder {
            f.want_pods(context, namespace);
        }
        self.cache.wait_pods(context, namespace, COLD_WAIT);
        self.cache.pods(context, namespace)
    }
    fn namespaces(&self, context: &str) -> Vec<String> {
        if let Some(f) = &self.feeder {
            f.want_namespaces(context);
        }
        self.cache.wait_namespaces(context, COLD_WAIT);
        self.cache.namespaces(context)
    }
}
