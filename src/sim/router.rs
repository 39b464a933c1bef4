//! Maps a request path to a resource target and calls the handler for its verb.
//! Paths follow the API server's layout: `/api/v1/{res}`, `/api/v1/{res}/{name}[/{sub}]`,
//! `/api/v1/namespaces/{ns}/{res}[/{name}[/{sub}]]`, plus discovery and OpenAPI.

use std::sync::Arc;

use axum::http::Method;
use axum::response::{IntoResponse, Response};
use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount};

use super::discovery as disc;
use super::kinds::Res;
use super::request::{Req, Target, json_reply, parse_target, text_reply, typed_reply};
use super::shared::Shared;
use super::status::ApiError;
use super::{access, logs, openapi, read, write};

/// Serves one request.
pub async fn route(shared: Arc<Shared>, mut req: Req, server_addr: String) -> Response {
    let path = req.path.trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let accept = req.accept().to_string();
    match segs.as_slice() {
        ["version"] => json_reply(200, &disc::version(), &[]),
        ["healthz"] | ["livez"] | ["readyz"] => text_reply(200, "ok".into()),
        ["api"] if disc::wants_aggregated(&accept) => {
            typed_reply(disc::AGGREGATED_CONTENT_TYPE, &disc::aggregated_core())
        }
        ["api"] => json_reply(200, &disc::api_versions(&server_addr), &[]),
        ["apis"] if disc::wants_aggregated(&accept) => {
            typed_reply(disc::AGGREGATED_CONTENT_TYPE, &disc::aggregated_groups())
        }
        ["apis"] => json_reply(200, &disc::api_group_list(), &[]),
        ["apis", access::GROUP] => json_reply(200, &access::group_discovery(), &[]),
        ["apis", access::GROUP, "v1"] => json_reply(200, &access::resource_list(), &[]),
        ["apis", access::GROUP, "v1", "selfsubjectaccessreviews"] if req.method == Method::POST => {
            access::self_subject_access_review(&shared, &req).unwrap_or_else(IntoResponse::into_response)
        }
        ["api", "v1"] => json_reply(200, &disc::resource_list(), &[]),
        ["openapi", "v3"] => json_reply(200, &openapi::v3_root(), &[]),
        ["openapi", "v3", "api", "v1"] => json_reply(200, openapi::v3_core(), &[]),
        ["api", "v1", "watch", rest @ ..] => {
            req.query.insert("watch".into(), "true".into());
            match parse_target(rest) {
                Some(t) if t.name.is_none() => resource(&shared, &req, t).await,
                _ => ApiError::not_found_path().into_response(),
            }
        }
        ["api", "v1", rest @ ..] => match parse_target(rest) {
            Some(t) => resource(&shared, &req, t).await,
            None => ApiError::not_found_path().into_response(),
        },
        _ => ApiError::not_found_path().into_response(),
    }
}

macro_rules! by_kind {
    ($res:expr, $f:ident, $($arg:expr),*) => {
        match $res {
            Res::Pods => $f::<Pod>($($arg),*),
            Res::Namespaces => $f::<Namespace>($($arg),*),
            Res::Events => $f::<Event>($($arg),*),
            Res::Nodes => $f::<Node>($($arg),*),
            Res::ConfigMaps => $f::<ConfigMap>($($arg),*),
            Res::Secrets => $f::<Secret>($($arg),*),
            Res::ServiceAccounts => $f::<ServiceAccount>($($arg),*),
            Res::Services => $f::<Service>($($arg),*),
        }
    };
}

/// The RBAC verb of a request.
fn verb_of(req: &Req, t: &Target) -> &'static str {
    match (&req.method, t.name.is_some()) {
        (&Method::GET, true) => "get",
        (&Method::GET, false) if req.flag("watch") => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => "unknown",
    }
}

/// The subresource `kubectl debug` adds containers through.
const EPHEMERAL: &str = "ephemeralcontainers";

/// The simulated user's name, as a service account token's subject reads.
pub const USER: &str = "system:serviceaccount:default:podsh";

async fn resource(shared: &Arc<Shared>, req: &Req, t: Target) -> Response {
    let verb = verb_of(req, &t);
    let plural = t.res.info().plural;
    if shared.forbid.iter().any(|(v, r)| v == verb && r == plural) {
        return ApiError::rbac(USER, verb, plural, t.name.as_deref(), t.namespace.as_deref()).into_response();
    }
    let result = match (&req.method, t.name.is_some(), t.sub.as_deref()) {
        (&Method::GET, true, Some("log")) if t.res == Res::Pods => return logs::logs(shared, req, &t).await,
        (_, _, Some(s)) if s != "status" && !(s == EPHEMERAL && t.res == Res::Pods) => Err(ApiError::not_found_path()),
        (&Method::GET, false, None) if req.flag("watch") => return by_kind!(t.res, watch_list, shared, req, &t),
        (&Method::GET, false, None) => match read::wait_fresh(shared, req).await {
            Ok(()) => by_kind!(t.res, list_objects, shared, req, &t),
            Err(e) => Err(e),
        },
        (&Method::GET, true, _) => by_kind!(t.res, get_object, shared, req, &t),
        (&Method::POST, false, None) => by_kind!(t.res, create_object, shared, req, &t),
        (&Method::PUT, true, _) => by_kind!(t.res, replace_object, shared, req, &t),
        (&Method::PATCH, true, _) => by_kind!(t.res, patch_object, shared, req, &t),
        (&Method::DELETE, true, None) => by_kind!(t.res, delete_object, shared, req, &t),
        (&Method::DELETE, false, None) => by_kind!(t.res, delete_collection, shared, req, &t),
        _ => Err(ApiError::method_not_allowed()),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

use super::watch::watch_list;
use read::{get_object, list_objects};
use write::{create_object, delete_collection, delete_object, patch_object, replace_object};
