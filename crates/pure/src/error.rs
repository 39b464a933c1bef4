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

/// client-go's reason for a bare HTTP code.
fn reason_for(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
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
