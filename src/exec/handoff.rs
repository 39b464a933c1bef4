//! Hand-offs: lines the shell does not carry out itself run in the real kubectl, whole
//! and unchanged; `!cmd` runs in `sh -c`. kubectl reads the session's kubeconfig files
//! (`KUBECONFIG`); when the session's context or namespace differs from the files', a
//! private overlay file listed first makes them kubectl's current context and namespace,
//! so kubectl behaves exactly as it would had the user switched there (no `--namespace`
//! flag, so no "not scoped to the provided namespace" warnings and no extra fields in
//! its output). A child inherits the terminal when the shell's streams are the process's
//! own (so `exec -it` works and Ctrl-C reaches the child); otherwise its output is copied.

use std::io::Write as _;
use std::process::Stdio;

use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::{Io, emit};
use crate::error::{Error, Result};
use crate::session::Session;

/// Whether kubectl is on PATH.
pub fn kubectl_available() -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("kubectl").is_file()))
}

/// The line as kubectl gets it: with the shell's `--request-timeout` (when it was started
/// with one) unless the line gives its own; put after the verb, before any `--`.
fn with_request_timeout(words: &[String], timeout: Option<&str>) -> Vec<String> {
    let mut out = words.to_vec();
    let own = words.iter().take_while(|w| *w != "--").any(|w| w.starts_with("--request-timeout"));
    if let Some(t) = timeout.filter(|_| !own && !words.is_empty()) {
        out.insert(1, format!("--request-timeout={t}"));
    }
    out
}

/// A line names its own kubeconfig: kubectl gets nothing from the session.
fn own_kubeconfig(words: &[String]) -> bool {
    words.iter().any(|w| w == "--kubeconfig" || w.starts_with("--kubeconfig="))
}

/// The overlay kubeconfig that makes the session's context current with the session's
/// namespace; `None` when the files already say so.
fn overlay(session: &Session) -> Result<Option<tempfile::NamedTempFile>> {
    let ctx = session.context();
    let same_ns = session.kubeconfig_namespace(ctx) == session.namespace();
    if session.kubeconfig_current() == Some(ctx) && same_ns {
        return Ok(None);
    }
    let Some(named) = session.kubeconfig().contexts.iter().find(|c| c.name == ctx) else { return Ok(None) };
    let mut context = serde_json::to_value(named).map_err(|e| Error::msg(format!("kubeconfig overlay: {e}")))?;
    context["context"]["namespace"] = json!(session.namespace());
    let doc = json!({"apiVersion": "v1", "kind": "Config", "current-context": ctx, "contexts": [context]});
    let mut file = tempfile::Builder::new()
        .prefix(".podsh-kubeconfig-")
        .tempfile()
        .map_err(|e| Error::msg(format!("kubeconfig overlay: {e}")))?;
    file.write_all(doc.to_string().as_bytes()).map_err(|e| Error::msg(format!("kubeconfig overlay: {e}")))?;
    Ok(Some(file))
}

/// Copies a child's stream into `to` until it ends.
async fn copy(from: Option<impl AsyncRead + Unpin>, to: &mut dyn std::io::Write, what: &str) -> Result<()> {
    let Some(mut from) = from else { return Ok(()) };
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = from.read(&mut buf).await.map_err(|e| Error::msg(format!("reading {what}: {e}")))?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n]).and_then(|_| to.flush()).map_err(|e| Error::msg(format!("write: {e}")))?;
    }
}

/// Runs the child; `input` (text the shell already read from stdin) becomes its stdin.
async fn run_child(mut cmd: Command, io: &mut Io<'_>, what: &str, input: Option<&str>) -> Result<()> {
    let own = io.terminal.inherited;
    cmd.stdin(match (input, own) {
        (Some(_), _) => Stdio::piped(),
        (None, true) => Stdio::inherit(),
        (None, false) => Stdio::null(),
    });
    cmd.stdout(if io.out_is_terminal { Stdio::inherit() } else { Stdio::piped() });
    cmd.stderr(if own { Stdio::inherit() } else { Stdio::piped() });
    let mut child = cmd.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::with_hint(
                format!("{what} is not on PATH"),
                format!("this line is handed to {what}; install it, or use a native verb (`help`)"),
            )
        } else {
            Error::msg(format!("cannot run {what}: {e}"))
        }
    })?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(text.as_bytes()).await.map_err(|e| Error::msg(format!("writing to {what}: {e}")))?;
    }
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let (out, err) = (&mut *io.out, &mut *io.err);
    let (o, e) = tokio::join!(copy(stdout, out, what), copy(stderr, err, what));
    o.and(e)?;
    let status = child.wait().await.map_err(|e| Error::msg(format!("waiting for {what}: {e}")))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(c) => Err(Error::Status(c)),
        None => Err(Error::Status(130)),
    }
}

