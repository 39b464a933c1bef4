//! `wait [pod/]NAME --for=condition=NAME[=VALUE]|--for=delete|--for=jsonpath={...}=VALUE`:
//! checks the pod, then watches it until the condition holds or the timeout passes
//! (a zero timeout checks once), printing kubectl's words.

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use super::{Io, emit};
use crate::api::Watched;
use crate::cluster::Resource;
use crate::command::parse::{Condition, PathStep, Wait};
use crate::error::{ApiStatus, Error, Result};
use crate::session::Session;

/// The value at `path` in `v`, printed as kubectl's JSONPath prints a scalar.
pub fn jsonpath(v: &Value, path: &[PathStep]) -> Option<String> {
    let mut cur = v;
    for step in path {
        cur = match step {
            PathStep::Field(f) => cur.get(f)?,
            PathStep::Index(i) => cur.get(*i)?,
        };
    }
    Some(match cur {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn holds(c: &Condition, pod: &Pod) -> bool {
    match c {
        Condition::Status { name, value } => {
            let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
            conditions
                .and_then(|cs| cs.iter().find(|x| x.type_.eq_ignore_ascii_case(name)))
                .is_some_and(|x| x.status.eq_ignore_ascii_case(value))
        }
        Condition::JsonPath { path, value } => {
            let v = serde_json::to_value(pod).unwrap_or(Value::Null);
            jsonpath(&v, path).as_deref() == Some(value.as_str())
        }
        Condition::Delete => false,
    }
}

fn not_found(name: &str) -> Error {
    Error::api(ApiStatus {
        code: 404,
        reason: "NotFound".into(),
        message: format!("pods \"{name}\" not found"),
        details: None,
    })
}

/// Whether the wait is over, from the pod as it is now: `Some(true)` met, `Some(false)`
/// deleted before (nothing to print), `None` keep waiting.
fn settled(w: &Wait, current: Option<&Pod>) -> Result<Option<bool>> {
    match (current, &w.condition) {
        (None, Condition::Delete) => Ok(Some(false)),
        (None, _) => Err(not_found(&w.name)),
        (Some(p), c) if holds(c, p) => Ok(Some(true)),
        _ => Ok(None),
    }
}

pub async fn wait(session: &mut Session, w: Wait, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&w.scope).await?;
    let met = format!("pod/{} condition met\n", w.name);
    let current = match cluster.get::<Pod>(Resource::Pods, Some(&ns), &w.name).await {
        Ok(p) => Some(p),
        Err(e) if e.not_found() => None,
        Err(e) => return Err(e),
    };
    match settled(&w, current.as_ref())? {
        Some(true) => return emit(io.out, &met),
        Some(false) => return Ok(()),
        None if w.timeout.is_zero() => {
            return Err(Error::msg(format!("condition not met for pods/{}", w.name)));
        }
        None => {}
    }
    let rv = current.and_then(|p| p.metadata.resource_version).unwrap_or_else(|| "0".into());
    let watched = async {
        let mut events = cluster.watch_pod(&ns, &w.name, &rv).await?;
        while let Some(ev) = events.next().await {
            match (&w.condition, ev?) {
                (Condition::Delete, Watched::Deleted(_)) => return Ok(()),
                (c, Watched::Added(p) | Watched::Modified(p)) if holds(c, &p) => return Ok(()),
                _ => {}
            }
        }
        Err(Error::msg("the watch ended before the condition was met"))
    };
    match tokio::time::timeout(w.timeout, watched).await {
        Ok(Ok(())) => emit(io.out, &met),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(Error::msg(format!("timed out waiting for the condition on pods/{}", w.name))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::build::simple_path;
    use serde_json::json;

    #[test]
    fn jsonpath_fields_and_indexes() {
        let v = json!({"status": {"phase": "Running", "containerStatuses": [{"ready": true}]}});
        let path = |p: &str| simple_path(p).expect("a simple path");
        assert_eq!(jsonpath(&v, &path("{.status.phase}")).as_deref(), Some("Running"));
        assert_eq!(jsonpath(&v, &path("{.status.containerStatuses[0].ready}")).as_deref(), Some("true"));
        assert_eq!(jsonpath(&v, &path("{.nope}")), None);
        assert_eq!(jsonpath(&v, &path("{.status.containerStatuses[3].ready}")), None);
    }

    #[test]
    fn conditions_compare_ignoring_case() {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "p"},
            "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "PodScheduled", "status": "True"}]}
        }))
        .expect("a pod");
        let status = |name: &str, value: &str| Condition::Status { name: name.into(), value: value.into() };
        assert!(holds(&status("ready", "false"), &pod));
        assert!(!holds(&status("Ready", "true"), &pod));
        assert!(holds(&status("PodScheduled", "TRUE"), &pod));
        assert!(!holds(&status("Initialized", "true"), &pod), "a missing condition does not hold");
        assert!(!holds(&Condition::Delete, &pod));
    }
}
