//! How errors read: server errors exactly as kubectl's `checkErr` words them
//! (kubectl/pkg/cmd/util/helpers.go), our own as `error: ...` with an optional caret
//! under the offending word and at most one `hint:` line.

use serde_json::Value;

use crate::error::{ApiStatus, Error};

/// kubectl's text for a server error (may be several lines; ends with a newline).
pub fn api_text(status: &ApiStatus, context: Option<&str>) -> String {
    if status.reason == "Invalid" {
        return invalid_text(status);
    }
    if status.code == 401 {
        return format!("error: You must be logged in to the server ({})\n", status.message);
    }
    let msg = match context {
        Some(c) => format!("{c}: {}", status.message),
        None => status.message.clone(),
    };
    if status.reason.is_empty() {
        format!("Error from server: {msg}\n")
    } else {
        format!("Error from server ({}): {msg}\n", status.reason)
    }
}

fn invalid_text(status: &ApiStatus) -> String {
    let d = status.details.clone().unwrap_or(Value::Null);
    let kind = d.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = d.get("name").and_then(Value::as_str).unwrap_or("");
    let prefix = if kind.is_empty() && name.is_empty() {
        "The request is invalid".to_string()
    } else {
        format!("The {kind} {name:?} is invalid")
    };
    let causes: Vec<String> = d
        .get("causes")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    let field = c.get("field").and_then(Value::as_str).unwrap_or("");
                    let message = c.get("message").and_then(Value::as_str).unwrap_or("");
                    if field.is_empty() { message.to_string() } else { format!("{field}: {message}") }
                })
                .collect()
        })
        .unwrap_or_default();
    match causes.as_slice() {
        [] => format!("{prefix}\n"),
        [one] => format!("{prefix}: {one}\n"),
        many => {
            let mut s = format!("{prefix}: \n");
            for c in many {
                s.push_str(&format!("* {c}\n"));
            }
            s
        }
    }
}

/// The full text for any error. `line` is the typed line, for a caret under usage errors
/// (shown only when `caret` is true: interactive terminals).
pub fn error_text(e: &Error, line: Option<&str>, caret: bool) -> String {
    match e {
        Error::Api { status, context } => api_text(status, context.as_deref()),
        Error::Connection { server, cause, refused } => {
            if *refused {
                format!("The connection to the server {server} was refused - did you specify the right host or port?\n")
            } else {
                format!("Unable to connect to the server {server}: {cause}\n")
            }
        }
        Error::Usage { message, hint, span } => {
            let mut s = format!("error: {message}\n");
            if let (true, Some(l), Some((start, end))) = (caret, line, span) {
                let lead = l.get(..*start).map_or(0, |p| p.chars().count());
                let width = l.get(*start..*end).map_or(1, |p| p.chars().count().max(1));
                s.push_str(&format!("  {l}\n  {}{}\n", " ".repeat(lead), "^".repeat(width)));
            }
            if let Some(h) = hint {
                s.push_str(&format!("hint: {h}\n"));
            }
            s
        }
        Error::Plain(text) => format!("{text}\n"),
        Error::Message { message, hint } => {
            let mut s = format!("error: {message}\n");
            if let Some(h) = hint {
                s.push_str(&format!("hint: {h}\n"));
            }
            s
        }
        Error::Status(_) | Error::Interrupted => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Texts: shared/reference/kubectl-outputs/errors_outputs.txt and apply/delete outputs.
    #[test]
    fn kubectl_wording() {
        let nf =
            ApiStatus { code: 404, reason: "NotFound".into(), message: "pods \"x\" not found".into(), details: None };
        assert_eq!(api_text(&nf, None), "Error from server (NotFound): pods \"x\" not found\n");
        let ae = ApiStatus {
            code: 409,
            reason: "AlreadyExists".into(),
            message: "pods \"app1\" already exists".into(),
            details: None,
        };
        assert_eq!(
            api_text(&ae, Some("error when creating \"pod-a.yaml\"")),
            "Error from server (AlreadyExists): error when creating \"pod-a.yaml\": pods \"app1\" already exists\n"
        );
        let inv = ApiStatus {
            code: 422,
            reason: "Invalid".into(),
            message: String::new(),
            details: Some(
                json!({"name": "okname", "kind": "Pod", "causes": [{"field": "spec.containers[0].image", "message": "Required value"}]}),
            ),
        };
        assert_eq!(api_text(&inv, None), "The Pod \"okname\" is invalid: spec.containers[0].image: Required value\n");
    }

    #[test]
    fn caret_under_the_word() {
        let e = Error::Usage {
            message: "unknown command \"gte\"".into(),
            hint: Some("did you mean \"get\"?".into()),
            span: Some((0, 3)),
        };
        assert_eq!(
            error_text(&e, Some("gte pods"), true),
            "error: unknown command \"gte\"\n  gte pods\n  ^^^\nhint: did you mean \"get\"?\n"
        );
        assert_eq!(
            error_text(&e, Some("gte pods"), false),
            "error: unknown command \"gte\"\nhint: did you mean \"get\"?\n"
        );
    }

    /// kubectl's checkErr for an Invalid error names the kind and name when either is set,
    /// and a cause without a field by its message alone.
    #[test]
    fn invalid_without_a_whole_identity() {
        let inv = |details: serde_json::Value| ApiStatus {
            code: 422,
            reason: "Invalid".into(),
            message: String::new(),
            details: Some(details),
        };
        assert_eq!(api_text(&inv(json!({"kind": "Pod"})), None), "The Pod \"\" is invalid\n");
        assert_eq!(api_text(&inv(json!({"name": "x"})), None), "The  \"x\" is invalid\n");
        assert_eq!(
            api_text(&inv(json!({"causes": [{"message": "bad"}, {"field": "f", "message": "worse"}]})), None),
            "The request is invalid: \n* bad\n* f: worse\n"
        );
        let unauthorized =
            ApiStatus { code: 401, reason: "Unauthorized".into(), message: "Unauthorized".into(), details: None };
        assert_eq!(
            api_text(&unauthorized, Some("ignored")),
            "error: You must be logged in to the server (Unauthorized)\n"
        );
        let bare = ApiStatus { code: 418, reason: String::new(), message: "teapot".into(), details: None };
        assert_eq!(api_text(&bare, None), "Error from server: teapot\n");
    }
}
