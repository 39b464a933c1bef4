//! `wait NAME --for=condition=Ready|--for=delete|--for=jsonpath={...}=VALUE`: watches
//! the pod until the condition holds or the timeout passes, printing kubectl's words.

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use super::{Io, emit};
use crate::api::Watched;
use crate::cluster::Resource;
use crate::command::parse::{Condition, Wait};
use crate::error::{Error, Result};
use crate::session::Session;

/// A tiny JSONPath: `{.a.b[0].c}` dotted fields and indexes.
pub fn jsonpath(v: &Value, path: &str) -> Option<String> {
    let inner = path.trim().trim_start_matches('{').trim_end_matches('}').trim_start_matches('.');
    let mut cur = v;
    for part in inner.split('.').filter(|p| !p.is_empty()) {
        let (field, index) = match part.split_once('[') {
            Some((f, rest)) => (f, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = cur.get(field)?;
        if let Some(i) = index {
            cur = cur.get(i)?;
        }
    }
    Some(match cur {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn holds(c: &Condition, pod: &Pod) -> bool {
    match c {
        Condition::Ready(kind) => pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|x| x.type_.eq_ignore_ascii_case(kind) && x.status == "True")),
        Condition::JsonPath { path, value } => {
            let v = serde_json::to_value(pod).unwrap_or(Value::Null);
            jsonpath(&v, path).as_deref() == Some(value.as_str())
        }
        Condition::Delete => false,
    }
}

pub async fn wait(session: &mut Session, w: Wait, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&w.scope).await?;
    let done = format!("pod/{} condition met\n", w.name);
    let watched = async {
        let current = match cluster.get::<Pod>(Resource::Pods, Some(&ns), &w.name).await {
            Ok(v) => Some(v),
            Err(e) if e.not_found() => None,
            Err(e) => return Err(e),
        };
        match (&current, &w.condition) {
            (None, Condition::Delete) => return Ok(()),
            (None, _) => {
                return Err(Error::api(crate::error::ApiStatus {
                    code: 404,
                    reason: "NotFound".into(),
                    message: format!("pods \"{}\" not found", w.name),
                    details: None,
                }));
            }
            (Some(p), c) if holds(c, p) => return Ok(()),
            _ => {}
        }
        let rv = current.as_ref().and_then(|p| p.metadata.resource_version.clone()).unwrap_or_else(|| "0".into());
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
    match tokio::time::timeout(std::time::Duration::from_secs(w.timeout_secs), watched).await {
        Ok(Ok(())) => emit(io.out, &done),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(Error::msg(format!("timed out waiting for the condition on pods/{}", w.name))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonpath_fields_and_indexes() {
        let v = json!({"status": {"phase": "Running", "containerStatuses": [{"ready": true}]}});
        assert_eq!(jsonpath(&v, "{.status.phase}").as_deref(), Some("Running"));
        assert_eq!(jsonpath(&v, "{.status.containerStatuses[0].ready}").as_deref(), Some("true"));
        assert_eq!(jsonpath(&v, "{.nope}"), None);
    }
}
