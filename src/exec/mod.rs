//! Carrying out commands: each verb family in its own file, each taking the session,
//! the command's typed options and the output streams. Results are data or typed
//! errors; wording comes from `render`.

mod apply;
mod delete;
mod describe;
mod events;
mod get;
mod kubectl;
mod logs;
mod manifests;
mod run;
mod shellverbs;
mod wait;

use std::io::Write;

use crate::command::Command;
use crate::error::Result;
use crate::session::Session;

pub use get::without_managed_fields;

pub use kubectl::kubectl_available;

/// Output streams of one command.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// A person is at a terminal (confirmations, carets).
    pub interactive: bool,
    /// Whether `out` is the terminal itself (pass-through kubectl inherits it then).
    pub out_is_terminal: bool,
}

/// What the shell does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// Runs one command.
pub async fn execute(session: &mut Session, command: Command, io: &mut Io<'_>) -> Result<Flow> {
    match command {
        Command::Get(g) => get::get(session, g, io).await?,
        Command::Describe(d) => describe::describe(session, d, io).await?,
        Command::Run(r) => run::run(session, *r, io).await?,
        Command::Apply(a) => apply::apply(session, a, io).await?,
        Command::Delete(d) => delete::delete(session, d, io).await?,
        Command::Logs(l) => logs::logs(session, l, io).await?,
        Command::Events(e) => events::events(session, e, io).await?,
        Command::Wait(w) => wait::wait(session, w, io).await?,
        Command::Namespace(ns) => shellverbs::namespace(session, ns, io).await?,
        Command::Context(ctx) => shellverbs::context(session, ctx, io)?,
        Command::Contexts => shellverbs::contexts(session, io)?,
        Command::Namespaces => shellverbs::namespaces(session, io).await?,
        Command::History(n) => shellverbs::history(session, n, io)?,
        Command::Help(v) => shellverbs::help(v.as_deref(), io)?,
        Command::Clear => shellverbs::clear(io)?,
        Command::Notify(on) => shellverbs::notify(session, on, io)?,
        Command::Exit => return Ok(Flow::Exit),
        Command::Kubectl(words) => kubectl::pass_through(session, &words, io).await?,
        Command::Shell(cmd) => kubectl::host_shell(&cmd, io).await?,
    }
    Ok(Flow::Continue)
}

/// Writes, mapping I/O failures to our error type.
pub(crate) fn emit(w: &mut dyn Write, text: &str) -> Result<()> {
    w.write_all(text.as_bytes()).and_then(|_| w.flush()).map_err(|e| crate::error::Error::msg(format!("write: {e}")))
}

/// Ends a command that worked on several objects: one failure is returned as it is (the
/// shell words it); several are printed here and the command fails with status 1.
pub(crate) fn finish_errors(mut errors: Vec<crate::error::Error>, io: &mut Io<'_>) -> Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => {
            for e in &errors {
                emit(io.err, &crate::render::errors::error_text(e, None, false))?;
            }
            Err(crate::error::Error::Status(1))
        }
    }
}
