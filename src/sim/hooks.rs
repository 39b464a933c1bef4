//! Write rules of the cluster-scoped and auxiliary kinds: namespaces (label, finalizer,
//! immortal system namespaces, content removal), nodes (taking one away fails its pods)
//! and events (stored as sent).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Event, Namespace, NamespaceSpec, NamespaceStatus, Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;

use super::lifecycle;
use super::shared::Shared;
use super::status::{ApiError, ApiResult};
use super::store::{Key, Store, now_secs};
use super::validate::dns_label;
use super::write::{DeleteOpts, Deleted, Hooks};

pub const SYSTEM_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];

impl Hooks for Namespace {
    fn prepare(&mut self) -> ApiResult<()> {
        let name = self.metadata.name.clone().unwrap_or_default();
        let causes = if name.is_empty() {
            vec![super::status::Cause::new(
                "FieldValueRequired",
                "metadata.name",
                "Required value: name or generateName is required",
            )]
        } else {
            dns_label("metadata.name", &name)
        };
        if !causes.is_empty() {
            return Err(ApiError::invalid("Namespace", &name, causes));
        }
        self.metadata.labels.get_or_insert_with(BTreeMap::new).insert("kubernetes.io/metadata.name".into(), name);
        self.spec = Some(NamespaceSpec { finalizers: Some(vec!["kubernetes".into()]) });
        self.status = Some(NamespaceStatus { phase: Some("Active".into()), conditions: None });
        Ok(())
    }

    fn created(store: &mut Store, key: &Key, shared: &Shared) {
        let (sa, cm) = super::referenced::namespace_defaults(&key.1, &shared.ca_pem);
        store.create_fresh(sa);
        store.create_fresh(cm);
    }

    fn delete(store: &mut Store, key: &Key, opts: &DeleteOpts, shared: &Shared) -> ApiResult<Deleted> {
        if SYSTEM_NAMESPACES.contains(&key.1.as_str()) {
            return Err(ApiError::forbidden("namespaces", &key.1, "this namespace may not be deleted"));
        }
        let Some(mut ns) = store.namespaces.get(key) else {
            return Err(ApiError::not_found("namespaces", &key.1));
        };
        ns.metadata.deletion_timestamp = Some(Time(now_secs()));
        if let Some(st) = ns.status.as_mut() {
            st.phase = Some("Terminating".into());
        }
        if opts.dry_run {
            return Ok(Deleted::Pending(serde_json::to_value(&ns).unwrap_or(Value::Null)));
        }
        let terminating = store.update(ns);
        // The namespace controller deletes what is inside gracefully; the namespace goes
        // once its last pod has (see `Store::finalize_namespace`).
        let pods: Vec<Key> = store.pods.keys().filter(|k| k.0 == key.1).cloned().collect();
        for k in pods {
            <Pod as Hooks>::delete(store, &k, &DeleteOpts::default(), shared)?;
        }
        store.finalize_namespace(&key.1);
        Ok(Deleted::Pending(serde_json::to_value(&terminating).unwrap_or(Value::Null)))
    }
}

impl Hooks for Node {
    fn delete(store: &mut Store, key: &Key, opts: &DeleteOpts, shared: &Shared) -> ApiResult<Deleted> {
        if opts.dry_run {
            let v = store.nodes.get(key).map(|n| serde_json::to_value(n).unwrap_or(Value::Null));
            return Ok(Deleted::Now(v.unwrap_or(Value::Null)));
        }
        lifecycle::node_lost(store, &key.1, &shared.timing);
        let gone = store.remove::<Node>(key);
        Ok(Deleted::Now(serde_json::to_value(gone).unwrap_or(Value::Null)))
    }
}

impl Hooks for Event {}