/// Runs `words` in kubectl in the session's scope; `input` is stdin text the shell read
/// already (a manifest given with `-f -`).
pub async fn kubectl_with_input(
    session: &mut Session,
    words: &[String],
    input: Option<&str>,
    io: &mut Io<'_>,
) -> Result<()> {
    let mut cmd = Command::new("kubectl");
    cmd.args(with_request_timeout(words, session.request_timeout().map(|t| t.given.as_str())));
    let config = words.first().is_some_and(|w| w == "config");
    let mut _overlay = None;
    if !own_kubeconfig(words) {
        let mut list = session.sources().env_value();
        if !config && let Some(file) = overlay(session)? {
            let mut joined = file.path().as_os_str().to_os_string();
            joined.push(if cfg!(windows) { ";" } else { ":" });
            joined.push(&list);
            list = joined;
            _overlay = Some(file);
        }
        cmd.env("KUBECONFIG", list);
    }
    let before = (session.kubeconfig_current().map(str::to_string), session.kubeconfig_namespace(session.context()));
    let result = run_child(cmd, io, "kubectl", input).await;
    if config && !own_kubeconfig(words) {
        follow(session, before, io)?;
    }
    result
}

pub async fn kubectl(session: &mut Session, words: &[String], io: &mut Io<'_>) -> Result<()> {
    kubectl_with_input(session, words, None, io).await
}

/// After a `config` line: when kubectl changed the kubeconfig's current context, or
/// the namespace of the session's context, the session follows and says so.
fn follow(session: &mut Session, before: (Option<String>, String), io: &mut Io<'_>) -> Result<()> {
    if let Err(e) = session.reload() {
        return emit(io.err, &format!("warning: cannot re-read the kubeconfig: {e}\n"));
    }
    let current = session.kubeconfig_current().map(str::to_string);
    if current != before.0
        && let Some(ctx) = current.filter(|c| c != session.context())
    {
        let ns = session.kubeconfig_namespace(&ctx);
        session.set_context(&ctx)?;
        session.set_namespace(&ns)?;
        return emit(io.err, &format!("note: the session follows kubectl to context {ctx:?} (namespace {ns:?})\n"));
    }
    let ns = session.kubeconfig_namespace(session.context());
    if ns != before.1 && ns != session.namespace() {
        session.set_namespace(&ns)?;
        emit(io.err, &format!("note: the session follows kubectl to namespace {ns:?}\n"))?;
    }
    Ok(())
}

pub async fn host(line: &str, io: &mut Io<'_>) -> Result<()> {
    if line.trim().is_empty() {
        return Err(Error::with_hint("`!` needs a command", "e.g. !ls"));
    }
    run_child(crate::hostshell::async_command(line), io, crate::hostshell::NAME, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn the_shells_request_timeout_goes_after_the_verb_unless_the_line_has_one() {
        assert_eq!(with_request_timeout(&words("get nodes"), Some("5s")), words("get --request-timeout=5s nodes"));
        assert_eq!(with_request_timeout(&words("get nodes"), None), words("get nodes"));
        let own = words("get nodes --request-timeout=1s");
        assert_eq!(with_request_timeout(&own, Some("5s")), own);
        let exec = words("exec web -- sh -c --request-timeout");
        assert_eq!(
            with_request_timeout(&exec, Some("5s")),
            words("exec --request-timeout=5s web -- sh -c --request-timeout")
        );
        assert!(with_request_timeout(&[], Some("5s")).is_empty());
    }
}
