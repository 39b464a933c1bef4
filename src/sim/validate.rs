//! Pod validation with the API server's exact messages (`pkg/apis/core/validation`,
//! apimachinery `util/validation`), and strict unknown-field detection for `fieldValidation`.

use std::collections::HashSet;

use k8s_openapi::api::core::v1::{Container, Pod};
use serde_json::Value;

use super::status::Cause;
use crate::common::fields::{display, dropped};

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Go-quoted string, as `field.Invalid` prints string values.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Errors for a DNS-1123 label (namespace and container names).
pub fn dns_label(field: &str, v: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    if v.len() > 63 {
        out.push(Cause::new(
            "FieldValueInvalid",
            field,
            format!("Invalid value: {}: must be no more than 63 characters", quote(v)),
        ));
    }
    if !is_label(v) {
        out.push(Cause::new("FieldValueInvalid", field, format!("Invalid value: {}: {DNS1123_LABEL_MSG}", quote(v))));
    }
    out
}

/// Errors for a DNS-1123 subdomain (pod names).
pub fn dns_subdomain(field: &str, v: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    if v.len() > 253 {
        out.push(Cause::new(
            "FieldValueInvalid",
            field,
            format!("Invalid value: {}: must be no more than 253 characters", quote(v)),
        ));
    }
    if !v.split('.').all(is_label) {
        out.push(Cause::new(
            "FieldValueInvalid",
            field,
            format!("Invalid value: {}: {DNS1123_SUBDOMAIN_MSG}", quote(v)),
        ));
    }
    out
}

