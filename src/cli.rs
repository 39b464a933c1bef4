//! The command line, as clap sees it. kubectl passes plugin arguments through untouched,
//! so the plugin parses kubectl's global flags (`--kubeconfig`, `--context`, `-n`) itself.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::command::args::{Arg, Flag};
use crate::sim::faults::Faults;

/// The shell's own flags as a table row, for `kubectl podsh <TAB>`: the same flags as
/// `ShellArgs` (a test keeps the two equal).
pub const FLAGS: &[Flag] = &[
    Flag {
        long: "kubeconfig",
        short: None,
        arg: Arg::File,
        help: "Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)",
    },
    Flag { long: "context", short: None, arg: Arg::Context, help: "The kubeconfig context to start in" },
    Flag { long: "namespace", short: Some('n'), arg: Arg::Namespace, help: "The namespace to start in" },
    Flag {
        long: "command",
        short: Some('c'),
        arg: Arg::Free("LINES"),
        help: "Run these lines (separated by `;` or newlines) instead of reading a terminal",
    },
    Flag {
        long: "keep-going",
        short: None,
        arg: Arg::Switch,
        help: "In a script, run every line even after one fails (still exit 1 at the end)",
    },
    Flag {
        long: "playground",
        short: None,
        arg: Arg::Switch,
        help: "Start the built-in simulated cluster and open the shell on it",
    },
    Flag { long: "no-color", short: None, arg: Arg::Switch, help: "Never colour the prompt or messages" },
    Flag {
        long: "read-only",
        short: None,
        arg: Arg::Switch,
        help: "Refuse every line that would change a cluster (`readonly off` lifts it)",
    },
    Flag {
        long: "request-timeout",
        short: None,
        arg: Arg::Free("DURATION"),
        help: "Give up on a single server request after this long (default 60s; 0: never)",
    },
];

/// The prefix of `--yes-i-mean-CONTEXT`, which lets a script write to a protected context.
pub const CONFIRM_PREFIX: &str = "--yes-i-mean-";

/// Splits `--yes-i-mean-CONTEXT` words (a flag per context, which clap cannot declare)
/// from the rest of the command line; the words before `--` only.
pub fn take_confirmations(args: Vec<std::ffi::OsString>) -> (Vec<std::ffi::OsString>, Vec<String>) {
    let mut rest = Vec::new();
    let mut contexts = Vec::new();
    let mut ended = false;
    for a in args {
        ended |= a == "--";
        match a.to_str().and_then(|s| s.strip_prefix(CONFIRM_PREFIX)) {
            Some(ctx) if !ended && !ctx.is_empty() => contexts.push(ctx.to_string()),
            _ => rest.push(a),
        }
    }
    (rest, contexts)
}

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-podsh",
    version,
    about = "A stateful shell for Kubernetes Pod workflows",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub shell: ShellArgs,
}

