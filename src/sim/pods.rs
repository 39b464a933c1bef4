//! Pod-specific write rules: defaulting and validation on create, the update
//! restrictions of the pod strategy, image changes that restart containers, and graceful
//! deletion (`CheckGracefulDelete`: unscheduled or finished pods go at once).

use k8s_openapi::api::core::v1::{Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;

use super::defaults::default_pod;
use super::lifecycle;
use super::shared::Shared;
use super::status::{ApiError, ApiResult, Cause};
use super::store::{Key, Store, now_secs};
use super::validate::validate_pod;
use super::write::{DeleteOpts, Deleted, Hooks, grace_of};

const UPDATE_FORBIDDEN: &str = "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

fn name_of(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// The spec with every field an update may change copied from `old`, for comparison.
fn without_mutable(new: &PodSpec, old: &PodSpec) -> PodSpec {
    let mut s = new.clone();
    for (c, o) in s.containers.iter_mut().zip(&old.containers) {
        c.image = o.image.clone();
    }
    for (c, o) in s.init_containers.iter_mut().flatten().zip(old.init_containers.iter().flatten()) {
        c.image = o.image.clone();
    }
    s.active_deadline_seconds = old.active_deadline_seconds;
    s.termination_grace_period_seconds = old.termination_grace_period_seconds;
    let old_tol = old.tolerations.clone().unwrap_or_default();
    let keeps_old = new.tolerations.as_ref().is_some_and(|n| old_tol.iter().all(|t| n.contains(t)));
    if keeps_old {
        s.tolerations = old.tolerations.clone();
    }
    s
}

/// A write through `pods/ephemeralcontainers`: only `spec.ephemeralContainers` is taken
/// from it, and only as additions, each named uniquely in the pod and with an image.
fn ephemeral_update(old: &Pod, new: &mut Pod) -> ApiResult<()> {
    let added = new.spec.as_ref().and_then(|s| s.ephemeral_containers.clone()).unwrap_or_default();
    let mut merged = old.clone();
    let spec = merged.spec.get_or_insert_with(Default::default);
    let before = spec.ephemeral_containers.clone().unwrap_or_default();
    let mut causes = Vec::new();
    for (i, e) in before.iter().enumerate() {
        match added.iter().find(|a| a.name == e.name) {
            None => causes.push(Cause::new(
                "FieldValueForbidden",
                "spec.ephemeralContainers",
                format!("Forbidden: existing ephemeral containers \"{}\" may not be removed", e.name),
            )),
            Some(a) if a != e => causes.push(Cause::new(
                "FieldValueForbidden",
                format!("spec.ephemeralContainers[{i}]"),
                format!("Forbidden: existing ephemeral containers \"{}\" may not be changed", e.name),
            )),
            Some(_) => {}
        }
    }
    let taken: Vec<&str> =
        spec.containers.iter().chain(spec.init_containers.iter().flatten()).map(|c| c.name.as_str()).collect();
    for (i, a) in added.iter().enumerate().filter(|(_, a)| !before.iter().any(|b| b.name == a.name)) {
        let at = format!("spec.ephemeralContainers[{i}]");
        if a.name.is_empty() {
            causes.push(Cause::new("FieldValueRequired", format!("{at}.name"), "Required value"));
        } else if taken.contains(&a.name.as_str()) || added[..i].iter().any(|b| b.name == a.name) {
            causes.push(Cause::new(
                "FieldValueDuplicate",
                format!("{at}.name"),
                format!("Duplicate value: \"{}\"", a.name),
            ));
        }
        if a.image.as_deref().is_none_or(str::is_empty) {
            causes.push(Cause::new("FieldValueRequired", format!("{at}.image"), "Required value"));
        }
    }
    if !causes.is_empty() {
        return Err(ApiError::invalid("Pod", &name_of(old), causes));
    }
    spec.ephemeral_containers = Some(added).filter(|a| !a.is_empty());
    merged.metadata = new.metadata.clone();
    *new = merged;
    Ok(())
}

impl Hooks for Pod {
    fn prepare(&mut self) -> ApiResult<()> {
        default_pod(self);
        let causes = validate_pod(self);
        if causes.is_empty() { Ok(()) } else { Err(ApiError::invalid("Pod", &name_of(self), causes)) }
    }

    fn created(store: &mut Store, key: &Key, shared: &Shared) {
        lifecycle::admit(store, key, &shared.timing);
    }

    fn check_update(old: &Self, new: &mut Self, sub: Option<&str>) -> ApiResult<()> {
        match sub {
            Some("status") => {
                new.spec = old.spec.clone();
                new.metadata.labels = old.metadata.labels.clone();
                new.metadata.annotations = old.metadata.annotations.clone();
                return Ok(());
            }
            Some(_) => return ephemeral_update(old, new),
            None => {}
        }
        new.status = old.status.clone();
        let (Some(o), Some(n)) = (&old.spec, &new.spec) else {
            return Err(ApiError::invalid(
                "Pod",
                &name_of(old),
                vec![Cause::new("FieldValueRequired", "spec", "Required value")],
            ));
        };
        if o.containers.len() != n.containers.len() {
            let c = Cause::new(
                "FieldValueForbidden",
                "spec.containers",
                "Forbidden: pod updates may not add or remove containers",
            );
            return Err(ApiError::invalid("Pod", &name_of(old), vec![c]));
        }
        if without_mutable(n, o) != *o {
            let c = Cause::new("FieldValueForbidden", "spec", UPDATE_FORBIDDEN);
            return Err(ApiError::invalid("Pod", &name_of(old), vec![c]));
        }
        let empty_image = n.containers.iter().position(|c| c.image.as_deref().is_none_or(str::is_empty));
        if let Some(i) = empty_image {
            let c = Cause::new("FieldValueRequired", format!("spec.containers[{i}].image"), "Required value");
            return Err(ApiError::invalid("Pod", &name_of(old), vec![c]));
        }
        Ok(())
    }

    fn updated(store: &mut Store, key: &Key, old: &Self, shared: &Shared) {
        lifecycle::images_changed(store, key, old, &shared.timing);
        lifecycle::ephemeral_added(store, key, &shared.timing);
        lifecycle::finalizers_cleared(store, key);
        // A condition written through the status subresource may open a readiness gate.
        super::podstate::refresh(store, key);
    }

    fn delete(store: &mut Store, key: &Key, opts: &DeleteOpts, shared: &Shared) -> ApiResult<Deleted> {
        let Some(pod) = store.pods.get(key) else {
            return Err(ApiError::not_found("pods", &key.1));
        };
        let spec = pod.spec.clone().unwrap_or_default();
        let phase = pod.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
        let unscheduled = spec.node_name.as_deref().unwrap_or("").is_empty();
        let finished = phase == "Succeeded" || phase == "Failed";
        let mut grace = grace_of(opts.grace, spec.termination_grace_period_seconds);
        if unscheduled || finished || opts.grace == Some(0) {
            grace = std::time::Duration::ZERO;
        }
        // A finalizer keeps the object (marked for deletion) until it is removed.
        let held = pod.metadata.finalizers.as_ref().is_some_and(|f| !f.is_empty());
        let mut pending = pod.clone();
        if grace.is_zero() && !held {
            if opts.dry_run {
                return Ok(Deleted::Now(serde_json::to_value(&pod).unwrap_or(Value::Null)));
            }
            store.runtime.remove(key);
            let gone = store.remove::<Pod>(key);
            return Ok(Deleted::Now(serde_json::to_value(gone).unwrap_or(Value::Null)));
        }
        let secs = grace.as_secs() as i64;
        if let Some(existing) = pending.metadata.deletion_grace_period_seconds
            && existing <= secs
        {
            return Ok(Deleted::Pending(serde_json::to_value(&pending).unwrap_or(Value::Null)));
        }
        let at = now_secs().as_second() + secs;
        pending.metadata.deletion_timestamp = k8s_openapi::jiff::Timestamp::from_second(at).ok().map(Time);
        pending.metadata.deletion_grace_period_seconds = Some(secs);
        if opts.dry_run {
            return Ok(Deleted::Pending(serde_json::to_value(&pending).unwrap_or(Value::Null)));
        }
        let stored = store.update(pending);
        lifecycle::terminate(store, key, grace, &shared.timing);
        Ok(Deleted::Pending(serde_json::to_value(&stored).unwrap_or(Value::Null)))
    }
}
