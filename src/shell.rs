//! Runs lines: split into statements, parse, open the sink, execute against the cluster
//! (Ctrl-C racing native commands), finish the sink, and report errors — the same for the
//! interactive shell, `-c` and scripts. Only the wording of failures differs by mode.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use tokio::sync::Notify;

use crate::command::lex::{LexError, Sink, Statement, split};
use crate::command::parse::{Command, parse};
use crate::error::Error;
use crate::exec::{Flow, Io, execute};
use crate::render::errors::error_text;
use crate::repl::history::History;
use crate::session::Session;
use crate::sink::Output;

/// How lines arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Interactive,
    Script,
}

/// What a line did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineResult {
    pub ok: bool,
    pub exit: bool,
}

pub struct Shell {
    pub session: Session,
    pub history: Option<History>,
    runtime: tokio::runtime::Handle,
    interrupt: Arc<Notify>,
    /// Keeps the in-process playground cluster alive as long as the shell.
    _keep: Option<Box<dyn std::any::Any>>,
}

impl Shell {
    pub fn new(
        session: Session,
        runtime: tokio::runtime::Handle,
        interrupt: Arc<Notify>,
        keep: Option<Box<dyn std::any::Any>>,
    ) -> Self {
        Self { session, history: None, runtime, interrupt, _keep: keep }
    }

    fn report(&self, e: &Error, line: &str, number: usize, mode: Mode) {
        let mut err = std::io::stderr().lock();
        let text = error_text(e, Some(line), mode == Mode::Interactive);
        let text = match (mode, e) {
            (Mode::Interactive, _) => text,
            (Mode::Script, Error::Status(c)) => format!("line {number}: command failed with exit status {c}\n"),
            (Mode::Script, Error::Interrupted) => format!("line {number}: interrupted\n"),
            (Mode::Script, _) => format!("line {number}: {text}"),
        };
        let _ = err.write_all(text.as_bytes());
    }

    /// Runs every statement of `line` (numbered `number` for script diagnostics).
    pub fn run_line(&mut self, line: &str, number: usize, mode: Mode) -> LineResult {
        let statements = match split(line) {
            Ok(s) => s,
            Err(LexError::Incomplete) => {
                let e = Error::with_hint(
                    "the line ends inside a quote or after a backslash",
                    "close the quote, or remove the trailing backslash",
                );
                self.report(&e, line, number, mode);
                self.session.last_status = 1;
                return LineResult { ok: false, exit: false };
            }
            Err(LexError::MissingTarget { at, op }) => {
                let hint = if op == "|" {
                    "e.g. get pods | grep nginx"
                } else {
                    "e.g. run nginx --image=nginx --dry-run=client -o yaml > nginx-pod.yaml"
                };
                let e = Error::Usage {
                    message: format!("{op} needs a target"),
                    hint: Some(hint.into()),
                    span: Some((at, at + op.len())),
                };
                self.report(&e, line, number, mode);
                self.session.last_status = 1;
                return LineResult { ok: false, exit: false };
            }
        };
        let mut ok = true;
        for st in statements {
            let (command, sink) = match st {
                Statement::Shell(cmd) => (Command::Shell(cmd), Sink::Stdout),
                Statement::Words { words, sink } => match parse(&words, sink) {
                    Ok(Some(inv)) => (inv.command, inv.sink),
                    Ok(None) => continue,
                    Err(e) => {
                        self.report(&e.into(), line, number, mode);
                        self.session.last_status = 1;
                        ok = false;
                        break;
                    }
                },
            };
            match self.run_command(command, &sink, mode) {
                Ok(Flow::Exit) => return LineResult { ok, exit: true },
                Ok(Flow::Continue) => self.session.last_status = 0,
                Err(e) => {
                    if !matches!(e, Error::Interrupted) || mode == Mode::Script {
                        self.report(&e, line, number, mode);
                    } else {
                        let _ = std::io::stderr().write_all(b"\n");
                    }
                    self.session.last_status = e.exit_code();
                    ok = false;
                    break;
                }
            }
        }
        LineResult { ok, exit: false }
    }

    /// Notes the pods a command names, so their lifecycle can be announced later.
    fn touch(&self, command: &Command) {
        let s = &self.session;
        match command {
            Command::Run(r) => s.touch(&r.scope, &r.name),
            Command::Describe(d) => d.names.iter().for_each(|n| s.touch(&d.scope, n)),
            Command::Get(g) => g.names.iter().for_each(|n| s.touch(&g.scope, n)),
            Command::Logs(l) => s.touch(&l.scope, &l.name),
            Command::Wait(w) => s.touch(&w.scope, &w.name),
            Command::Delete(d) => d.names.iter().for_each(|n| s.touch(&d.scope, n)),
            _ => {}
        }
    }

    fn run_command(&mut self, command: Command, sink: &Sink, mode: Mode) -> Result<Flow, Error> {
        self.touch(&command);
        let hands_off = matches!(command, Command::Kubectl(_) | Command::Shell(_));
        let mut out = Output::open(sink)?;
        let out_is_terminal = matches!(sink, Sink::Stdout) && std::io::stdout().is_terminal();
        let mut err = std::io::stderr();
        let interactive = mode == Mode::Interactive;
        let result = {
            let mut io = Io { out: &mut out, err: &mut err, interactive, out_is_terminal };
            let fut = execute(&mut self.session, command, &mut io);
            if hands_off {
                // The child gets Ctrl-C itself; the shell waits for it to finish.
                self.runtime.block_on(fut)
            } else {
                let interrupt = self.interrupt.clone();
                self.runtime.block_on(async move {
                    let stop = interrupt.notified();
                    tokio::pin!(stop);
                    tokio::select! {
                        r = fut => r,
                        _ = &mut stop => Err(Error::Interrupted),
                    }
                })
            }
        };
        match out.finish(result.is_ok()) {
            Ok(Some(code)) if code != 0 && result.is_ok() => Err(Error::Status(code)),
            Ok(_) => result,
            Err(e) => result.and(Err(e)),
        }
    }
}
