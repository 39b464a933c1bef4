//! Hand-offs: lines the shell does not carry out itself run in the real kubectl with the
//! session's kubeconfig, context and namespace; `!cmd` runs in `sh -c`. A child inherits
//! the terminal when the shell's streams are the process's own (so `exec -it` works and
//! Ctrl-C reaches the child, not the shell); otherwise its output is copied into them.

use std::process::Stdio;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

use super::Io;
use crate::error::{Error, Result};
use crate::session::Session;

/// Whether kubectl is on PATH.
pub fn kubectl_available() -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("kubectl").is_file()))
}

fn has_flag(words: &[String], names: &[&str]) -> bool {
    words.iter().any(|w| names.iter().any(|n| w == n || w.starts_with(&format!("{n}="))))
}

/// kubectl's arguments for `words` in the session's scope.
pub fn kubectl_args(session: &Session, words: &[String]) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(f) = session.kubeconfig_file() {
        args.push(format!("--kubeconfig={}", f.display()));
    }
    if !has_flag(words, &["--context"]) {
        args.push(format!("--context={}", session.context()));
    }
    if !has_flag(words, &["-n", "--namespace", "-A", "--all-namespaces"])
        && !words.iter().any(|w| w.starts_with("-n") && w.len() > 2)
    {
        args.push(format!("--namespace={}", session.namespace()));
    }
    args.extend(words.iter().cloned());
    args
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

async fn run_child(mut cmd: Command, io: &mut Io<'_>, what: &str) -> Result<()> {
    let own = io.terminal.inherited;
    cmd.stdin(if own { Stdio::inherit() } else { Stdio::null() });
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

pub async fn kubectl(session: &mut Session, words: &[String], io: &mut Io<'_>) -> Result<()> {
    let mut cmd = Command::new("kubectl");
    cmd.args(kubectl_args(session, words));
    run_child(cmd, io, "kubectl").await
}

pub async fn host(line: &str, io: &mut Io<'_>) -> Result<()> {
    if line.trim().is_empty() {
        return Err(Error::with_hint("`!` needs a command", "e.g. !ls"));
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(line);
    run_child(cmd, io, "sh").await
}
