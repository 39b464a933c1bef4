//! What the API server and its admission plugins add to a pod on create
//! (`pkg/apis/core/v1/defaults.go`, the ServiceAccount admission plugin, DefaultTolerationSeconds,
//! Priority), so that `describe pod` shows what it shows on a real cluster.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, Container, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath, ObjectFieldSelector, Pod,
    PodSecurityContext, PodStatus, ProjectedVolumeSource, ResourceRequirements, ServiceAccountTokenProjection,
    Toleration, Volume, VolumeMount, VolumeProjection,
};

use super::store::random_suffix;

pub const SA_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The pull policy the API server defaults from the image tag.
pub fn pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    let tagged = last.contains(':') && !last.ends_with(":latest");
    if image.contains('@') || tagged { "IfNotPresent" } else { "Always" }
}

fn default_container(c: &mut Container) {
    c.termination_message_path.get_or_insert_with(|| "/dev/termination-log".into());
    c.termination_message_policy.get_or_insert_with(|| "File".into());
    if c.image_pull_policy.is_none() {
        c.image_pull_policy = Some(pull_policy(c.image.as_deref().unwrap_or("")).into());
    }
    for p in c.ports.iter_mut().flatten() {
        p.protocol.get_or_insert_with(|| "TCP".into());
    }
    for probe in [&mut c.liveness_probe, &mut c.readiness_probe, &mut c.startup_probe].into_iter().flatten() {
        probe.timeout_seconds.get_or_insert(1);
        probe.period_seconds.get_or_insert(10);
        probe.success_threshold.get_or_insert(1);
        probe.failure_threshold.get_or_insert(3);
        if let Some(h) = probe.http_get.as_mut() {
            h.scheme.get_or_insert_with(|| "HTTP".into());
            h.path.get_or_insert_with(|| "/".into());
        }
    }
    for e in c.env.iter_mut().flatten() {
        if let Some(f) = e.value_from.as_mut().and_then(|v| v.field_ref.as_mut()) {
            f.api_version.get_or_insert_with(|| "v1".into());
        }
    }
    let res = c.resources.get_or_insert_with(ResourceRequirements::default);
    if let Some(limits) = &res.limits {
        let req = res.requests.get_or_insert_with(BTreeMap::new);
        for (k, v) in limits {
            req.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

fn toleration(key: &str) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(300),
        value: None,
    }
}

fn token_volume(name: &str) -> Volume {
    let src = |p: VolumeProjection| p;
    Volume {
        name: name.into(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                src(VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        audience: None,
                    }),
                    ..Default::default()
                }),
                src(VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath { key: "ca.crt".into(), path: "ca.crt".into(), mode: None }]),
                        optional: None,
                    }),
                    ..Default::default()
                }),
                src(VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                }),
            ]),
        }),
        ..Default::default()
    }
}

/// Applies API-server defaults and admission mutations to a pod being created.
pub fn default_pod(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.security_context.get_or_insert_with(PodSecurityContext::default);
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    spec.enable_service_links.get_or_insert(true);
    spec.priority.get_or_insert(0);
    spec.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
    let sa = spec.service_account_name.get_or_insert_with(|| "default".into()).clone();
    spec.service_account = Some(sa);
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let present = tolerations
            .iter()
            .any(|t| t.key.as_deref() == Some(key) && matches!(t.effect.as_deref(), Some("NoExecute") | None));
        if !present {
            tolerations.push(toleration(key));
        }
    }
    for c in spec.init_containers.iter_mut().flatten().chain(spec.containers.iter_mut()) {
        default_container(c);
    }
    let mounted = |c: &k8s_openapi::api::core::v1::Container| {
        c.volume_mounts.iter().flatten().any(|m| m.mount_path == SA_MOUNT_PATH)
    };
    let needed = spec.init_containers.iter().flatten().chain(&spec.containers).any(|c| !mounted(c));
    if spec.automount_service_account_token != Some(false) && needed {
        // A pod that already has the token volume (a copy of another pod) shares it.
        let existing =
            spec.volumes.iter().flatten().find(|v| v.name.starts_with("kube-api-access-")).map(|v| v.name.clone());
        let name = existing.clone().unwrap_or_else(|| format!("kube-api-access-{}", random_suffix(5)));
        if existing.is_none() {
            spec.volumes.get_or_insert_with(Vec::new).push(token_volume(&name));
        }
        for c in spec.init_containers.iter_mut().flatten().chain(spec.containers.iter_mut()) {
            let mounts = c.volume_mounts.get_or_insert_with(Vec::new);
            if !mounts.iter().any(|m| m.mount_path == SA_MOUNT_PATH) {
                mounts.push(VolumeMount {
                    name: name.clone(),
                    mount_path: SA_MOUNT_PATH.into(),
                    read_only: Some(true),
                    ..Default::default()
                });
            }
        }
    }
    let qos = crate::common::qos::qos_class(pod);
    pod.status = Some(PodStatus { phase: Some("Pending".into()), qos_class: Some(qos.into()), ..Default::default() });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(pull_policy("nginx"), "Always");
        assert_eq!(pull_policy("nginx:latest"), "Always");
        assert_eq!(pull_policy("nginx:1.14.2"), "IfNotPresent");
        assert_eq!(pull_policy("localhost:5000/app"), "Always");
        assert_eq!(pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }
}
