//! What the kubelet checks before it creates a container: that the ConfigMaps and Secrets
//! its environment refers to (`envFrom`, `valueFrom`) exist and hold the keys named,
//! unless marked optional (else `CreateContainerConfigError`), and that those its volumes
//! name exist (else `FailedMount`, the pod staying `ContainerCreating`), worded as the
//! kubelet words them.

use k8s_openapi::api::core::v1::{ConfigMap, Container, Pod, Secret};

use super::store::Store;

/// Why container `name` of `pod` cannot be created yet, if it cannot.
pub fn config_error(store: &Store, pod: &Pod, name: &str) -> Option<String> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let spec = pod.spec.as_ref()?;
    let c = spec.containers.iter().chain(spec.init_containers.iter().flatten()).find(|c| c.name == name)?;
    env_from_error(store, &ns, c).or_else(|| env_error(store, &ns, c))
}

/// The first volume of the pod that cannot be mounted (a ConfigMap or Secret that does
/// not exist and is not optional), as the kubelet's `FailedMount` event words it.
pub fn mount_error(store: &Store, pod: &Pod) -> Option<String> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    for v in pod.spec.as_ref()?.volumes.iter().flatten() {
        let missing = if let Some(cm) = &v.config_map {
            (!cm.optional.unwrap_or(false) && config_map(store, &ns, &cm.name).is_none())
                .then(|| format!("configmap \"{}\" not found", cm.name))
        } else if let Some(sec) = &v.secret {
            let name = sec.secret_name.clone().unwrap_or_default();
            (!sec.optional.unwrap_or(false) && secret(store, &ns, &name).is_none())
                .then(|| format!("secret \"{name}\" not found"))
        } else {
            None
        };
        if let Some(why) = missing {
            return Some(format!("MountVolume.SetUp failed for volume \"{}\" : {why}", v.name));
        }
    }
    None
}

pub(super) fn config_map(store: &Store, ns: &str, name: &str) -> Option<ConfigMap> {
    store.configmaps.get(&(ns.to_string(), name.to_string()))
}

pub(super) fn secret(store: &Store, ns: &str, name: &str) -> Option<Secret> {
    store.secrets.get(&(ns.to_string(), name.to_string()))
}

fn env_from_error(store: &Store, ns: &str, c: &Container) -> Option<String> {
    for source in c.env_from.iter().flatten() {
        if let Some(r) = &source.config_map_ref
            && !r.optional.unwrap_or(false)
            && config_map(store, ns, &r.name).is_none()
        {
            return Some(format!("configmap \"{}\" not found", r.name));
        }
        if let Some(r) = &source.secret_ref
            && !r.optional.unwrap_or(false)
            && secret(store, ns, &r.name).is_none()
        {
            return Some(format!("secret \"{}\" not found", r.name));
        }
    }
    None
}

fn env_error(store: &Store, ns: &str, c: &Container) -> Option<String> {
    for var in c.env.iter().flatten() {
        let Some(from) = &var.value_from else { continue };
        if let Some(r) = &from.config_map_key_ref
            && !r.optional.unwrap_or(false)
        {
            let Some(cm) = config_map(store, ns, &r.name) else {
                return Some(format!("configmap \"{}\" not found", r.name));
            };
            let has = cm.data.as_ref().is_some_and(|d| d.contains_key(&r.key))
                || cm.binary_data.as_ref().is_some_and(|d| d.contains_key(&r.key));
            if !has {
                return Some(format!("couldn't find key {} in ConfigMap {ns}/{}", r.key, r.name));
            }
        }
        if let Some(r) = &from.secret_key_ref
            && !r.optional.unwrap_or(false)
        {
            let Some(s) = secret(store, ns, &r.name) else {
                return Some(format!("secret \"{}\" not found", r.name));
            };
            if !s.data.as_ref().is_some_and(|d| d.contains_key(&r.key)) {
                return Some(format!("couldn't find key {} in Secret {ns}/{}", r.key, r.name));
            }
        }
    }
    None
}
