//! The OpenAPI v3 document for `api/v1`, as kubectl reads it for `explain` and for
//! `--validate`: every served kind's schema with the field descriptions of the Kubernetes
//! API (generated from k8s-openapi's `schemars` schemas, refs rewritten to
//! `#/components/schemas/...` in the `allOf` form the API server uses), plus a PATCH
//! operation per kind declaring `fieldValidation`. Built once; its hash names its version.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::discovery::GIT_VERSION;
use super::kinds::Res;

/// The document and its hash.
static CORE: LazyLock<(Value, String)> = LazyLock::new(|| {
    let doc = core_document();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    doc.to_string().hash(&mut h);
    (doc, format!("{:016X}", h.finish()))
});

pub fn v3_root() -> Value {
    json!({"paths": {"api/v1": {"serverRelativeURL": format!("/openapi/v3/api/v1?hash={}", CORE.1)}}})
}

pub fn v3_core() -> &'static Value {
    &CORE.0
}

/// Rewrites schemars' `#/$defs/X` refs to components, wrapping a ref that has siblings
/// (a description) in `allOf` as the API server's v3 document does.
fn rewrite(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.remove("$ref") {
                let target = r.replace("#/$defs/", "#/components/schemas/");
                if map.is_empty() {
                    map.insert("$ref".into(), Value::String(target));
                } else {
                    map.insert("allOf".into(), json!([{"$ref": target}]));
                    map.entry("default").or_insert(json!({}));
                }
            }
            for v in map.values_mut() {
                rewrite(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

fn add_kind<K: JsonSchema>(schemas: &mut Map<String, Value>, kind: &str) {
    let root = SchemaGenerator::default().into_root_schema_for::<K>();
    let Ok(Value::Object(mut root)) = serde_json::to_value(root) else { return };
    let defs = root.remove("$defs");
    root.remove("$schema");
    root.remove("title");
    // k8s-openapi marks `metadata` required because its field is not optional; the API's
    // schema does not.
    if let Some(Value::Array(req)) = root.get_mut("required") {
        req.retain(|r| r != "metadata");
        if req.is_empty() {
            root.remove("required");
        }
    }
    root.insert("x-kubernetes-group-version-kind".into(), json!([{"group": "", "kind": kind, "version": "v1"}]));
    let mut root = Value::Object(root);
    rewrite(&mut root);
    schemas.insert(format!("io.k8s.api.core.v1.{kind}"), root);
    if let Some(Value::Object(defs)) = defs {
        for (name, mut def) in defs {
            rewrite(&mut def);
            schemas.entry(name).or_insert(def);
        }
    }
}

fn core_document() -> Value {
    let mut schemas = Map::new();
    for r in Res::ALL {
        let kind = r.info().kind;
        match r {
            Res::Pods => add_kind::<Pod>(&mut schemas, kind),
            Res::Namespaces => add_kind::<Namespace>(&mut schemas, kind),
            Res::Events => add_kind::<Event>(&mut schemas, kind),
            Res::Nodes => add_kind::<Node>(&mut schemas, kind),
            Res::ConfigMaps => add_kind::<ConfigMap>(&mut schemas, kind),
            Res::Secrets => add_kind::<Secret>(&mut schemas, kind),
            Res::ServiceAccounts => add_kind::<ServiceAccount>(&mut schemas, kind),
            Res::Services => add_kind::<Service>(&mut schemas, kind),
        }
    }
    let mut paths = Map::new();
    for r in Res::ALL {
        let i = r.info();
        let path = if i.namespaced {
            format!("/api/v1/namespaces/{{namespace}}/{}/{{name}}", i.plural)
        } else {
            format!("/api/v1/{}/{{name}}", i.plural)
        };
        let gvk = json!({"group": "", "version": "v1", "kind": i.kind});
        let params = json!([
            {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}},
        ]);
        paths.insert(
            path,
            json!({"patch": {
            "x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": "patch",
            "parameters": params, "responses": {"200": {"description": "OK"}}}}),
        );
    }
    json!({"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": GIT_VERSION},
           "paths": paths, "components": {"schemas": schemas}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_refs_as_the_api_server_serves_them() {
        let doc = v3_core();
        let schemas = &doc["components"]["schemas"];
        let pod = &schemas["io.k8s.api.core.v1.Pod"];
        assert_eq!(pod["x-kubernetes-group-version-kind"][0]["kind"], "Pod");
        assert!(pod.get("required").is_none());
        assert_eq!(pod["properties"]["spec"]["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.core.v1.PodSpec");
        assert!(pod["description"].as_str().is_some_and(|d| d.starts_with("Pod is a collection of containers")));
        let containers = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(containers["items"]["$ref"], "#/components/schemas/io.k8s.api.core.v1.Container");
        assert_eq!(schemas["io.k8s.api.core.v1.Container"]["required"], json!(["name"]));
        assert!(schemas["io.k8s.api.core.v1.Service"].is_object());
        assert!(!doc.to_string().contains("$defs"));
        assert!(v3_root()["paths"]["api/v1"]["serverRelativeURL"].as_str().is_some_and(|u| u.ends_with(&CORE.1)));
    }
}
