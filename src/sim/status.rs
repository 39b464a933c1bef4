//! Kubernetes `Status` errors as the API server shapes them (apimachinery `api/errors`):
//! every failure a handler returns is one of these, rendered as the real JSON body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One `details.causes[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub reason: &'static str,
    pub message: String,
    pub field: String,
}

impl Cause {
    pub fn new(reason: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { reason, field: field.into(), message: message.into() }
    }
    /// `field: message`, the `field.Error.Error()` form.
    pub fn line(&self) -> String {
        format!("{}: {}", self.field, self.message)
    }
}

/// A failed request, rendered as a `Status` object.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: String, details: Option<Value>) -> Self {
        Self { code, reason, message, details }
    }

    pub fn not_found(resource: &str, name: &str) -> Self {
        let details = json!({"name": name, "kind": resource});
        Self::new(404, "NotFound", format!("{resource} {} not found", go_quote(name)), Some(details))
    }

    pub fn not_found_path() -> Self {
        Self::new(404, "NotFound", "the server could not find the requested resource".into(), None)
    }

    pub fn already_exists(resource: &str, name: &str) -> Self {
        let details = json!({"name": name, "kind": resource});
        Self::new(409, "AlreadyExists", format!("{resource} {} already exists", go_quote(name)), Some(details))
    }

    pub fn conflict(resource: &str, name: &str) -> Self {
        Self::conflict_because(
            resource,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    pub fn conflict_because(resource: &str, name: &str, why: &str) -> Self {
        let msg = format!("Operation cannot be fulfilled on {resource} {}: {why}", go_quote(name));
        Self::new(409, "Conflict", msg, Some(json!({"name": name, "kind": resource})))
    }

    pub fn apply_conflict(resource: &str, name: &str, message: String, causes: Vec<Cause>) -> Self {
        let details = json!({"name": name, "kind": resource, "causes": causes_json(&causes)});
        Self::new(409, "Conflict", message, Some(details))
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message.into(), None)
    }

    pub fn forbidden(resource: &str, name: &str, why: &str) -> Self {
        let details = json!({"name": name, "kind": resource});
        Self::new(403, "Forbidden", format!("{resource} {} is forbidden: {why}", go_quote(name)), Some(details))
    }

    /// RBAC's refusal, worded as the API server's authorizer words it.
    pub fn rbac(user: &str, verb: &str, resource: &str, name: Option<&str>, namespace: Option<&str>) -> Self {
        let subject = match name {
            Some(n) => format!("{resource} {}", go_quote(n)),
            None => resource.to_string(),
        };
        let scope = match namespace {
            Some(ns) => format!("in the namespace {}", go_quote(ns)),
            None => "at the cluster scope".to_string(),
        };
        let message = format!(
            "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"\" {scope}"
        );
        let mut details = json!({"kind": resource});
        if let Some(n) = name {
            details["name"] = json!(n);
        }
        Self::new(403, "Forbidden", message, Some(details))
    }

    pub fn gone(message: String) -> Self {
        Self::new(410, "Expired", message, None)
    }

    /// A watch or list from a version the server has not reached (apiserver
    /// `TooLargeResourceVersionError`, served as 504 Timeout).
    pub fn too_large_version(asked: u64, current: u64) -> Self {
        let details = json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1});
        Self::new(504, "Timeout", format!("Too large resource version: {asked}, current: {current}"), Some(details))
    }

    /// An overloaded server's answer (API Priority and Fairness): try again in a second.
    pub fn too_many_requests() -> Self {
        let details = json!({"retryAfterSeconds": 1});
        Self::new(429, "TooManyRequests", "Too many requests, please try again later.".into(), Some(details))
    }

    pub fn unavailable() -> Self {
        Self::new(503, "ServiceUnavailable", "the server is currently unable to handle the request".into(), None)
    }

    /// A failure inside the server; `why` is what went wrong underneath.
    pub fn internal(why: &str) -> Self {
        let details = json!({"causes": [{"message": why}]});
        Self::new(500, "InternalError", format!("Internal error occurred: {why}"), Some(details))
    }

    /// A request body over the server's limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(413, "RequestEntityTooLarge", format!("Request entity too large: limit is {limit}"), None)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized".into(), None)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource".into(),
            None,
        )
    }

    pub fn unsupported_media(content_type: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf; got {content_type}"
            ),
            None,
        )
    }

    /// A 422 without a named object (`NewGenericServerResponse`), which keeps only its
    /// generic message.
    pub fn unprocessable() -> Self {
        Self::new(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request".into(),
            Some(json!({})),
        )
    }

    /// 422 Invalid, with the aggregate message rule of `errors.NewInvalid`.
    pub fn invalid(kind: &str, name: &str, causes: Vec<Cause>) -> Self {
        let mut lines: Vec<String> = Vec::new();
        for c in &causes {
            let l = c.line();
            if !lines.contains(&l) {
                lines.push(l);
            }
        }
        let agg = if lines.len() == 1 { lines.remove(0) } else { format!("[{}]", lines.join(", ")) };
        let details = json!({"name": name, "kind": kind, "causes": causes_json(&causes)});
        Self::new(422, "Invalid", format!("{kind} {} is invalid: {agg}", go_quote(name)), Some(details))
    }

    /// The `Status` JSON body.
    pub fn body(&self) -> Value {
        let mut v = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": self.message, "reason": self.reason,
        });
        if let Some(d) = &self.details {
            v["details"] = d.clone();
        }
        v["code"] = json!(self.code);
        v
    }
}

