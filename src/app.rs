//! Wiring: the kubeconfig (or the in-process playground cluster) becomes a `Session`;
//! the command line and the terminal decide the `Settings`; a terminal gets the
//! interactive editor, anything else runs as a script. Start-up is the only place that
//! reads the environment.

use std::io::BufRead;
use std::sync::Arc;

use kube::config::Kubeconfig;
use tokio::sync::Notify;

use crate::cli::ShellArgs;
use crate::error::{Error, Result};
use crate::history;
use crate::playground::Playground;
use crate::render::errors::error_text;
use crate::runner::Runner;
use crate::session::{Session, default_state_dir};
use crate::settings::{Mode, Settings};
use crate::streams::Streams;

fn load_kubeconfig(args: &ShellArgs) -> Result<(Kubeconfig, Option<std::path::PathBuf>)> {
    if let Some(path) = &args.kubeconfig {
        let kc = Kubeconfig::read_from(path)
            .map_err(|e| Error::msg(format!("cannot read kubeconfig {}: {e}", path.display())))?;
        return Ok((kc, Some(path.clone())));
    }
    let env_set = std::env::var_os("KUBECONFIG").is_some_and(|v| !v.is_empty());
    let home_config = dirs::home_dir().map(|h| h.join(".kube").join("config"));
    if !env_set && !home_config.as_ref().is_some_and(|p| p.exists()) {
        return Err(Error::with_hint(
            "no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist",
            "try the built-in cluster: kubectl podsh --playground",
        ));
    }
    let kc = Kubeconfig::read().map_err(|e| Error::msg(format!("cannot read the kubeconfig: {e}")))?;
    Ok((kc, None))
}

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

/// The settings this command line and terminal call for.
fn settings(args: &ShellArgs, streams: &Streams, state_dir: Option<&std::path::Path>) -> Settings {
    let interactive = args.lines.is_none() && streams.terminal.stdin;
    let mut s = Settings::new(if interactive { Mode::Interactive } else { Mode::Script });
    s.keep_going = args.keep_going;
    s.stdin_is_script = args.lines.is_none() && !interactive;
    s.color = interactive && !args.no_color && std::env::var_os("NO_COLOR").is_none() && streams.terminal.stderr;
    s.history_file = history::default_path(state_dir);
    s
}

fn start(rt: &tokio::runtime::Runtime, args: ShellArgs) -> Result<i32> {
    let state_dir = default_state_dir();
    let (kubeconfig, file, playground) = if args.playground {
        let (p, kc) = Playground::start(rt, state_dir.as_deref())?;
        (kc, Some(p.kubeconfig_file().to_path_buf()), Some(p))
    } else {
        let (kc, path) = load_kubeconfig(&args)?;
        (kc, path, None)
    };
    let session = Session::new(kubeconfig, file, args.context.clone(), args.namespace.clone(), state_dir.clone())?;
    let streams = Streams::process();
    let settings = settings(&args, &streams, state_dir.as_deref());
    let interrupt = Arc::new(Notify::new());
    let notify = interrupt.clone();
    rt.spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            notify.notify_waiters();
        }
    });
    let mode = settings.mode;
    let mut runner = Runner::new(session, settings, streams, rt.handle().clone(), interrupt, playground);
    if mode == Mode::Interactive {
        return Ok(crate::repl::editor::run(&mut runner, rt.handle()));
    }
    let lines: Vec<String> = match &args.lines {
        Some(text) => text.lines().map(str::to_string).collect(),
        None => std::io::stdin().lock().lines().map_while(|l| l.ok()).collect(),
    };
    Ok(runner.run_script(lines.into_iter()))
}
