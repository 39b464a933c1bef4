//! The command line, as clap sees it. kubectl passes plugin arguments through untouched,
//! so the plugin parses kubectl's global flags (`--kubeconfig`, `--context`, `-n`) itself.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated Kubernetes API server
    Sim(SimArgs),
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
    /// Running pods to pre-create in `default`
    #[arg(long, default_value_t = 0)]
    pub pods: usize,
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
}
