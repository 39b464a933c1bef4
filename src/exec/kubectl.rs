//! Hand-offs: verbs the shell does not implement run in the real kubectl with the
//! session's kubeconfig, context and namespace, inheriting the terminal (so `exec -it`
//! works and Ctrl-C reaches the child, not the shell); `!cmd` runs in `sh -c`.

use std::process::Stdio;

use tokio::io::AsyncReadExt;
use tokio::process::Command;

use super::manifests::Doc;
use super::{Io, emit};
use crate::command::parse::{Apply, DryRun};
use crate::error::{Error, Result};
use crate::render::yaml::to_yaml;
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
    if let Some(f) = &session.kubeconfig_file {
        args.push(format!("--kubeconfig={}", f.display()));
    }
    if !has_flag(words, &["--context"]) {
        args.push(format!("--context={}", session.context));
    }
    if !has_flag(words, &["-n", "--namespace", "-A", "--all-namespaces"])
        && !words.iter().any(|w| w.starts_with("-n") && w.len() > 2)
    {
        args.push(format!("--namespace={}", session.namespace));
    }
    args.extend(words.iter().cloned());
    args
}

async fn run_child(mut cmd: Command, io: &mut Io<'_>, what: &str) -> Result<()> {
    cmd.stdin(Stdio::inherit()).stderr(Stdio::inherit());
    let capture = !io.out_is_terminal;
    cmd.stdout(if capture { Stdio::piped() } else { Stdio::inherit() });
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
    if let Some(mut out) = child.stdout.take() {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = out.read(&mut buf).await.map_err(|e| Error::msg(format!("reading {what}: {e}")))?;
            if n == 0 {
                break;
            }
            io.out.write_all(&buf[..n]).and_then(|_| io.out.flush()).map_err(|e| Error::msg(format!("write: {e}")))?;
        }
    }
    let status = child.wait().await.map_err(|e| Error::msg(format!("waiting for {what}: {e}")))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(c) => Err(Error::Status(c)),
        None => Err(Error::Status(130)),
    }
}

pub async fn pass_through(session: &mut Session, words: &[String], io: &mut Io<'_>) -> Result<()> {
    let mut cmd = Command::new("kubectl");
    cmd.args(kubectl_args(session, words));
    run_child(cmd, io, "kubectl").await
}

pub async fn host_shell(line: &str, io: &mut Io<'_>) -> Result<()> {
    if line.trim().is_empty() {
        return Err(Error::with_hint("`!` needs a command", "e.g. !ls"));
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(line);
    run_child(cmd, io, "sh").await
}

/// Non-Pod documents of an `apply`/`create` go to kubectl in one temporary file.
pub async fn apply_others(session: &mut Session, a: &Apply, docs: &[Doc], io: &mut Io<'_>) -> Result<i32> {
    let dir = tempfile::tempdir().map_err(|e| Error::msg(format!("temp dir: {e}")))?;
    let path = dir.path().join("objects.yaml");
    let text: Vec<String> = docs.iter().map(|d| to_yaml(&d.value)).collect();
    std::fs::write(&path, text.join("---\n")).map_err(|e| Error::msg(format!("temp file: {e}")))?;
    let mut words = vec![
        if a.create_only { "create" } else { "apply" }.to_string(),
        "-f".into(),
        path.to_string_lossy().into_owned(),
    ];
    match a.dry_run {
        DryRun::Client => words.push("--dry-run=client".into()),
        DryRun::Server => words.push("--dry-run=server".into()),
        DryRun::None => {}
    }
    if let Some(ns) = &a.scope.namespace {
        words.push(format!("--namespace={ns}"));
    }
    match pass_through(session, &words, io).await {
        Ok(()) => Ok(0),
        Err(Error::Status(c)) => Ok(c),
        Err(e) => {
            emit(io.err, &crate::render::errors::error_text(&e, None, false))?;
            Ok(1)
        }
    }
}
