//! Runs lines: split into statements, parse, open the destination, execute against the
//! cluster (Ctrl-C racing native commands), finish the destination, and report errors —
//! the same for the interactive shell, `-c` and scripts; only the wording of failures
//! differs by mode. The runner owns the session, the settings and the streams, so it can
//! run in-process against any streams (tests pass memory buffers).

use std::io::Write;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::command::lex::{LexError, Sink, Statement, Word, split};
use crate::command::parse::{Command, parse};
use crate::destination::Destination;
use crate::error::Error;
use crate::exec::{Flow, Io, execute};
use crate::guard;
use crate::history::recall::{self, NotFound};
use crate::history::{History, Place};
use crate::playground::Playground;
use crate::render::errors::error_text;
use crate::session::Session;
use crate::settings::{Mode, Settings};
use crate::streams::Streams;

/// What a line did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineResult {
    pub ok: bool,
    pub exit: bool,
}

pub struct Runner {
    session: Session,
    settings: Settings,
    streams: Streams,
    history: Option<History>,
    runtime: tokio::runtime::Handle,
    interrupt: Arc<Notify>,
    last_status: i32,
    /// The last line this run entered, as `!!` expands it.
    previous: Option<String>,
    /// The last line as it ran, `@` references replaced.
    ran: String,
    /// The in-process playground cluster, alive as long as the runner.
    _playground: Option<Playground>,
}

