//! `SelfSubjectAccessReview` (authorization.k8s.io/v1), so `kubectl auth can-i` answers:
//! the simulated user may do everything except the `(verb, resource)` pairs the simulator
//! was told to forbid, the same rule the router enforces on requests.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Value, json};

use super::protobuf;
use super::request::{Req, json_reply};
use super::shared::Shared;
use super::status::{ApiError, ApiResult};

pub const GROUP: &str = "authorization.k8s.io";

/// Answers a review: the request's spec, with `status.allowed` filled in.
pub fn self_subject_access_review(shared: &Arc<Shared>, req: &Req) -> ApiResult<Response> {
    let mut review = if req.content_type().contains("protobuf") {
        protobuf::access_review_from_protobuf(&req.body)
            .ok_or_else(|| ApiError::unsupported_media(req.content_type()))?
    } else {
        req.json_body()?
    };
    let attrs = &review["spec"]["resourceAttributes"];
    let (verb, resource) = if attrs.is_object() {
        (attrs["verb"].as_str().unwrap_or(""), attrs["resource"].as_str().unwrap_or(""))
    } else {
        let non = &review["spec"]["nonResourceAttributes"];
        if !non.is_object() {
            return Err(ApiError::bad_request(
                "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified",
            ));
        }
        (non["verb"].as_str().unwrap_or(""), "")
    };
    let forbidden = shared.forbid.iter().any(|(v, r)| (v == verb || v == "*") && (r == resource || r == "*"));
    review["apiVersion"] = json!(format!("{GROUP}/v1"));
    review["kind"] = json!("SelfSubjectAccessReview");
    if review.get("metadata").is_none_or(Value::is_null) {
        review["metadata"] = json!({});
    }
    review["metadata"]["creationTimestamp"] = Value::Null;
    review["status"] = json!({"allowed": !forbidden});
    Ok(json_reply(201, &review, &[]))
}

/// The group's discovery documents.
pub fn group_discovery() -> Value {
    json!({"name": GROUP, "versions": [{"groupVersion": format!("{GROUP}/v1"), "version": "v1"}],
           "preferredVersion": {"groupVersion": format!("{GROUP}/v1"), "version": "v1"}})
}

pub fn resource_list() -> Value {
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": format!("{GROUP}/v1"), "resources": [
        {"name": "selfsubjectaccessreviews", "singularName": "selfsubjectaccessreview", "namespaced": false,
         "kind": "SelfSubjectAccessReview", "verbs": ["create"]}]})
}

pub fn aggregated() -> Value {
    json!({"metadata": {"name": GROUP, "creationTimestamp": null}, "versions": [{"version": "v1", "freshness": "Current",
        "resources": [{"resource": "selfsubjectaccessreviews", "singularResource": "selfsubjectaccessreview",
            "scope": "Cluster", "verbs": ["create"],
            "responseKind": {"group": GROUP, "version": "v1", "kind": "SelfSubjectAccessReview"}}]}]})
}
