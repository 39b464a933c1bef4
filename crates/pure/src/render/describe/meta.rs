//! The metadata and scheduling sections of `describe pod`: labels, annotations (the
//! last-applied one skipped, long ones folded), node selectors, tolerations and
//! topology spread constraints (describe.go `printLabelsMultiline`,
//! `printAnnotationsMultiline`, `printTolerationsMultilineWithIndent`,
//! `describeTopologySpreadConstraints`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Toleration, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::text::{Out, shorten};

const MAX_ANNOTATION_LEN: usize = 140;

// Each `o.w(0, ...)` below is one `Write` of describe.go: in a nested writer (an
// ephemeral volume's claim template) each one is indented, even mid-line, as kubectl's.

pub(super) fn labels_multiline(o: &mut Out, title: &str, labels: Option<&BTreeMap<String, String>>) {
    o.w(0, &format!("{title}:\t"));
    let Some(l) = labels.filter(|l| !l.is_empty()) else {
        o.w(0, "<none>\n");
        return;
    };
    for (i, (k, v)) in l.iter().enumerate() {
        if i != 0 {
            o.w(0, "");
            o.w(0, "\t");
        }
        o.w(0, &format!("{k}={v}\n"));
    }
}

pub(super) fn annotations_multiline(o: &mut Out, annotations: Option<&BTreeMap<String, String>>) {
    o.w(0, "Annotations:\t");
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        o.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            o.w(0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            o.w(0, &format!("{k}:\n"));
            for s in value.split('\n') {
                o.w(0, &format!("\t  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            o.w(0, &format!("{k}: {value}\n"));
        }
    }
}

pub(super) fn tolerations_multiline(o: &mut Out, tolerations: Option<&Vec<Toleration>>) {
    o.w(0, "Tolerations:\t");
    let Some(t) = tolerations.filter(|t| !t.is_empty()) else {
        o.w(0, "<none>\n");
        return;
    };
    let mut t = t.clone();
    t.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, tol) in t.iter().enumerate() {
        if i != 0 {
            o.w(0, "");
            o.w(0, "\t");
        }
        let key = tol.key.as_deref().unwrap_or("");
        let value = tol.value.as_deref().unwrap_or("");
        let effect = tol.effect.as_deref().unwrap_or("");
        o.w(0, key);
        if !value.is_empty() {
            o.w(0, &format!("={value}"));
        }
        if !effect.is_empty() {
            o.w(0, &format!(":{effect}"));
        }
        if tol.operator.as_deref() == Some("Exists") && value.is_empty() {
            o.w(0, if key.is_empty() && effect.is_empty() { "op=Exists" } else { " op=Exists" });
        }
        if let Some(s) = tol.toleration_seconds {
            o.w(0, &format!(" for {s}s"));
        }
        o.w(0, "\n");
    }
}

/// `metav1.FormatLabelSelector`: requirements sorted by key (`k=v`, `k in (a,b)`,
/// `k notin (a,b)`, `k`, `!k`), `<none>` when empty.
pub(super) fn format_label_selector(sel: &LabelSelector) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in sel.match_labels.iter().flatten() {
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in sel.match_expressions.iter().flatten() {
        let mut values = e.values.clone().unwrap_or_default();
        values.sort();
        values.dedup();
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", e.key, values.join(",")),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            _ => return "<error>".into(),
        };
        reqs.push((e.key.clone(), text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    let text: Vec<String> = reqs.into_iter().map(|(_, t)| t).collect();
    if text.is_empty() { "<none>".into() } else { text.join(",") }
}

/// The constraints by topology key, one line each; nothing when there are none.
pub(super) fn topology_spread(o: &mut Out, constraints: Option<&Vec<TopologySpreadConstraint>>) {
    let Some(c) = constraints.filter(|c| !c.is_empty()) else { return };
    let mut c = c.clone();
    c.sort_by(|a, b| a.topology_key.cmp(&b.topology_key));
    o.w(0, "Topology Spread Constraints:\t");
    for (i, tsc) in c.iter().enumerate() {
        if i != 0 {
            o.w(0, "");
            o.w(0, "\t");
        }
        o.w(0, &format!("{}:{}", tsc.topology_key, tsc.when_unsatisfiable));
        o.w(0, &format!(" when max skew {} is exceeded", tsc.max_skew));
        if let Some(sel) = &tsc.label_selector {
            o.w(0, &format!(" for selector {}", format_label_selector(sel)));
        }
        o.w(0, "\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn label_selectors_as_kubectl_formats_them() {
        let sel = LabelSelector {
            match_labels: Some([("app".to_string(), "web".to_string())].into()),
            match_expressions: Some(vec![
                LabelSelectorRequirement {
                    key: "tier".into(),
                    operator: "In".into(),
                    values: Some(vec!["fe".into(), "be".into()]),
                },
                LabelSelectorRequirement { key: "canary".into(), operator: "DoesNotExist".into(), values: None },
                LabelSelectorRequirement { key: "zone".into(), operator: "Exists".into(), values: None },
            ]),
        };
        assert_eq!(format_label_selector(&sel), "app=web,!canary,tier in (be,fe),zone");
        assert_eq!(format_label_selector(&LabelSelector::default()), "<none>");
    }
}
