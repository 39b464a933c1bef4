//! The kinds a Pod manifest refers to, stored so the Kubernetes docs' multi-document files
//! apply: ConfigMaps, Secrets, ServiceAccounts and Services (ClusterIP, no endpoints).
//! Each is a `Kind` (store map, field selectors), `Printable` (kubectl's server-side
//! columns from `printers.go`) and `Hooks` (the API server's defaulting and validation).

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service, ServiceAccount};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rand::Rng;
use serde_json::{Value, json};

use crate::common::schema::field_doc;

use super::kinds::{Kind, Res, meta_field};
use super::objects::Objects;
use super::status::{ApiError, ApiResult, Cause};
use super::store::Store;
use super::table::{Cell, Printable, age, age_column, name_column, text};
use super::write::Hooks;

macro_rules! stored_kind {
    ($ty:ty, $res:expr, $map:ident, [$($field:literal),*]) => {
        impl Kind for $ty {
            const RES: Res = $res;
            const FIELDS: &'static [&'static str] = &["metadata.name", "metadata.namespace" $(, $field)*];
            fn map(store: &Store) -> &Objects<Self> {
                &store.$map
            }
            fn map_mut(store: &mut Store) -> &mut Objects<Self> {
                &mut store.$map
            }
            fn field(&self, name: &str) -> String {
                self.selectable(name)
            }
        }
    };
}

stored_kind!(ConfigMap, Res::ConfigMaps, configmaps, []);
stored_kind!(Secret, Res::Secrets, secrets, ["type"]);
stored_kind!(ServiceAccount, Res::ServiceAccounts, serviceaccounts, []);
stored_kind!(Service, Res::Services, services, []);

/// A field selector's value for the fields these kinds support.
trait Selectable {
    fn selectable(&self, name: &str) -> String;
}

fn meta(m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta, name: &str) -> String {
    meta_field(m, name).unwrap_or_default()
}

impl Selectable for ConfigMap {
    fn selectable(&self, name: &str) -> String {
        meta(&self.metadata, name)
    }
}

impl Selectable for Secret {
    fn selectable(&self, name: &str) -> String {
        match name {
            "type" => self.type_.clone().unwrap_or_default(),
            _ => meta(&self.metadata, name),
        }
    }
}

impl Selectable for ServiceAccount {
    fn selectable(&self, name: &str) -> String {
        meta(&self.metadata, name)
    }
}

impl Selectable for Service {
    fn selectable(&self, name: &str) -> String {
        meta(&self.metadata, name)
    }
}

fn column(name: &str, doc: String) -> Value {
    json!({"name": name, "type": "string", "format": "", "description": doc, "priority": 0})
}

