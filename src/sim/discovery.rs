//! Discovery and OpenAPI documents: `/version`, `/api`, `/apis`, `/api/v1` (legacy and
//! aggregated forms), and the minimal OpenAPI v3 that tells kubectl the server validates
//! fields itself (so `apply`/`create` send `fieldValidation=Strict`).

use serde_json::{Value, json};

use super::kinds::Res;

/// The Kubernetes version the simulator reports; it matches k8s-openapi's `v1_33`, so the
/// kubectl dispatcher picks its 1.33 build.
pub const GIT_VERSION: &str = "v1.33.0";

pub fn version() -> Value {
    json!({
        "major": "1", "minor": "33", "emulationMajor": "1", "emulationMinor": "33",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "32",
        "gitVersion": GIT_VERSION, "gitCommit": "60a317eadfcb839692a68eab88b2096f4d708f4f",
        "gitTreeState": "clean", "buildDate": "2025-04-23T13:07:18Z", "goVersion": "go1.24.2",
        "compiler": "gc", "platform": format!("linux/{}", go_arch()),
    })
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

pub fn api_versions(server: &str) -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"],
           "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server}]})
}

pub fn api_group_list() -> Value {
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [super::access::group_discovery()]})
}

pub fn resource_list() -> Value {
    let mut resources = Vec::new();
    for r in Res::ALL {
        let i = r.info();
        let mut e = json!({"name": i.plural, "singularName": i.singular, "namespaced": i.namespaced,
            "kind": i.kind, "verbs": i.verbs, "storageVersionHash": ""});
        if !i.short.is_empty() {
            e["shortNames"] = json!(i.short);
        }
        if !i.categories.is_empty() {
            e["categories"] = json!(i.categories);
        }
        resources.push(e);
        for (sub, verbs) in i.subresources {
            resources.push(json!({"name": format!("{}/{sub}", i.plural), "singularName": "",
                "namespaced": i.namespaced, "kind": i.kind, "verbs": verbs}));
        }
    }
    json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": resources})
}

/// Aggregated discovery (`apidiscovery.k8s.io/v2`) for the core group.
pub fn aggregated_core() -> Value {
    let resources: Vec<Value> = Res::ALL
        .iter()
        .map(|r| {
            let i = r.info();
            let kind = json!({"group": "", "version": "v1", "kind": i.kind});
            let mut e = json!({
                "resource": i.plural, "responseKind": kind,
                "scope": if i.namespaced { "Namespaced" } else { "Cluster" },
                "singularResource": i.singular, "verbs": i.verbs,
            });
            if !i.short.is_empty() {
                e["shortNames"] = json!(i.short);
            }
            if !i.categories.is_empty() {
                e["categories"] = json!(i.categories);
            }
            let subs: Vec<Value> = i
                .subresources
                .iter()
                .map(|(s, v)| json!({"subresource": s, "responseKind": kind, "verbs": v}))
                .collect();
            if !subs.is_empty() {
                e["subresources"] = json!(subs);
            }
            e
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
        "items": [{"metadata": {"creationTimestamp": null},
                   "versions": [{"version": "v1", "resources": resources, "freshness": "Current"}]}]})
}

pub fn aggregated_groups() -> Value {
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
           "items": [super::access::aggregated()]})
}

pub const AGGREGATED_CONTENT_TYPE: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether the Accept header asks for aggregated discovery v2.
pub fn wants_aggregated(accept: &str) -> bool {
    accept.contains("as=APIGroupDiscoveryList") && accept.contains("v=v2")
}