/// A string as Go's `%q` writes it, as the API server quotes names in its messages: the
/// usual escapes, other control characters as `\xNN` or `\uNNNN`, the rest as is.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x80 && c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn causes_json(causes: &[Cause]) -> Value {
    causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = self.body().to_string();
        // The API server turns a Status's retryAfterSeconds into a Retry-After header,
        // which is what clients (client-go, kube) wait on before retrying.
        let retry_after = self.details.as_ref().and_then(|d| d["retryAfterSeconds"].as_i64()).filter(|s| *s > 0);
        let mut resp = (code, [("content-type", "application/json")], body).into_response();
        if let Some(secs) = retry_after.and_then(|s| axum::http::HeaderValue::from_str(&s.to_string()).ok()) {
            resp.headers_mut().insert("retry-after", secs);
        }
        resp
    }
}

/// The `Status` a successful delete of a non-pod object returns.
pub fn success_status(resource: &str, name: &str, uid: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
           "details": {"name": name, "kind": resource, "uid": uid}})
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_as_go_quotes_them() {
        assert_eq!(go_quote("web-1"), "\"web-1\"");
        assert_eq!(go_quote("a\nb\t\"c\"\\"), r#""a\nb\t\"c\"\\""#);
        assert_eq!(go_quote("\u{0}\u{1b}\u{7f}"), r#""\x00\x1b\x7f""#);
        assert_eq!(go_quote("\u{85}é🙂"), "\"\\u0085é🙂\"");
        assert_eq!(ApiError::not_found("pods", "a\nb").message, r#"pods "a\nb" not found"#);
    }

    // Shapes from apimachinery errors.go as recorded in shared/reference/k8s-facts.md 4.7.
    #[test]
    fn not_found_body() {
        let b = ApiError::not_found("pods", "x").body().to_string();
        assert_eq!(
            b,
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}"#
        );
    }

    #[test]
    fn invalid_aggregates() {
        let one = ApiError::invalid(
            "Pod",
            "p",
            vec![Cause::new("FieldValueRequired", "spec.containers[0].image", "Required value")],
        );
        assert_eq!(one.message, "Pod \"p\" is invalid: spec.containers[0].image: Required value");
        let two = ApiError::invalid(
            "Pod",
            "p",
            vec![
                Cause::new("FieldValueRequired", "a", "Required value"),
                Cause::new("FieldValueRequired", "b", "Required value"),
            ],
        );
        assert_eq!(two.message, "Pod \"p\" is invalid: [a: Required value, b: Required value]");
    }
}
