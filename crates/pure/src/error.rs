//! The shell's errors, typed by what went wrong, and how each is worded: server errors
//! exactly as kubectl words them (`render::errors`), our own as `error: ...` with at most
//! one `hint:` line and a caret under the offending word.

use serde_json::Value;

/// A `Status` the API server returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiStatus {
    pub code: u16,
    pub reason: String,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiStatus {
    /// Reads a Status body; falls back to the HTTP code for bodies that are not one.
    pub fn from_body(code: u16, body: &[u8]) -> Self {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        if v.get("kind").and_then(Value::as_str) == Some("Status") {
            return Self { code, reason: text("reason"), message: text("message"), details: v.get("details").cloned() };
        }
        let message = String::from_utf8_lossy(body).trim().to_string();
        Self { code, reason: reason_for(code).to_string(), message, details: None }
    }

    pub fn is_not_found(&self) -> bool {
        self.code == 404
    }
}

/// client-go's reason for an answer whose body is not a Status (apimachinery's
/// `NewGenericServerResponse`): the codes it names, `InternalError` for any other 5xx, and
/// no reason (kubectl prints `Error from server:`) for any other code.
fn reason_for(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        500.. => "InternalError",
        _ => "",
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The API server refused the request.
    #[error("{}", .status.message)]
    Api { status: Box<ApiStatus>, context: Option<String> },
    /// The API server could not be reached.
    #[error("cannot reach {server}: {cause}")]
    Connection { server: String, cause: String, refused: bool },
    /// The line was not understood.
    #[error("{message}")]
    Usage { message: String, hint: Option<String>, span: Option<(usize, usize)> },
    /// Anything else, worded for the user.
    #[error("{message}")]
    Message { message: String, hint: Option<String> },
    /// A message printed exactly as it is, because kubectl prints it so (no `error:`).
    #[error("{0}")]
    Plain(String),
    /// The command already printed its own diagnostics; this is its exit status.
    #[error("exit status {0}")]
    Status(i32),
    /// Ctrl-C ended the command.
    #[error("interrupted")]
    Interrupted,
}

/// How a stream cut mid-body is reported: Go's `io.ErrUnexpectedEOF`, as kubectl prints it.
pub const CUT_SHORT: &str = "unexpected EOF";

impl Error {
    /// A streamed answer (logs, a watch) the connection cut before its end.
    pub fn cut_short() -> Self {
        Error::msg(CUT_SHORT)
    }

    /// Whether this is `cut_short`: a watch opens again from where it was, a log ends.
    pub fn is_cut_short(&self) -> bool {
        matches!(self, Error::Message { message, hint: None } if message == CUT_SHORT)
    }

    pub fn msg(message: impl Into<String>) -> Self {
        Error::Message { message: message.into(), hint: None }
    }

    pub fn with_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Message { message: message.into(), hint: Some(hint.into()) }
    }

    pub fn api(status: ApiStatus) -> Self {
        Error::Api { status: Box::new(status), context: None }
    }

    /// Says which operation on which file failed, as kubectl's `error when creating "f"`.
    pub fn during(self, action: &str, file: &str) -> Self {
        match self {
            Error::Api { status, .. } => Error::Api { status, context: Some(format!("error when {action} {file:?}")) },
            other => other,
        }
    }

    /// The exit status a script sees.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Status(c) => *c,
            Error::Interrupted => 130,
            _ => 1,
        }
    }

    pub fn not_found(&self) -> bool {
        matches!(self, Error::Api { status, .. } if status.is_not_found())
    }
}

impl From<crate::command::ParseError> for Error {
    fn from(e: crate::command::ParseError) -> Self {
        Error::Usage { message: e.message, hint: e.hint, span: e.span }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_body_is_read_as_the_server_wrote_it() {
        let body = br#"{"kind":"Status","status":"Failure","reason":"AlreadyExists","message":"pods \"x\" already exists","details":{"name":"x"}}"#;
        let s = ApiStatus::from_body(409, body);
        assert_eq!(
            (s.code, s.reason.as_str(), s.message.as_str()),
            (409, "AlreadyExists", "pods \"x\" already exists")
        );
        assert_eq!(s.details, Some(serde_json::json!({"name": "x"})));
        // A JSON body of another kind is not a Status: its text is the message.
        let other = ApiStatus::from_body(404, br#"{"kind":"Pod","reason":"AlreadyExists"}"#);
        assert_eq!((other.reason.as_str(), other.details), ("NotFound", None));
    }

    #[test]
    fn a_bare_answer_takes_client_gos_reason_for_its_code() {
        // apimachinery/pkg/api/errors: NewGenericServerResponse.
        let cases = [
            (400, "BadRequest"),
            (401, "Unauthorized"),
            (403, "Forbidden"),
            (404, "NotFound"),
            (405, "MethodNotAllowed"),
            (406, "NotAcceptable"),
            (409, "Conflict"),
            (410, ""),
            (415, "UnsupportedMediaType"),
            (418, ""),
            (422, "Invalid"),
            (429, "TooManyRequests"),
            (499, ""),
            (500, "InternalError"),
            (502, "InternalError"),
            (503, "ServiceUnavailable"),
            (504, "Timeout"),
        ];
        for (code, reason) in cases {
            let s = ApiStatus::from_body(code, b"  upstream said no\n");
            assert_eq!(
                (s.reason.as_str(), s.message.as_str(), s.is_not_found()),
                (reason, "upstream said no", code == 404),
                "{code}"
            );
        }
    }

    #[test]
    fn errors_know_their_exit_status_and_kind() {
        let nf = Error::api(ApiStatus::from_body(404, b""));
        assert!(nf.not_found());
        assert!(!Error::api(ApiStatus::from_body(409, b"")).not_found());
        assert!(!Error::msg("pods \"x\" not found").not_found());
        assert_eq!(nf.exit_code(), 1);
        assert_eq!(Error::Status(3).exit_code(), 3);
        assert_eq!(Error::Interrupted.exit_code(), 130);
        assert_eq!(Error::Plain("x".into()).exit_code(), 1);
        assert!(Error::cut_short().is_cut_short());
        assert!(!Error::with_hint(CUT_SHORT, "h").is_cut_short());
        assert!(!Error::msg("unexpected").is_cut_short());
        assert_eq!(Error::cut_short().to_string(), "unexpected EOF");
    }

    #[test]
    fn during_names_the_file_only_for_server_errors() {
        let e = Error::api(ApiStatus::from_body(409, b"")).during("creating", "pod.yaml");
        assert!(matches!(&e, Error::Api { context: Some(c), .. } if c == "error when creating \"pod.yaml\""));
        assert_eq!(Error::msg("m").during("creating", "pod.yaml"), Error::msg("m"));
    }
}
