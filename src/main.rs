//! Entry point: parse the command line, run the shell or a subcommand, map the outcome
//! to an exit code.

use std::process::ExitCode;

use clap::Parser;
use podsh::cli::{Cli, Command};

fn main() -> ExitCode {
    podsh::memory::tune();
    let (args, confirmed) = podsh::cli::take_confirmations(std::env::args_os().collect());
    let mut cli = Cli::parse_from(args);
    cli.shell.confirmed = confirmed;
    let code = match cli.command {
        Some(Command::Sim(args)) => {
            let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("kubectl-podsh: error: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(podsh::simcmd::run(*args)) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("kubectl-podsh: error: {e:#}");
                    1
                }
            }
        }
        Some(Command::Completion { shell }) => {
            use std::io::Write;
            let script = podsh::plugin::completion_script(shell);
            i32::from(std::io::stdout().write_all(&script).is_err())
        }
        Some(Command::Complete { args }) => {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(r) => r,
                Err(_) => return ExitCode::FAILURE,
            };
            let (candidates, directive) = podsh::plugin::complete(&runtime, &args);
            i32::from(podsh::plugin::print(&candidates, directive).is_err())
        }
        None => podsh::app::run(cli.shell),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