fn label_value_ok(v: &str) -> bool {
    let b = v.as_bytes();
    v.is_empty()
        || (v.len() <= 63
            && b.iter().all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

fn not_supported(field: &str, v: &str, allowed: &[&str]) -> Cause {
    let list: Vec<String> = allowed.iter().map(|a| quote(a)).collect();
    Cause::new(
        "FieldValueNotSupported",
        field,
        format!("Unsupported value: {}: supported values: {}", quote(v), list.join(", ")),
    )
}

fn container_errors(path: &str, c: &Container, names: &mut HashSet<String>, out: &mut Vec<Cause>) {
    if c.name.is_empty() {
        out.push(Cause::new("FieldValueRequired", format!("{path}.name"), "Required value"));
    } else {
        out.extend(dns_label(&format!("{path}.name"), &c.name));
        if !names.insert(c.name.clone()) {
            out.push(Cause::new(
                "FieldValueDuplicate",
                format!("{path}.name"),
                format!("Duplicate value: {}", quote(&c.name)),
            ));
        }
    }
    if c.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
        out.push(Cause::new("FieldValueRequired", format!("{path}.image"), "Required value"));
    }
    let mut port_names = HashSet::new();
    for (j, p) in c.ports.iter().flatten().enumerate() {
        let pp = format!("{path}.ports[{j}]");
        if p.container_port == 0 {
            out.push(Cause::new("FieldValueRequired", format!("{pp}.containerPort"), "Required value"));
        } else if !(1..=65535).contains(&p.container_port) {
            out.push(Cause::new(
                "FieldValueInvalid",
                format!("{pp}.containerPort"),
                format!("Invalid value: {}: must be between 1 and 65535, inclusive", p.container_port),
            ));
        }
        if let Some(hp) = p.host_port.filter(|h| *h != 0 && !(1..=65535).contains(h)) {
            out.push(Cause::new(
                "FieldValueInvalid",
                format!("{pp}.hostPort"),
                format!("Invalid value: {hp}: must be between 1 and 65535, inclusive"),
            ));
        }
        if let Some(proto) = p.protocol.as_deref().filter(|x| !["SCTP", "TCP", "UDP"].contains(x)) {
            out.push(not_supported(&format!("{pp}.protocol"), proto, &["SCTP", "TCP", "UDP"]));
        }
        if let Some(n) = p.name.as_deref().filter(|n| !n.is_empty())
            && !port_names.insert(n.to_string())
        {
            out.push(Cause::new("FieldValueDuplicate", format!("{pp}.name"), format!("Duplicate value: {}", quote(n))));
        }
    }
    if let Some(pol) = c.image_pull_policy.as_deref().filter(|x| !["Always", "IfNotPresent", "Never"].contains(x)) {
        out.push(not_supported(&format!("{path}.imagePullPolicy"), pol, &["Always", "IfNotPresent", "Never"]));
    }
}

/// Validates a (defaulted) pod being created.
pub fn validate_pod(pod: &Pod) -> Vec<Cause> {
    let mut out = Vec::new();
    let m = &pod.metadata;
    match m.name.as_deref() {
        None | Some("") => out.push(Cause::new(
            "FieldValueRequired",
            "metadata.name",
            "Required value: name or generateName is required",
        )),
        Some(n) => out.extend(dns_subdomain("metadata.name", n)),
    }
    for (k, v) in m.labels.iter().flatten() {
        if !label_value_ok(v) {
            out.push(Cause::new(
                "FieldValueInvalid",
                "metadata.labels",
                format!("Invalid value: {}: {LABEL_VALUE_MSG}", quote(v)),
            ));
        }
        let name = k.rsplit('/').next().unwrap_or(k);
        if name.is_empty() || name.len() > 63 || !label_value_ok(name) {
            out.push(Cause::new("FieldValueInvalid", "metadata.labels", format!("Invalid value: {}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')", quote(k))));
        }
    }
    let Some(spec) = &pod.spec else {
        out.push(Cause::new("FieldValueRequired", "spec.containers", "Required value"));
        return out;
    };
    let mut names = HashSet::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        container_errors(&format!("spec.initContainers[{i}]"), c, &mut names, &mut out);
    }
    if spec.containers.is_empty() {
        out.push(Cause::new("FieldValueRequired", "spec.containers", "Required value"));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        container_errors(&format!("spec.containers[{i}]"), c, &mut names, &mut out);
    }
    if let Some(p) = spec.restart_policy.as_deref().filter(|p| !["Always", "OnFailure", "Never"].contains(p)) {
        out.push(not_supported("spec.restartPolicy", p, &["Always", "OnFailure", "Never"]));
    }
    let dns = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    if let Some(p) = spec.dns_policy.as_deref().filter(|p| !dns.contains(p)) {
        out.push(not_supported("spec.dnsPolicy", p, &dns));
    }
    out
}

/// Paths present (and non-null) in what the client sent but dropped by the typed decode:
/// the fields the schema does not declare, e.g. `metadata.lables`.
pub fn unknown_fields(sent: &Value, kept: &Value) -> Vec<String> {
    dropped(sent, kept).iter().map(|p| display(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_seed_typo() {
        let sent = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "nginx", "lables": {"app": "myapp"}, "creationTimestamp": null},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2", "imagee": "x"}]}});
        let pod: Pod = serde_json::from_value(sent.clone()).expect("decodes");
        let kept = serde_json::to_value(&pod).expect("encodes");
        assert_eq!(unknown_fields(&sent, &kept), vec!["metadata.lables", "spec.containers[0].imagee"]);
    }

    // Messages from shared/reference/kubectl-outputs/errors_outputs.txt (real kubectl 1.32).
    #[test]
    fn reference_messages() {
        let pod: Pod = serde_json::from_value(json!({"metadata": {"name": "Bad_Name"},
            "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 70000}]}, {"name": "a", "image": "x"}]}}))
        .expect("decodes");
        let lines: Vec<String> = validate_pod(&pod).iter().map(Cause::line).collect();
        assert_eq!(
            lines,
            vec![
                "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "spec.containers[0].image: Required value",
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[1].name: Duplicate value: \"a\"",
            ]
        );
    }
}
