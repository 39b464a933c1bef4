//! kubectl-podsh: a stateful shell for Kubernetes Pod workflows, shipped as a kubectl
//! plugin, with a built-in simulated API server for tests and the offline playground.
//!
//! The shell's flow is one-way: line source (`repl`, `-c`, stdin in `app`) -> `command`
//! (lex, parse: pure) -> `exec` (async, through `cluster`, the only kube caller) ->
//! `render` (pure text) -> `sink` (stdout, `> file`, `>> file`, `| cmd`). `session`
//! owns the mutable state. `sim` is the simulated API server; `common` holds the pure
//! rules the simulator and the renderers share.

pub mod app;
pub mod cache;
pub mod cache_feeder;
pub mod cli;
pub mod cluster;
pub mod command;
pub mod common;
pub mod error;
pub mod exec;
pub mod plugin;
pub mod render;
pub mod repl;
pub mod session;
pub mod shell;
pub mod sim;
pub mod simcmd;
pub mod sink;
