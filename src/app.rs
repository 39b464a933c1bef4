//! Wiring: the kubeconfig (or the in-process playground cluster) becomes a `Session`;
//! a terminal gets the interactive editor, anything else runs as a script. Start-up is
//! the only place that reads the environment.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use kube::config::Kubeconfig;
use tokio::sync::Notify;

use crate::cli::ShellArgs;
use crate::error::{Error, Result};
use crate::render::errors::error_text;
use crate::repl::history::{self, History};
use crate::session::{Session, default_state_dir};
use crate::shell::{Mode, Shell};
use crate::sim::{SimOptions, Simulator};

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

/// Starts the playground simulator and returns it with a kubeconfig for it.
fn playground(
    rt: &tokio::runtime::Runtime,
    state_dir: Option<&std::path::Path>,
) -> Result<(Simulator, Kubeconfig, std::path::PathBuf)> {
    let sim = rt
        .block_on(Simulator::start("127.0.0.1:0", SimOptions { nodes: 2, ..SimOptions::default() }))
        .map_err(|e| Error::msg(format!("cannot start the playground: {e}")))?;
    let text = sim.kubeconfig("playground");
    let kc = Kubeconfig::from_yaml(&text).map_err(|e| Error::msg(format!("playground kubeconfig: {e}")))?;
    let dir = state_dir.map(std::path::Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("playground-{}.kubeconfig", std::process::id()));
    sim.write_kubeconfig(&path, "playground")
        .map_err(|e| Error::msg(format!("cannot write {}: {e}", path.display())))?;
    Ok((sim, kc, path))
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

struct Playground {
    _sim: Simulator,
    kubeconfig: std::path::PathBuf,
}

impl Drop for Playground {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.kubeconfig);
    }
}

fn start(rt: &tokio::runtime::Runtime, args: ShellArgs) -> Result<i32> {
    let state_dir = default_state_dir();
    let (kubeconfig, file, keep): (Kubeconfig, Option<std::path::PathBuf>, Option<Box<dyn std::any::Any>>) =
        if args.playground {
            let (sim, kc, path) = playground(rt, state_dir.as_deref())?;
            let keep = Box::new(Playground { _sim: sim, kubeconfig: path.clone() });
            (kc, Some(path), Some(keep))
        } else {
            let (kc, path) = load_kubeconfig(&args)?;
            (kc, path, None)
        };
    let mut session = Session::new(kubeconfig, args.context.clone(), args.namespace.clone(), state_dir.clone())?;
    session.kubeconfig_file = file;
    let interactive = args.lines.is_none() && std::io::stdin().is_terminal();
    session.interactive = interactive;
    session.stdin_is_script = args.lines.is_none() && !interactive;
    session.color =
        interactive && !args.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    session.history_file = history::default_path(state_dir.as_deref());

    let interrupt = Arc::new(Notify::new());
    let notify = interrupt.clone();
    rt.spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            notify.notify_waiters();
        }
    });
    let mut shell = Shell::new(session, rt.handle().clone(), interrupt, keep);
    if interactive {
        shell.history = shell.session.history_file.clone().map(History::open);
        return Ok(crate::repl::editor::run(&mut shell, rt.handle()));
    }
    let lines: Box<dyn Iterator<Item = String>> = match &args.lines {
        Some(text) => Box::new(text.lines().map(str::to_string).collect::<Vec<_>>().into_iter()),
        None => Box::new(std::io::stdin().lock().lines().map_while(|l| l.ok()).collect::<Vec<_>>().into_iter()),
    };
    Ok(script(&mut shell, lines, args.keep_going))
}

/// Script mode: stop at the first failing line (or run on with `--keep-going`).
fn script(shell: &mut Shell, lines: impl Iterator<Item = String>, keep_going: bool) -> i32 {
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
        if matches!(crate::command::lex::split(&pending), Err(crate::command::LexError::Incomplete)) {
            continue;
        }
        let text = std::mem::take(&mut pending);
        let r = shell.run_line(&text, first_line, Mode::Script);
        if r.exit {
            return if failed { 1 } else { shell.session.last_status };
        }
        if !r.ok {
            failed = true;
            if !keep_going {
                return 1;
            }
        }
    }
    if !pending.is_empty() && !shell.run_line(&pending, first_line, Mode::Script).ok {
        failed = true;
    }
    i32::from(failed)
}
