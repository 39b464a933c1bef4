//! How this run of the shell behaves, decided once at start-up and owned by the runner:
//! interactive or script, colour, whether the script arrives on stdin, where history is
//! kept, and whether lifecycle notices are shown (a flag the notice thread shares).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How lines arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A person at a terminal, through the line editor.
    Interactive,
    /// `-c` or a script on stdin: no prompt, stop at the first failure.
    Script,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    pub color: bool,
    /// In a script, run every line even after one fails.
    pub keep_going: bool,
    /// The script arrives on stdin, so `-f -` must not read it.
    pub stdin_is_script: bool,
    pub history_file: Option<PathBuf>,
    /// The session name this run's history entries carry (interactive runs only).
    pub history_session: Option<String>,
    /// Whether lifecycle notices are shown (`notify on|off`).
    pub notify: Arc<AtomicBool>,
    /// Whether every write is refused (`--read-only`, `readonly on|off`).
    pub read_only: Arc<AtomicBool>,
    /// Context patterns whose writes need confirming (the config's `protected`).
    pub protected: Vec<String>,
    /// Protected contexts a script may write to: `--yes-i-mean-CONTEXT` names, and the
    /// config's `unattended` patterns.
    pub unattended: Vec<String>,
}

impl Settings {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            color: false,
            keep_going: false,
            stdin_is_script: false,
            history_file: None,
            history_session: None,
            notify: Arc::new(AtomicBool::new(true)),
            read_only: Arc::new(AtomicBool::new(false)),
            protected: Vec::new(),
            unattended: Vec::new(),
        }
    }

    pub fn interactive(&self) -> bool {
        self.mode == Mode::Interactive
    }

    pub fn notices_on(&self) -> bool {
        self.notify.load(Ordering::Relaxed)
    }

    pub fn set_notices(&self, on: bool) {
        self.notify.store(on, Ordering::Relaxed);
    }

    pub fn read_only(&self) -> bool {
        self.read_only.load(Ordering::Relaxed)
    }

    pub fn set_read_only(&self, on: bool) {
        self.read_only.store(on, Ordering::Relaxed);
    }

    /// Whether writes to `ctx` need confirming.
    pub fn protects(&self, ctx: &str) -> bool {
        self.protected.iter().any(|p| crate::common::glob::glob(p, ctx))
    }

    /// Whether a script may write to protected `ctx` without asking.
    pub fn unattended(&self, ctx: &str) -> bool {
        self.unattended.iter().any(|p| crate::common::glob::glob(p, ctx))
    }
}
