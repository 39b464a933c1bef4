//! The resources the simulator serves: one table (names, scope, verbs) that drives routing
//! and discovery, and the `Kind` trait that lets generic handlers reach each typed map and
//! each kind's selectable fields.

use k8s_openapi::api::core::v1::{Event, Namespace, Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::objects::{Objects, Selectable, Stores};
use super::packed::{Fields, Labels};
use super::store::Store;

/// A served resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Res {
    Pods,
    Namespaces,
    Events,
    Nodes,
    ConfigMaps,
    Secrets,
    ServiceAccounts,
    Services,
}

/// Discovery facts about one resource.
pub struct ResInfo {
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub subresources: &'static [(&'static str, &'static [&'static str])],
}

const ALL_VERBS: &[&str] = &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

impl Res {
    pub const ALL: [Res; 8] = [
        Res::Pods,
        Res::Namespaces,
        Res::Events,
        Res::Nodes,
        Res::ConfigMaps,
        Res::Secrets,
        Res::ServiceAccounts,
        Res::Services,
    ];

    pub fn info(self) -> ResInfo {
        match self {
            Res::Pods => ResInfo {
                plural: "pods",
                singular: "pod",
                kind: "Pod",
                namespaced: true,
                short: &["po"],
                verbs: ALL_VERBS,
                categories: &["all"],
                subresources: &[
                    ("attach", &["create", "get"]),
                    ("ephemeralcontainers", &["get", "patch", "update"]),
                    ("exec", &["create", "get"]),
                    ("log", &["get"]),
                    ("portforward", &["create", "get"]),
                    ("status", &["get", "patch", "update"]),
                ],
            },
            Res::Namespaces => ResInfo {
                plural: "namespaces",
                singular: "namespace",
                kind: "Namespace",
                namespaced: false,
                short: &["ns"],
                verbs: &["create", "delete", "get", "list", "patch", "update", "watch"],
                categories: &[],
                subresources: &[("status", &["get", "patch", "update"])],
            },
            Res::Events => ResInfo {
                plural: "events",
                singular: "event",
                kind: "Event",
                namespaced: true,
                short: &["ev"],
                verbs: ALL_VERBS,
                categories: &[],
                subresources: &[],
            },
            Res::Nodes => ResInfo {
                plural: "nodes",
                singular: "node",
                kind: "Node",
                namespaced: false,
                short: &["no"],
                verbs: ALL_VERBS,
                categories: &[],
                subresources: &[("status", &["get", "patch", "update"])],
            },
            Res::ConfigMaps => ResInfo {
                plural: "configmaps",
                singular: "configmap",
                kind: "ConfigMap",
                namespaced: true,
                short: &["cm"],
                verbs: ALL_VERBS,
                categories: &[],
                subresources: &[],
            },
            Res::Secrets => ResInfo {
                plural: "secrets",
                singular: "secret",
                kind: "Secret",
                namespaced: true,
                short: &[],
                verbs: ALL_VERBS,
                categories: &[],
                subresources: &[],
            },
            Res::ServiceAccounts => ResInfo {
                plural: "serviceaccounts",
                singular: "serviceaccount",
                kind: "ServiceAccount",
                namespaced: true,
                short: &["sa"],
                verbs: ALL_VERBS,
                categories: &[],
                subresources: &[],
            },
            Res::Services => ResInfo {
                plural: "services",
                singular: "service",
                kind: "Service",
                namespaced: true,
                short: &["svc"],
                verbs: &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                categories: &["all"],
                subresources: &[("status", &["get", "patch", "update"])],
            },
        }
    }

    pub fn from_plural(s: &str) -> Option<Res> {
        Res::ALL.into_iter().find(|r| r.info().plural == s)
    }
}

/// A typed object the store holds.
pub trait Kind:
    k8s_openapi::Resource
    + k8s_openapi::ListableResource
    + k8s_openapi::Metadata<Ty = ObjectMeta>
    + Clone
    + Serialize
    + DeserializeOwned
    + Send
    + Sync
    + 'static
{
    const RES: Res;
    /// Field-selector labels this kind supports.
    const FIELDS: &'static [&'static str];
    /// Whether the store keeps the typed object beside its encoding (see `Objects`).
    const KEEP_TYPED: bool = false;
    fn map(store: &Store) -> &Objects<Self>;
    fn map_mut(store: &mut Store) -> &mut Objects<Self>;
    /// The selectable value of a supported field (`""` when unset, as upstream).
    fn field(&self, name: &str) -> String;
}

