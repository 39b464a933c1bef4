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
use super::names::{LiveNames, View};
use super::prompt;
use crate::cache::{Cache, Change};
use crate::cache_feeder::Feeder;
use crate::history::{self, MAX_ENTRIES};
use crate::runner::Runner;

type LineEditor = Editor<ShellHelper, DefaultHistory>;

fn banner(runner: &Runner) -> String {
    format!(
        "kubectl-podsh — context {:?}, namespace {:?}. `help` lists the verbs; Tab completes; Ctrl-D exits.\n",
        runner.session().context(),
        runner.session().namespace()
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
    runner: &Runner,
    view: Arc<Mutex<View>>,
    idle: Arc<AtomicBool>,
) {
    let touched = runner.session().touched();
    let enabled = runner.settings().notify.clone();
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

/// A line editor with history from the file, or why there is none.
fn editor(runner: &Runner) -> Result<LineEditor, String> {
    let config = Config::builder()
        .max_history_size(MAX_ENTRIES)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.history_ignore_space(true).auto_add_history(false).completion_type(CompletionType::List).build())
        .map_err(|e| e.to_string())?;
    let mut editor: LineEditor =
        Editor::with_config(config).map_err(|e| format!("cannot start the line editor: {e}"))?;
    if let Some(h) = runner.history() {
        for entry in history::load(h.path()) {
            let _ = editor.add_history_entry(entry);
        }
    }
    Ok(editor)
}

/// What the loop keeps between prompts: the cache and its feeder, and the session's
/// position as completion and notices see it.
struct Live {
    cache: Cache,
    feeder: Feeder,
    view: Arc<Mutex<View>>,
    idle: Arc<AtomicBool>,
    /// The session's kubeconfig generation the feeder's connections were made with.
    generation: std::cell::Cell<u64>,
}

/// Starts the completion cache, the helper and the notice thread.
fn go_live(editor: &mut LineEditor, runner: &Runner, rt: &tokio::runtime::Handle) -> Live {
    let cache = Cache::default();
    let feeder = Feeder::spawn(rt, cache.clone(), runner.session().kubeconfig().clone());
    let view = Arc::new(Mutex::new(View::default()));
    let names = LiveNames { cache: cache.clone(), feeder: Some(feeder.clone()), view: view.clone() };
    editor.set_helper(Some(ShellHelper::new(runner.settings().color, Box::new(names))));
    let idle = Arc::new(AtomicBool::new(false));
    if let Ok(printer) = editor.create_external_printer() {
        spawn_notices(printer, cache.clone(), runner, view.clone(), idle.clone());
    }
    let generation = std::cell::Cell::new(runner.session().kubeconfig_generation());
    Live { cache, feeder, view, idle, generation }
}

/// Points completion at the session's position (no request here) and returns the prompt
/// as `(plain, styled)`.
fn before_prompt(runner: &mut Runner, live: &Live) -> (String, String) {
    let s = runner.session();
    if let Ok(mut v) = live.view.lock() {
        let rows = s
            .refs()
            .listing
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((format!("@{}", i + 1), p.as_ref()?.name.clone())));
        let last = s.refs().last.iter().map(|p| ("@last".to_string(), p.name.clone()));
        *v = View {
            context: s.context().to_string(),
            namespace: s.namespace().to_string(),
            contexts: s.contexts(),
            refs: rows.chain(last).collect(),
        };
    }
    if live.generation.replace(s.kubeconfig_generation()) != s.kubeconfig_generation() {
        live.feeder.reconnect(s.kubeconfig().clone());
    }
    live.feeder.want_pods(s.context(), Some(s.namespace()));
    live.feeder.want_namespaces(s.context());
    let failed = runner.last_status() != 0;
    let raw = prompt::plain(s.context(), s.namespace(), failed);
    let styled = if runner.settings().color {
        prompt::styled(s.context(), s.namespace(), failed, runner.settings().protects(s.context()))
    } else {
        raw.clone()
    };
    if let Some(problem) = live.cache.take_new_problem() {
        runner.note(&format!("note: {problem}\n"));
    }
    (raw, styled)
}

/// Runs the interactive shell until `exit` or Ctrl-D; returns the exit status.
pub fn run(runner: &mut Runner, rt: &tokio::runtime::Handle) -> i32 {
    let mut editor = match editor(runner) {
        Ok(e) => e,
        Err(e) => {
            runner.note(&format!("kubectl-podsh: error: {e}\n"));
            return 1;
        }
    };
    let live = go_live(&mut editor, runner, rt);
    runner.note(&banner(runner));
    let mut number = 0;
    loop {
        let prompt = before_prompt(runner, &live);
        live.idle.store(true, Ordering::Relaxed);
        let read = editor.readline(&prompt);
        live.idle.store(false, Ordering::Relaxed);
        match read {
            Ok(line) => {
                number += 1;
                let result = runner.enter(&line, number);
                // The line as it ran (`!!` expanded) is what Up and Ctrl-R find.
                if let Some(ran) = runner.previous_line() {
                    let _ = editor.add_history_entry(ran);
                }
                if result.exit {
                    return 0;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return 0,
            Err(e) => {
                runner.note(&format!("kubectl-podsh: error: {e}\n"));
                return 1;
            }
        }
    }
}
