//! kubectl-podsh: a stateful shell for Kubernetes Pod workflows, shipped as a kubectl
//! plugin, with a built-in simulated API server for tests and the offline playground.
//!
//! The shell's flow is one-way: line source -> `command` (parse) -> `exec` (the cluster)
//! -> `render` -> sink. `sim` is the simulated API server; `common` holds pure rules that
//! the simulator and the renderers share.

pub mod cli;
pub mod cluster;
pub mod command;
pub mod common;
pub mod error;
pub mod render;
pub mod sim;
pub mod simcmd;