fn name_of(m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Cell {
    text(m.name.clone().unwrap_or_default())
}

fn age_of(m: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Cell {
    age(m.creation_timestamp.as_ref())
}

fn count(n: usize) -> Cell {
    Cell::Int(n as i64)
}

impl Printable for ConfigMap {
    fn columns() -> Vec<Value> {
        vec![name_column(), column("Data", field_doc::<ConfigMap>(&["data"])), age_column()]
    }
    fn cells(&self) -> Vec<Cell> {
        let n = self.data.as_ref().map_or(0, BTreeMap::len) + self.binary_data.as_ref().map_or(0, BTreeMap::len);
        vec![name_of(&self.metadata), count(n), age_of(&self.metadata)]
    }
}

impl Printable for Secret {
    fn columns() -> Vec<Value> {
        vec![
            name_column(),
            column("Type", field_doc::<Secret>(&["type"])),
            column("Data", field_doc::<Secret>(&["data"])),
            age_column(),
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let n = self.data.as_ref().map_or(0, BTreeMap::len);
        vec![name_of(&self.metadata), text(self.type_.clone().unwrap_or_default()), count(n), age_of(&self.metadata)]
    }
}

impl Printable for ServiceAccount {
    fn columns() -> Vec<Value> {
        vec![name_column(), column("Secrets", field_doc::<ServiceAccount>(&["secrets"])), age_column()]
    }
    fn cells(&self) -> Vec<Cell> {
        let n = self.secrets.as_ref().map_or(0, Vec::len);
        vec![name_of(&self.metadata), count(n), age_of(&self.metadata)]
    }
}

impl Printable for Service {
    fn columns() -> Vec<Value> {
        let spec = |f: &str| field_doc::<k8s_openapi::api::core::v1::ServiceSpec>(&[f]);
        let mut selector = column("Selector", spec("selector"));
        selector["priority"] = json!(1);
        vec![
            name_column(),
            column("Type", spec("type")),
            column("Cluster-IP", spec("clusterIP")),
            column("External-IP", spec("externalIPs")),
            column("Port(s)", spec("ports")),
            age_column(),
            selector,
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let spec = self.spec.clone().unwrap_or_default();
        let kind = spec.type_.clone().unwrap_or_default();
        let external = match spec.external_ips.as_deref() {
            Some(ips) if !ips.is_empty() => ips.join(","),
            _ if kind == "ExternalName" => spec.external_name.clone().unwrap_or_default(),
            _ if kind == "LoadBalancer" => "<pending>".to_string(),
            _ => "<none>".to_string(),
        };
        let ports: Vec<String> = spec
            .ports
            .iter()
            .flatten()
            .map(|p| {
                let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
                match p.node_port {
                    Some(np) => format!("{}:{np}/{proto}", p.port),
                    None => format!("{}/{proto}", p.port),
                }
            })
            .collect();
        let selector = match spec.selector.as_ref().filter(|s| !s.is_empty()) {
            Some(s) => s.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
            None => "<none>".to_string(),
        };
        vec![
            name_of(&self.metadata),
            text(kind),
            text(spec.cluster_ip.clone().unwrap_or_else(|| "<none>".into())),
            text(external),
            text(if ports.is_empty() { "<none>".to_string() } else { ports.join(",") }),
            age_of(&self.metadata),
            text(selector),
        ]
    }
}

impl Hooks for ConfigMap {}

impl Hooks for ServiceAccount {}

impl Hooks for Secret {
    /// `stringData` is write-only: it lands in `data`, and the type defaults to Opaque.
    fn prepare(&mut self) -> ApiResult<()> {
        fold_string_data(self);
        if self.type_.as_deref().is_none_or(str::is_empty) {
            self.type_ = Some("Opaque".into());
        }
        Ok(())
    }

    /// Updates fold `stringData` too; the type cannot change.
    fn check_update(old: &Self, new: &mut Self, _sub: Option<&str>) -> ApiResult<()> {
        fold_string_data(new);
        if new.type_.as_deref().is_none_or(str::is_empty) {
            new.type_ = old.type_.clone();
        }
        if new.type_ != old.type_ {
            let name = new.metadata.name.clone().unwrap_or_default();
            let cause = Cause::new(
                "FieldValueInvalid",
                "type",
                format!("Invalid value: \"{}\": field is immutable", new.type_.clone().unwrap_or_default()),
            );
            return Err(ApiError::invalid("Secret", &name, vec![cause]));
        }
        Ok(())
    }
}

fn fold_string_data(secret: &mut Secret) {
    if let Some(strings) = secret.string_data.take() {
        let data = secret.data.get_or_insert_with(BTreeMap::new);
        for (k, v) in strings {
            data.insert(k, ByteString(v.into_bytes()));
        }
    }
}

/// A free address in the default service range (10.96.0.0/12), as the allocator picks one
/// at random; `.0.1` stays the `kubernetes` Service's.
fn cluster_ip() -> String {
    let host: u32 = rand::rng().random_range(2..(1 << 20) - 1);
    let ip = (10u32 << 24) | (96 << 16) | host;
    std::net::Ipv4Addr::from(ip).to_string()
}

impl Hooks for Service {
    fn prepare(&mut self) -> ApiResult<()> {
        let name = self.metadata.name.clone().unwrap_or_default();
        let spec = self.spec.get_or_insert_with(Default::default);
        let kind = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
        if kind != "ExternalName" && spec.ports.as_ref().is_none_or(Vec::is_empty) {
            return Err(ApiError::invalid(
                "Service",
                &name,
                vec![Cause::new("FieldValueRequired", "spec.ports", "Required value")],
            ));
        }
        let node_ports = kind == "NodePort" || kind == "LoadBalancer";
        for p in spec.ports.iter_mut().flatten() {
            p.protocol.get_or_insert_with(|| "TCP".into());
            if p.target_port.is_none() {
                p.target_port = Some(IntOrString::Int(p.port));
            }
            if node_ports && p.node_port.is_none() {
                p.node_port = Some(rand::rng().random_range(30000..=32767));
            }
        }
        if kind != "ExternalName" {
            spec.session_affinity.get_or_insert_with(|| "None".into());
            spec.internal_traffic_policy.get_or_insert_with(|| "Cluster".into());
            spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
            spec.ip_family_policy.get_or_insert_with(|| "SingleStack".into());
            if spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
                let ip = cluster_ip();
                spec.cluster_ips = Some(vec![ip.clone()]);
                spec.cluster_ip = Some(ip);
            }
        }
        if self.status.is_none() {
            self.status = Some(k8s_openapi::api::core::v1::ServiceStatus {
                load_balancer: Some(Default::default()),
                ..Default::default()
            });
        }
        Ok(())
    }
}

/// What every namespace holds from its start: the `default` ServiceAccount and the
/// `kube-root-ca.crt` ConfigMap that pods' projected token volumes read.
pub fn namespace_defaults(ns: &str, ca_pem: &str) -> (ServiceAccount, ConfigMap) {
    let sa = ServiceAccount {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("default".into()),
            namespace: Some(ns.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let cm = ConfigMap {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("kube-root-ca.crt".into()),
            namespace: Some(ns.into()),
            annotations: Some(
                [(
                    "kubernetes.io/description".to_string(),
                    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
                )]
                .into(),
            ),
            ..Default::default()
        },
        data: Some([("ca.crt".to_string(), ca_pem.to_string())].into()),
        ..Default::default()
    };
    (sa, cm)
}

/// The `kubernetes` Service's address: the first of the service range.
pub const KUBERNETES_IP: &str = "10.96.0.1";

/// The `kubernetes` Service in `default`, at the first address of the range.
pub fn kubernetes_service() -> Service {
    let mut svc: Service = serde_json::from_value(json!({
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": KUBERNETES_IP, "clusterIPs": [KUBERNETES_IP],
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}
    }))
    .unwrap_or_default();
    // Valid by construction: it has ports.
    let _ = svc.prepare();
    svc
}
