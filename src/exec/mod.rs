//! Carrying out commands: each verb family in its own file, each taking the session, the
//! run's settings, the command's typed options and the output streams. Results are data
//! or typed errors; wording comes from `render`.

mod apply;
mod builtins;
mod delete;
mod describe;
mod draft;
mod events;
mod get;
mod handoff;
mod logs;
pub mod manifests;
pub mod references;
mod run;
mod tail;
mod wait;
mod why;

use std::io::{BufRead, Write};

use crate::command::Command;
use crate::error::{Error, Result};
use crate::session::Session;
use crate::settings::Settings;
use crate::streams::Terminal;

pub use get::without_managed_fields;
pub use handoff::kubectl_available;

/// The streams one command works with.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut (dyn Write + Send),
    pub input: &'a mut (dyn BufRead + Send),
    /// A person is at a terminal (confirmations, carets).
    pub interactive: bool,
    /// `out` is the process's own stdout and a terminal: a child such as `kubectl exec
    /// -it` may take it over.
    pub out_is_terminal: bool,
    pub terminal: Terminal,
}

impl Io<'_> {
    /// One line of input (a confirmation's answer).
    pub fn read_line(&mut self) -> Result<String> {
        let mut answer = String::new();
        self.input.read_line(&mut answer).map_err(|e| Error::msg(format!("reading the answer: {e}")))?;
        Ok(answer)
    }
}

/// What the shell does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// Runs one command.
pub async fn execute(session: &mut Session, settings: &Settings, command: Command, io: &mut Io<'_>) -> Result<Flow> {
    match command {
        Command::Get(g) => get::get(session, g, io).await?,
        Command::Describe(d) => describe::describe(session, d, io).await?,
        Command::Run(r) => run::run(session, *r, io).await?,
        Command::Apply(a) => apply::apply(session, settings, a, io).await?,
        Command::Delete(d) => delete::delete(session, d, io).await?,
        Command::Logs(l) => logs::logs(session, l, io).await?,
        Command::Events(e) => events::events(session, e, io).await?,
        Command::Wait(w) => wait::wait(session, w, io).await?,
        Command::Namespace(ns) => builtins::namespace(session, ns, io).await?,
        Command::Context(ctx) => builtins::context(session, ctx, io)?,
        Command::Contexts => builtins::contexts(session, io)?,
        Command::Namespaces => builtins::namespaces(session, io).await?,
        Command::History(h) => builtins::history(settings, h, io)?,
        Command::Help(v) => builtins::help(v.as_deref(), io)?,
        Command::Clear => builtins::clear(io)?,
        Command::Notify(on) => builtins::notify(settings, on, io)?,
        Command::ReadOnly(on) => builtins::readonly(settings, on, io)?,
        Command::Draft(d) => draft::draft(session, settings, *d, io).await?,
        Command::Why(w) => why::why(session, w, io).await?,
        Command::Tail(t) => tail::tail(session, settings, t, io).await?,
        Command::Exit => return Ok(Flow::Exit),
        Command::Kubectl(words) => handoff::kubectl(session, &words, io).await?,
        Command::Host(cmd) => handoff::host(&cmd, io).await?,
    }
    Ok(Flow::Continue)
}

/// Writes, mapping I/O failures to our error type.
pub(crate) fn emit(w: &mut dyn Write, text: &str) -> Result<()> {
    w.write_all(text.as_bytes()).and_then(|_| w.flush()).map_err(|e| Error::msg(format!("write: {e}")))
}

/// Ends a command that worked on several objects: one failure is returned as it is (the
/// shell words it); several are printed here and the command fails with status 1.
pub(crate) fn finish_errors(mut errors: Vec<Error>, io: &mut Io<'_>) -> Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => {
            for e in &errors {
                emit(io.err, &crate::render::errors::error_text(e, None, false))?;
            }
            Err(Error::Status(1))
        }
    }
}
