//! The interactive loop: rustyline owns the terminal and the main thread; each entered
//! line is saved to history at once, then run. Ctrl-C clears the line, Ctrl-D exits 0.

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};

use super::helper::ShellHelper;
use super::history::{self, MAX_ENTRIES};
use super::prompt;
use crate::shell::{Mode, Shell};

fn banner(shell: &Shell) -> String {
    format!(
        "kubectl-podsh — context {:?}, namespace {:?}. `help` lists the verbs; Tab completes; Ctrl-D exits.\n",
        shell.session.context, shell.session.namespace
    )
}

/// Runs the interactive shell until `exit` or Ctrl-D; returns the exit status.
pub fn run(shell: &mut Shell) -> i32 {
    let config = Config::builder()
        .max_history_size(MAX_ENTRIES)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.history_ignore_space(true).auto_add_history(false).completion_type(CompletionType::List).build());
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kubectl-podsh: error: {e}");
            return 1;
        }
    };
    let mut editor: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("kubectl-podsh: error: cannot start the line editor: {e}");
            return 1;
        }
    };
    let color = shell.session.color;
    editor.set_helper(Some(ShellHelper::new(color)));
    if let Some(h) = &shell.history {
        for entry in history::load(h.path()) {
            let _ = editor.add_history_entry(entry);
        }
    }
    eprint!("{}", banner(shell));
    let mut number = 0;
    loop {
        let s = &shell.session;
        let failed = s.last_status != 0;
        let raw = prompt::plain(&s.context, &s.namespace, failed);
        let styled = if color { prompt::styled(&s.context, &s.namespace, failed) } else { raw.clone() };
        match editor.readline(&(raw, styled)) {
            Ok(line) => {
                number += 1;
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Some(h) = shell.history.as_mut() {
                        h.add(&line);
                    }
                }
                if shell.run_line(&line, number, Mode::Interactive).exit {
                    return 0;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return 0,
            Err(e) => {
                eprintln!("kubectl-podsh: error: {e}");
                return 1;
            }
        }
    }
}
