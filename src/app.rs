//! Wiring: the kubeconfig (or the in-process playground cluster) becomes a `Session`;
//! the command line and the terminal decide the `Settings`; a terminal gets the
//! interactive editor, anything else runs as a script. Start-up is the only place that
//! reads the environment.

use std::io::BufRead;
use std::sync::Arc;

use tokio::sync::Notify;

use crate::cli::ShellArgs;
use crate::config::Config;
use crate::error::Result;
use crate::history;
use crate::kubeconfig::Sources;
use crate::playground::Playground;
use crate::render::errors::error_text;
use crate::runner::Runner;
use crate::session::{Session, default_state_dir};
use crate::settings::{Mode, Settings};
use crate::streams::Streams;

/// Runs the shell; returns the process exit status.
pub fn run(args: ShellArgs) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kubectl-podsh: error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    match start(&rt, args) {
        Ok(code) => code,
        Err(e) => {
            eprint!("{}", error_text(&e, None, false));
            1
        }
    }
}

/// The settings this command line, config and terminal call for.
fn settings(args: &ShellArgs, config: Config, streams: &Streams, state_dir: Option<&std::path::Path>) -> Settings {
    let interactive = args.lines.is_none() && streams.terminal.stdin;
    let mut s = Settings::new(if interactive { Mode::Interactive } else { Mode::Script });
    s.keep_going = args.keep_going;
    s.stdin_is_script = args.lines.is_none() && !interactive;
    s.color = interactive && !args.no_color && std::env::var_os("NO_COLOR").is_none() && streams.terminal.stderr;
    s.history_file = history::default_path(state_dir);
    s.set_read_only(args.read_only || config.read_only);
    s.protected = config.protected;
    s.unattended = config.unattended;
    s.unattended.extend(args.confirmed.iter().cloned());
    s
}

/// Turns Ctrl-C into a notification for the running command. The handler is installed
/// here, before the first prompt: installed lazily by a task that a loaded machine has not
/// run yet, the first Ctrl-C would still kill the shell.
fn listen_for_interrupts(rt: &tokio::runtime::Runtime, notify: Arc<Notify>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let registered = rt.block_on(async { signal(SignalKind::interrupt()) });
        if let Ok(mut interrupts) = registered {
            rt.spawn(async move {
                while interrupts.recv().await.is_some() {
                    notify.notify_waiters();
                }
            });
            return;
        }
    }
    rt.spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            notify.notify_waiters();
        }
    });
}

fn start(rt: &tokio::runtime::Runtime, args: ShellArgs) -> Result<i32> {
    let config = match crate::config::default_path() {
        Some(p) => crate::config::load(&p)?,
        None => Config::default(),
    };
    let state_dir = default_state_dir();
    let (sources, playground) = if args.playground {
        let p = Playground::start(rt, state_dir.as_deref())?;
        (Sources::files(vec![p.kubeconfig_file().to_path_buf()]), Some(p))
    } else {
        (Sources::locate(args.kubeconfig.clone())?, None)
    };
    let mut session = Session::new(sources, args.context.clone(), args.namespace.clone(), state_dir.clone())?;
    session.set_request_timeout(args.request_timeout.clone());
    let streams = Streams::process();
    let settings = settings(&args, config, &streams, state_dir.as_deref());
    let interrupt = Arc::new(Notify::new());
    listen_for_interrupts(rt, interrupt.clone());
    let mode = settings.mode;
    let mut runner = Runner::new(session, settings, streams, rt.handle().clone(), interrupt, playground);
    if mode == Mode::Interactive {
        crate::repl::restore::guard(rt.handle());
        return Ok(crate::repl::editor::run(&mut runner, rt.handle()));
    }
    let lines: Vec<String> = match &args.lines {
        Some(text) => text.lines().map(str::to_string).collect(),
        None => std::io::stdin().lock().lines().map_while(|l| l.ok()).collect(),
    };
    Ok(runner.run_script(lines.into_iter()))
}