/// The shell's own flags, with kubectl's meanings where kubectl has the flag.
#[derive(Debug, Args, Default, Clone)]
pub struct ShellArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to start in
    #[arg(long, value_name = "CONTEXT")]
    pub context: Option<String>,
    /// The namespace to start in
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Run these lines (separated by `;` or newlines) instead of reading a terminal
    #[arg(short = 'c', long = "command", value_name = "LINES")]
    pub lines: Option<String>,
    /// In a script, run every line even after one fails (still exit 1 at the end)
    #[arg(long)]
    pub keep_going: bool,
    /// Start the built-in simulated cluster and open the shell on it
    #[arg(long)]
    pub playground: bool,
    /// Never colour the prompt or messages
    #[arg(long)]
    pub no_color: bool,
    /// Refuse every line that would change a cluster (`readonly off` lifts it)
    #[arg(long)]
    pub read_only: bool,
    /// Give up on a single server request after this long (default 60s; 0: never)
    #[arg(long, value_name = "DURATION", value_parser = request_timeout)]
    pub request_timeout: Option<RequestTimeout>,
    /// Protected contexts this run may write to without asking (`--yes-i-mean-CONTEXT`).
    #[arg(skip)]
    pub confirmed: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated Kubernetes API server
    Sim(Box<SimArgs>),
    /// Print a shell completion script for kubectl-podsh
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Completion candidates for `kubectl podsh <TAB>` (kubectl's plugin completion protocol)
    #[command(name = "__complete", hide = true)]
    Complete {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Write a kubeconfig for the simulator here (context `sim`)
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Running pods to pre-create (in `default`, or spread over --namespaces)
    #[arg(long, default_value_t = 0)]
    pub pods: usize,
    /// Spread the pre-created pods over N namespaces: default, scale-2 ... scale-N
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub namespaces: usize,
    /// Simulated nodes
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
    /// Bearer token clients must present (random by default)
    #[arg(long)]
    pub token: Option<String>,
    /// Refuse VERB on RESOURCE with 403, as a restricted RBAC role would (e.g. list:namespaces)
    #[arg(long, value_name = "VERB:RESOURCE")]
    pub forbid: Vec<String>,
    /// Delay before a new pod is scheduled, in milliseconds
    #[arg(long, default_value_t = 100)]
    pub schedule_delay_ms: u64,
    /// Simulated image pull time, in milliseconds
    #[arg(long, default_value_t = 300)]
    pub pull_delay_ms: u64,
    /// Time containers take to stop after a graceful delete, in milliseconds
    #[arg(long, default_value_t = 300)]
    pub kill_delay_ms: u64,
    /// First restart / image pull back-off, in milliseconds (doubles up to --backoff-max-ms)
    #[arg(long, default_value_t = 1000)]
    pub backoff_ms: u64,
    /// Longest back-off, in milliseconds
    #[arg(long, default_value_t = 30000)]
    pub backoff_max_ms: u64,
    /// Time from losing a node until its pods are marked Failed, in milliseconds
    #[arg(long, default_value_t = 2000)]
    pub node_lost_ms: u64,
    /// Answer this share of requests with 500, 503 or 429 + Retry-After (e.g. 0.2)
    #[arg(long, value_name = "P", value_parser = Faults::parse_rate, default_value = "0")]
    pub fault_rate: f64,
    /// Delay every request by N milliseconds, plus up to JITTER more (e.g. 20:20)
    #[arg(long, value_name = "N[:JITTER]", value_parser = Faults::parse_latency)]
    pub latency_ms: Option<(Duration, Duration)>,
    /// Cut watch and followed-log streams off this long after they start (e.g. 2s)
    #[arg(long, value_name = "DURATION", value_parser = positive_duration)]
    pub drop_watches_every: Option<Duration>,
    /// Accept this share of requests and never answer them (e.g. 0.02)
    #[arg(long, value_name = "P", value_parser = Faults::parse_rate, default_value = "0")]
    pub stall_rate: f64,
    /// Seed for the faults' dice, to repeat a run exactly
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,
}

/// A `--request-timeout` as given, and what it means (`None`: never give up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTimeout {
    pub given: String,
    pub after: Option<Duration>,
}

fn request_timeout(s: &str) -> Result<RequestTimeout, String> {
    let after = crate::common::goduration::request_timeout(s).map_err(str::to_string)?;
    Ok(RequestTimeout { given: s.to_string(), after })
}

/// A Go duration above zero (`2s`, `500ms`).
fn positive_duration(s: &str) -> Result<Duration, String> {
    match crate::common::goduration::parse(s)? {
        ns if ns > 0 => Ok(Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))),
        _ => Err("expected a duration above zero, e.g. 2s".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_flag_row_matches_clap() {
        let cmd = Cli::command();
        let clap_flags: Vec<(String, Option<char>, bool, String)> = cmd
            .get_arguments()
            .filter_map(|a| {
                let long = a.get_long()?.to_string();
                if long == "help" || long == "version" {
                    return None;
                }
                let switch = !a.get_action().takes_values();
                Some((long, a.get_short(), switch, a.get_help().map(|h| h.to_string()).unwrap_or_default()))
            })
            .collect();
        let row: Vec<(String, Option<char>, bool, String)> =
            FLAGS.iter().map(|f| (f.long.to_string(), f.short, f.arg == Arg::Switch, f.help.to_string())).collect();
        assert_eq!(row, clap_flags);
    }

    #[test]
    fn confirmations_are_taken_out() {
        let args = ["kubectl-podsh", "--yes-i-mean-prod-eu", "-c", "x", "--yes-i-mean-", "--", "--yes-i-mean-b"];
        let (rest, ctx) = take_confirmations(args.iter().map(std::ffi::OsString::from).collect());
        assert_eq!(ctx, ["prod-eu"]);
        assert_eq!(rest, ["kubectl-podsh", "-c", "x", "--yes-i-mean-", "--", "--yes-i-mean-b"]);
    }
}
