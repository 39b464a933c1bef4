//! The Pod's schema as k8s-openapi states it (its `schemars` JSON Schema, generated from
//! the Kubernetes OpenAPI): which fields each level of a Pod manifest declares. Used to
//! name an unknown field together with the field most likely meant.

use schemars::SchemaGenerator;
use serde_json::Value;

use super::fields::Seg;

/// The Pod schema with every definition it refers to.
fn pod_schema() -> Value {
    let root = SchemaGenerator::default().into_root_schema_for::<k8s_openapi::api::core::v1::Pod>();
    serde_json::to_value(root).unwrap_or(Value::Null)
}

/// Follows a `$ref` within the root schema's definitions.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else { return node };
        let Some(name) = r.strip_prefix("#/$defs/").or_else(|| r.strip_prefix("#/definitions/")) else { return node };
        let defs = root.get("$defs").or_else(|| root.get("definitions"));
        match defs.and_then(|d| d.get(name)) {
            Some(n) => node = n,
            None => return node,
        }
    }
    node
}

/// The field names declared at `path` of a Pod (empty when the path leaves the schema or
/// reaches a free-form map).
pub fn pod_fields_at(path: &[Seg]) -> Vec<String> {
    let root = pod_schema();
    let mut node = resolve(&root, &root);
    for seg in path {
        let next = match seg {
            Seg::Key(k) => node
                .get("properties")
                .and_then(|p| p.get(k.as_str()))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
            Seg::Index(_) => node.get("items"),
        };
        match next {
            Some(n) => node = resolve(&root, n),
            None => return Vec::new(),
        }
    }
    node.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default()
}

/// The description of the field at `path` (property names) of `T`, as its API docs
/// state it; empty when the path leaves the schema.
pub fn field_doc<T: schemars::JsonSchema>(path: &[&str]) -> String {
    let root = serde_json::to_value(SchemaGenerator::default().into_root_schema_for::<T>()).unwrap_or(Value::Null);
    // A property's own description comes first; a `$ref`'d type's describes the type.
    let (mut prop, mut node) = (&root, resolve(&root, &root));
    for key in path {
        match node.get("properties").and_then(|p| p.get(*key)) {
            Some(n) => (prop, node) = (n, resolve(&root, n)),
            None => return String::new(),
        }
    }
    let described = prop.get("description").or_else(|| node.get("description"));
    described.and_then(Value::as_str).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &[Seg]) -> Vec<String> {
        pod_fields_at(path)
    }

    #[test]
    fn fields_by_level() {
        let top = at(&[]);
        assert!(["apiVersion", "kind", "metadata", "spec", "status"].iter().all(|f| top.contains(&f.to_string())));
        let meta = at(&[Seg::Key("metadata".into())]);
        assert!(meta.contains(&"labels".to_string()) && meta.contains(&"generateName".to_string()));
        let container = at(&[Seg::Key("spec".into()), Seg::Key("containers".into()), Seg::Index(0)]);
        assert!(container.contains(&"imagePullPolicy".to_string()) && container.contains(&"resizePolicy".to_string()));
        let probe = at(&[
            Seg::Key("spec".into()),
            Seg::Key("containers".into()),
            Seg::Index(0),
            Seg::Key("livenessProbe".into()),
        ]);
        assert!(probe.contains(&"initialDelaySeconds".to_string()), "{probe:?}");
        assert!(at(&[Seg::Key("nope".into())]).is_empty());
        assert!(at(&[Seg::Key("metadata".into()), Seg::Key("labels".into())]).is_empty(), "labels are a free map");
    }

    #[test]
    fn field_docs_are_the_api_docs() {
        use k8s_openapi::api::core::v1::Pod;
        let restart = field_doc::<Pod>(&["spec", "restartPolicy"]);
        assert!(restart.starts_with("Restart policy for all containers within the pod."), "{restart}");
        let image = field_doc::<k8s_openapi::api::core::v1::Container>(&["image"]);
        assert!(image.starts_with("Container image name."), "{image}");
        assert_eq!(field_doc::<Pod>(&["spec", "nope"]), "");
    }
}