impl Runner {
    /// A runner over `session`; `interrupt` is notified on Ctrl-C. Interactive runs keep
    /// history in `settings.history_file`.
    pub fn new(
        session: Session,
        settings: Settings,
        streams: Streams,
        runtime: tokio::runtime::Handle,
        interrupt: Arc<Notify>,
        playground: Option<Playground>,
    ) -> Self {
        let mut settings = settings;
        let history = match settings.mode {
            Mode::Interactive => settings.history_file.clone().map(History::open),
            Mode::Script => None,
        };
        settings.history_session = history.as_ref().map(|h| h.session().to_string());
        Self {
            session,
            settings,
            streams,
            history,
            runtime,
            interrupt,
            last_status: 0,
            previous: None,
            ran: String::new(),
            _playground: playground,
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The exit status of the last command.
    pub fn last_status(&self) -> i32 {
        self.last_status
    }

    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    /// The last line entered, as it ran.
    pub fn previous_line(&self) -> Option<&str> {
        self.previous.as_deref()
    }

    /// Saves an entered line to history at once (before it runs), with where it runs.
    fn remember(&mut self, line: &str) -> Option<String> {
        let place = Place {
            ctx: self.session.context().to_string(),
            ns: self.session.namespace().to_string(),
            cwd: std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default(),
            kubeconfig: self.session.sources().env_value().to_string_lossy().into_owned(),
        };
        let id = self.history.as_mut().and_then(|h| h.enter(line, Some(&place)));
        self.say_history_problem();
        id
    }

    /// Says once what went wrong with the history file (unreadable, unwritable, full).
    fn say_history_problem(&mut self) {
        if let Some(w) = self.history.as_mut().and_then(History::take_warning) {
            self.note(&w);
        }
    }

    /// The line as it will run: a leading `!!`, `!N` or `!-N` replaced from history
    /// (the expansion is echoed, as bash does). `None` when it cannot expand (reported).
    pub fn expand(&mut self, line: &str, number: usize) -> Option<String> {
        let entries = match recall::refers(line) {
            true => self.settings.history_file.as_deref().map(crate::history::load).unwrap_or_default(),
            false => Vec::new(),
        };
        let expanded = recall::expand(line, self.previous.as_deref(), &entries);
        let recalled = match expanded {
            Ok(None) => None,
            Ok(Some(text)) => Some(text),
            Err(NotFound(r)) => {
                let e = Error::with_hint(format!("{r}: event not found"), "`history` lists the entries");
                self.fail(&e, line, number);
                return None;
            }
        };
        match recalled {
            Some(text) => {
                self.echo(&text);
                Some(text)
            }
            None => Some(line.to_string()),
        }
    }

    /// Shows a line as expanded before it runs (dimmed on a colour terminal).
    fn echo(&mut self, line: &str) {
        let text = if self.settings.color {
            format!("{}\n", nu_ansi_term::Style::new().dimmed().paint(line))
        } else {
            format!("{line}\n")
        };
        self.note(&text);
    }

    /// Runs a line a person or a script entered: history references expanded, then (in
    /// an interactive run) saved to history before it runs and its outcome after.
    pub fn enter(&mut self, line: &str, number: usize) -> LineResult {
        let Some(line) = self.expand(line, number) else { return LineResult { ok: false, exit: false } };
        let id = if line.trim().is_empty() { None } else { self.remember(&line) };
        let started = std::time::Instant::now();
        let result = self.run_line(&line, number);
        if let (Some(id), Some(h)) = (id, self.history.as_mut()) {
            let ran = (self.ran != line).then_some(self.ran.as_str());
            h.finish(&id, self.last_status, started.elapsed(), ran);
            self.say_history_problem();
        }
        if !line.trim().is_empty() {
            self.previous = Some(line);
        }
        result
    }

    /// Writes a message to the error stream (banners, notes).
    pub fn note(&mut self, text: &str) {
        let _ = self.streams.err.write_all(text.as_bytes());
        let _ = self.streams.err.flush();
    }

    fn report(&mut self, e: &Error, line: &str, number: usize) {
        let text = error_text(e, Some(line), self.settings.interactive());
        let text = match (self.settings.mode, e) {
            (Mode::Interactive, _) => text,
            (Mode::Script, Error::Status(c)) => format!("line {number}: command failed with exit status {c}\n"),
            (Mode::Script, Error::Interrupted) => format!("line {number}: interrupted\n"),
            (Mode::Script, _) => format!("line {number}: {text}"),
        };
        self.note(&text);
    }

    fn fail(&mut self, e: &Error, line: &str, number: usize) -> LineResult {
        self.report(e, line, number);
        self.last_status = 1;
        LineResult { ok: false, exit: false }
    }

    /// The line as it last ran, its `@` references replaced (what export replays).
    pub fn ran(&self) -> &str {
        &self.ran
    }

    /// Replaces the `@` references of statement `i` of `text` as it is about to run,
    /// echoing the statement as expanded; returns the statements of the new text.
    fn references(&mut self, text: &mut String, i: usize, words: &[Word]) -> Result<Option<Vec<Statement>>, Error> {
        let expand = crate::exec::references::expand(&mut self.session, text, words);
        let Some(new) = self.runtime.block_on(expand)? else { return Ok(None) };
        let statements = split(&new).map_err(lex_error)?;
        if let Some(Statement::Words { words, sink }) = statements.get(i) {
            let words: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
            self.echo(&crate::history::export::shell_line(&words, sink));
        }
        *text = new;
        Ok(Some(statements))
    }

    /// Runs every statement of `line` (numbered `number` for script diagnostics).
    pub fn run_line(&mut self, line: &str, number: usize) -> LineResult {
        if let Some(warning) = self.session.follow_kubeconfig() {
            self.note(&warning);
        }
        let mut text = line.to_string();
        let result = self.run_statements(&mut text, number);
        self.ran = text;
        result
    }

    fn run_statements(&mut self, text: &mut String, number: usize) -> LineResult {
        let mut statements = match split(text) {
            Ok(s) => s,
            Err(e) => return self.fail(&lex_error(e), text, number),
        };
        let mut i = 0;
        while i < statements.len() {
            if let Statement::Words { words, .. } = &statements[i] {
                let words = words.clone();
                match self.references(text, i, &words) {
                    Ok(Some(new)) => statements = new,
                    Ok(None) => {}
                    Err(e) => return self.fail(&e, text, number),
                }
            }
            let st = statements[i].clone();
            let span = statement_span(&st);
            i += 1;
            let line = text.as_str();
            let (command, sink) = match st {
                Statement::Host(cmd) => (Command::Host(cmd), Sink::Stdout),
                Statement::Words { words, sink } => match parse(&words, sink) {
                    Ok(Some(inv)) => (inv.command, inv.sink),
                    Ok(None) => continue,
                    Err(e) => return self.fail(&e.into(), line, number),
                },
            };
            let drafting = matches!(command, Command::Draft(_));
            self.session.take_replay();
            let outcome = self.run_command(command, &sink);
            if drafting && let Some((start, end)) = span {
                // A draft replays as what it did: `apply -f FILE`, or nothing.
                let replay = self.session.take_replay().unwrap_or_else(|| "true".into());
                text.replace_range(start..end, &replay);
                statements = match split(text) {
                    Ok(s) => s,
                    Err(e) => return self.fail(&lex_error(e), text, number),
                };
            }
            let line = text.as_str();
            match outcome {
                Ok(Flow::Exit) => return LineResult { ok: true, exit: true },
                Ok(Flow::Continue) => self.last_status = 0,
                Err(e) => {
                    if !matches!(e, Error::Interrupted) || self.settings.mode == Mode::Script {
                        self.report(&e, line, number);
                    } else {
                        self.note("\n");
                    }
                    self.last_status = e.exit_code();
                    return LineResult { ok: false, exit: false };
                }
            }
        }
        LineResult { ok: true, exit: false }
    }

    /// Script mode: runs `lines` (joining a line that ends inside a quote or after a
    /// backslash with the next), stopping at the first failing line unless the settings
    /// say keep going; returns the exit status.
    pub fn run_script(&mut self, lines: impl Iterator<Item = String>) -> i32 {
        let mut failed = false;
        let mut pending = String::new();
        let mut first_line = 0;
        for (i, line) in lines.enumerate() {
            if pending.is_empty() {
                first_line = i + 1;
            } else {
                pending.push('\n');
            }
            pending.push_str(&line);
            if matches!(split(&pending), Err(LexError::Incomplete)) {
                continue;
            }
            let text = std::mem::take(&mut pending);
            let r = self.enter(&text, first_line);
            if r.exit {
                return if failed { 1 } else { self.last_status };
            }
            if !r.ok {
                failed = true;
                if !self.settings.keep_going {
                    return 1;
                }
            }
        }
        if !pending.is_empty() && !self.enter(&pending, first_line).ok {
            failed = true;
        }
        i32::from(failed)
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

    /// Refuses a write in read-only mode, and has a write to a protected context
    /// confirmed: typed by a person, or allowed to a script up front.
    fn guard(&mut self, command: &Command) -> Result<(), Error> {
        if !guard::writes(command) {
            return Ok(());
        }
        let verb = guard::verb(command);
        if self.settings.read_only() {
            return Err(Error::with_hint(
                format!("read-only mode: `{verb}` would change the cluster; nothing ran"),
                "`readonly off` allows writes again",
            ));
        }
        let ctx = guard::named_context(command).unwrap_or_else(|| self.session.context().to_string());
        if !self.settings.protects(&ctx) {
            return Ok(());
        }
        if self.settings.mode == Mode::Script {
            if self.settings.unattended(&ctx) {
                return Ok(());
            }
            return Err(Error::with_hint(
                format!("context {ctx:?} is protected: `{verb}` needs confirming, which a script cannot do"),
                format!("run the script with --yes-i-mean-{ctx}, or list the context under `unattended` in the config"),
            ));
        }
        self.note(&format!("`{verb}` changes protected context {ctx:?}. Type the context name to go on: "));
        let mut answer = String::new();
        if self.streams.input.read_line(&mut answer).is_err() || answer.trim() != ctx {
            return Err(Error::msg(format!("not confirmed (the answer was not {ctx:?}); nothing ran")));
        }
        Ok(())
    }

    fn run_command(&mut self, command: Command, sink: &Sink) -> Result<Flow, Error> {
        self.guard(&command)?;
        self.touch(&command);
        let hands_off = matches!(command, Command::Kubectl(_) | Command::Host(_));
        let terminal = self.streams.terminal;
        let mut dest = Destination::open(sink, &mut *self.streams.out, terminal.inherited)?;
        let result = {
            let mut io = Io {
                out: &mut dest,
                err: &mut *self.streams.err,
                input: &mut *self.streams.input,
                interactive: self.settings.interactive(),
                out_is_terminal: matches!(sink, Sink::Stdout) && terminal.stdout && terminal.inherited,
                terminal,
            };
            let fut = execute(&mut self.session, &self.settings, command, &mut io);
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
        match dest.finish(result.is_ok()) {
            Ok(Some(code)) if code != 0 && result.is_ok() => Err(Error::Status(code)),
            Ok(_) => result,
            Err(e) => result.and(Err(e)),
        }
    }
}

/// The byte span of a statement's words in its line.
fn statement_span(st: &Statement) -> Option<(usize, usize)> {
    match st {
        Statement::Words { words, .. } => Some((words.first()?.start, words.last()?.end)),
        Statement::Host(_) => None,
    }
}

/// How a line that cannot be split reads as an error.
fn lex_error(e: LexError) -> Error {
    match e {
        LexError::Incomplete => Error::with_hint(
            "the line ends inside a quote or after a backslash",
            "close the quote, or remove the trailing backslash",
        ),
        LexError::MissingTarget { at, op } => {
            let hint = if op == "|" {
                "e.g. get pods | grep nginx"
            } else {
                "e.g. run nginx --image=nginx --dry-run=client -o yaml > nginx-pod.yaml"
            };
            Error::Usage {
                message: format!("{op} needs a target"),
                hint: Some(hint.into()),
                span: Some((at, at + op.len())),
            }
        }
    }
}
