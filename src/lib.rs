//! kubectl-podsh: a stateful shell for Kubernetes Pod workflows, shipped as a kubectl
//! plugin, with a built-in simulated API server for tests and the offline playground.
//!
//! The shell's flow is one-way: a line source (`repl::editor`, `-c` or a script in
//! `app`) hands lines to the `runner`, which lexes and parses them (`command`: pure,
//! driven by the one verb table), executes them (`exec`, async, through `cluster`, the
//! only kube caller, which returns typed values: k8s-openapi objects and the `api`
//! shapes), renders text (`render`: pure) and writes it to the statement's
//! `destination` (the runner's `streams`, `> file`, `>> file`, `| cmd`). `session` owns
//! the scope (context, namespace, memory, connections); `settings` the run's mode.
//! Completion (`repl::complete`) reads the same table and a watch-backed `cache` fed by
//! `cache_feeder`. `sim` is the simulated API server; `common` holds the pure rules
//! the simulator and the shell share.

pub mod app;
pub mod cache;
pub mod cache_feeder;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod destination;
pub mod exec;
pub mod guard;
pub mod history;
pub mod hostshell;
pub mod kubeconfig;
pub mod memory;
pub mod playground;
pub mod plugin;
pub mod refs;
pub mod repl;
pub mod runner;
pub mod session;
pub mod settings;
pub mod sim;
pub mod simcmd;
pub mod streams;
pub mod why;

// The pure modules live in their own crate (crates/pure) so that mutation testing and
// their unit tests rebuild a few thousand lines, not the whole shell; re-exported here so
// every path stays `crate::command::...`.
pub use podsh_pure::{api, command, common, error, render};
