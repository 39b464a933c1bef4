//! What other writers than the kubelet own in a pod's status, as each status projection
//! (`podstate::refresh`) keeps it: an eviction's reason and message, the scheduler's
//! nominated node, conditions written through the status subresource; and readiness
//! gates, which hold `Ready` at False until their conditions are True
//! (pkg/kubelet/status/generate.go's rules).

use k8s_openapi::api::core::v1::{PodCondition, PodReadinessGate, PodStatus};

/// Condition types the kubelet writes itself and so replaces on every status update.
const KUBELET_OWNED: &[&str] = &[
    "PodScheduled",
    "Ready",
    "Initialized",
    "ContainersReady",
    "PodReadyToStartContainers",
    "PodResizePending",
    "PodResizeInProgress",
];

/// Carries into the kubelet's new `status` what other writers set in `prev`: the
/// conditions it does not own (after its own), the nominated node, and a reason and
/// message unless the kubelet wrote its own (a lost node's).
pub fn keep(status: &mut PodStatus, prev: Option<&PodStatus>) {
    let Some(prev) = prev else { return };
    let others = prev.conditions.iter().flatten().filter(|c| !KUBELET_OWNED.contains(&c.type_.as_str()));
    let mut others = others.cloned().peekable();
    if others.peek().is_some() {
        status.conditions.get_or_insert_with(Vec::new).extend(others);
    }
    if status.reason.is_none() && status.message.is_none() {
        status.reason.clone_from(&prev.reason);
        status.message.clone_from(&prev.message);
    }
    status.nominated_node_name.clone_from(&prev.nominated_node_name);
}

/// Why the readiness `gates` keep a pod whose containers are ready from being Ready, in
/// the kubelet's words, or `None` when every gate's condition is True.
pub fn unready_gates(gates: &[PodReadinessGate], prev: Option<&PodStatus>) -> Option<String> {
    let conditions: &[PodCondition] = prev.and_then(|p| p.conditions.as_deref()).unwrap_or(&[]);
    let why: Vec<String> = gates
        .iter()
        .map(|g| &g.condition_type)
        .filter_map(|gate| match conditions.iter().find(|c| &c.type_ == gate) {
            None => Some(format!("corresponding condition of pod readiness gate {gate:?} does not exist.")),
            Some(c) if c.status != "True" => {
                Some(format!("the status of pod readiness gate {gate:?} is not \"True\", but {}", c.status))
            }
            Some(_) => None,
        })
        .collect();
    (!why.is_empty()).then(|| why.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(conds: &[(&str, &str)]) -> PodStatus {
        let conditions = conds
            .iter()
            .map(|(t, s)| PodCondition { type_: (*t).into(), status: (*s).into(), ..Default::default() })
            .collect();
        PodStatus { conditions: Some(conditions), ..Default::default() }
    }

    #[test]
    fn gates_read_as_the_kubelet_words_them() {
        let gate = |t: &str| PodReadinessGate { condition_type: t.into() };
        let gates = [gate("example.com/a"), gate("example.com/b")];
        assert_eq!(
            unready_gates(&gates, None).as_deref(),
            Some(
                "corresponding condition of pod readiness gate \"example.com/a\" does not exist., \
                 corresponding condition of pod readiness gate \"example.com/b\" does not exist."
            )
        );
        let half = status(&[("example.com/a", "True"), ("example.com/b", "False")]);
        assert_eq!(
            unready_gates(&gates, Some(&half)).as_deref(),
            Some("the status of pod readiness gate \"example.com/b\" is not \"True\", but False")
        );
        let all = status(&[("example.com/a", "True"), ("example.com/b", "True")]);
        assert_eq!(unready_gates(&gates, Some(&all)), None);
        assert_eq!(unready_gates(&[], None), None);
    }

    #[test]
    fn only_conditions_the_kubelet_does_not_own_are_kept() {
        let prev = status(&[("Ready", "True"), ("example.com/a", "True"), ("DisruptionTarget", "True")]);
        let mut now = status(&[("Ready", "False")]);
        keep(&mut now, Some(&prev));
        let types: Vec<&str> = now.conditions.iter().flatten().map(|c| c.type_.as_str()).collect();
        assert_eq!(types, ["Ready", "example.com/a", "DisruptionTarget"]);
        let mut bare = PodStatus::default();
        keep(&mut bare, Some(&status(&[("Ready", "True")])));
        assert_eq!(bare.conditions, None);
    }
}
