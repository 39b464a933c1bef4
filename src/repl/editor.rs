//! The interactive loop: rustyline owns the terminal and the main thread; each entered
//! line is saved to history at once, then run. Ctrl-C clears the line, Ctrl-D exits 0.
//! Before each prompt the completion cache is pointed at the session's namespace (no
//! request is made here: a background feeder starts watches), and while the prompt is
//! idle a notice thread prints phase changes of this session's pods above it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor, ExternalPrinter};

use super::helper::ShellHelper;
use super::history::{self, MAX_ENTRIES};
use super::names::{LiveNames, View};
use super::prompt;
use crate::cache::{Cache, Change, Feeder};
use crate::shell::{Mode, Shell};

fn banner(shell: &Shell) -> String {
    format!(
        "kubectl-podsh — context {:?}, namespace {:?}. `help` lists the verbs; Tab completes; Ctrl-D exits.\n",
        shell.session.context, shell.session.namespace
    )
}

/// The text of a lifecycle notice.
pub fn notice(c: &Change) -> String {
    format!("pod/{}: {} -> {}\n", c.pod, c.from, c.to)
}

/// Prints phase changes of touched pods in the current namespace while the prompt is idle.
fn spawn_notices<P: ExternalPrinter + Send + 'static>(
    mut printer: P,
    cache: Cache,
    shell: &Shell,
    view: Arc<Mutex<View>>,
    idle: Arc<AtomicBool>,
) {
    let touched = shell.session.touched.clone();
    let enabled = shell.session.notify.clone();
    std::thread::spawn(move || {
        loop {
            let changes = cache.wait_changes(Duration::from_millis(500));
            if !idle.load(Ordering::Relaxed) || !enabled.load(Ordering::Relaxed) {
                continue;
            }
            let Ok(v) = view.lock().map(|v| v.clone()) else { return };
            let Ok(t) = touched.lock().map(|t| t.clone()) else { return };
            for c in changes {
                let mine = t.contains(&(c.context.clone(), c.namespace.clone(), c.pod.clone()));
                if mine && c.context == v.context && c.namespace == v.namespace && printer.print(notice(&c)).is_err() {
                    return;
                }
            }
        }
    });
}

/// Runs the interactive shell until `exit` or Ctrl-D; returns the exit status.
pub fn run(shell: &mut Shell, runtime: &tokio::runtime::Handle) -> i32 {
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
    let cache = Cache::default();
    let feeder = Feeder::spawn(runtime, cache.clone(), shell.session.kubeconfig().clone());
    let view = Arc::new(Mutex::new(View::default()));
    let names = LiveNames { cache: cache.clone(), feeder: Some(feeder.clone()), view: view.clone() };
    editor.set_helper(Some(ShellHelper::new(color, Box::new(names))));
    if let Some(h) = &shell.history {
        for entry in history::load(h.path()) {
            let _ = editor.add_history_entry(entry);
        }
    }
    let idle = Arc::new(AtomicBool::new(false));
    if let Ok(printer) = editor.create_external_printer() {
        spawn_notices(printer, cache.clone(), shell, view.clone(), idle.clone());
    }
    eprint!("{}", banner(shell));
    let mut number = 0;
    loop {
        let s = &shell.session;
        if let Ok(mut v) = view.lock() {
            *v = View { context: s.context.clone(), namespace: s.namespace.clone(), contexts: s.contexts() };
        }
        feeder.want_pods(&s.context, Some(&s.namespace));
        feeder.want_namespaces(&s.context);
        if let Some(problem) = cache.take_new_problem() {
            eprintln!("note: {problem}");
        }
        let failed = s.last_status != 0;
        let raw = prompt::plain(&s.context, &s.namespace, failed);
        let styled = if color { prompt::styled(&s.context, &s.namespace, failed) } else { raw.clone() };
        idle.store(true, Ordering::Relaxed);
        let read = editor.readline(&(raw, styled));
        idle.store(false, Ordering::Relaxed);
        match read {
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