/// Every kind is stored by `Objects`: what selectors read comes from its labels and
/// its `FIELDS`.
impl<K: Kind> Stores for K {
    const KEEP_TYPED: bool = <K as Kind>::KEEP_TYPED;
    fn selectable(&self) -> Selectable {
        Selectable {
            labels: Labels::of(self.metadata().labels.as_ref()),
            fields: Fields::of(K::FIELDS, |f| self.field(f)),
            row: Default::default(),
        }
    }
}

/// The selectable metadata fields every kind has.
pub fn meta_field(m: &ObjectMeta, name: &str) -> Option<String> {
    match name {
        "metadata.name" => Some(m.name.clone().unwrap_or_default()),
        "metadata.namespace" => Some(m.namespace.clone().unwrap_or_default()),
        _ => None,
    }
}

impl Kind for Pod {
    const RES: Res = Res::Pods;
    const FIELDS: &'static [&'static str] = &[
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.host",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ];
    fn map(store: &Store) -> &Objects<Self> {
        &store.pods
    }
    fn map_mut(store: &mut Store) -> &mut Objects<Self> {
        &mut store.pods
    }
    fn field(&self, name: &str) -> String {
        if let Some(v) = meta_field(&self.metadata, name) {
            return v;
        }
        let spec = self.spec.as_ref();
        let status = self.status.as_ref();
        let s = |o: Option<&String>| o.cloned().unwrap_or_default();
        match name {
            "spec.nodeName" | "spec.host" => s(spec.and_then(|x| x.node_name.as_ref())),
            "spec.restartPolicy" => s(spec.and_then(|x| x.restart_policy.as_ref())),
            "spec.schedulerName" => s(spec.and_then(|x| x.scheduler_name.as_ref())),
            "spec.serviceAccountName" => s(spec.and_then(|x| x.service_account_name.as_ref())),
            "spec.hostNetwork" => spec.and_then(|x| x.host_network).unwrap_or(false).to_string(),
            "status.phase" => s(status.and_then(|x| x.phase.as_ref())),
            "status.podIP" => s(status.and_then(|x| x.pod_ip.as_ref())),
            "status.nominatedNodeName" => s(status.and_then(|x| x.nominated_node_name.as_ref())),
            _ => String::new(),
        }
    }
}

impl Kind for Namespace {
    const RES: Res = Res::Namespaces;
    const FIELDS: &'static [&'static str] = &["metadata.name", "status.phase"];
    fn map(store: &Store) -> &Objects<Self> {
        &store.namespaces
    }
    fn map_mut(store: &mut Store) -> &mut Objects<Self> {
        &mut store.namespaces
    }
    fn field(&self, name: &str) -> String {
        match name {
            "status.phase" => self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default(),
            _ => meta_field(&self.metadata, name).unwrap_or_default(),
        }
    }
}

impl Kind for Event {
    const RES: Res = Res::Events;
    const FIELDS: &'static [&'static str] = &[
        "metadata.name",
        "metadata.namespace",
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ];
    fn map(store: &Store) -> &Objects<Self> {
        &store.events
    }
    fn map_mut(store: &mut Store) -> &mut Objects<Self> {
        &mut store.events
    }
    fn field(&self, name: &str) -> String {
        if let Some(v) = meta_field(&self.metadata, name) {
            return v;
        }
        let o = &self.involved_object;
        let s = |x: &Option<String>| x.clone().unwrap_or_default();
        match name {
            "involvedObject.kind" => s(&o.kind),
            "involvedObject.namespace" => s(&o.namespace),
            "involvedObject.name" => s(&o.name),
            "involvedObject.uid" => s(&o.uid),
            "involvedObject.apiVersion" => s(&o.api_version),
            "involvedObject.resourceVersion" => s(&o.resource_version),
            "involvedObject.fieldPath" => s(&o.field_path),
            "reason" => s(&self.reason),
            "reportingComponent" => self.reporting_component.clone().unwrap_or_default(),
            "source" => self.source.as_ref().and_then(|x| x.component.clone()).unwrap_or_default(),
            "type" => s(&self.type_),
            _ => String::new(),
        }
    }
}

impl Kind for Node {
    const RES: Res = Res::Nodes;
    const FIELDS: &'static [&'static str] = &["metadata.name", "spec.unschedulable"];
    const KEEP_TYPED: bool = true;
    fn map(store: &Store) -> &Objects<Self> {
        &store.nodes
    }
    fn map_mut(store: &mut Store) -> &mut Objects<Self> {
        &mut store.nodes
    }
    fn field(&self, name: &str) -> String {
        match name {
            "spec.unschedulable" => self.spec.as_ref().and_then(|s| s.unschedulable).unwrap_or(false).to_string(),
            _ => meta_field(&self.metadata, name).unwrap_or_default(),
        }
    }
}
