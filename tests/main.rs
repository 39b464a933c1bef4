//! The integration test binary: one binary, topic modules, a shared harness in `util`.
//! Tests that drive real kubectl need it on PATH and fail loudly when it is missing.

mod util;

mod boundary;
mod cache;
mod conformance;
mod connection_errors;
mod faults;
mod fuzz;
mod plugin;
mod readme_claims;
mod session;
mod shell_draft;
mod shell_guard;
mod shell_history;
mod shell_parity;
mod shell_script;
mod shell_tail;
mod shell_why;
pub mod sim_api;
mod sim_binary;
mod sim_kubectl_debug;
mod sim_kubectl_errors;
mod sim_kubectl_exec;
mod sim_kubectl_explain;
mod sim_kubectl_get;
mod sim_kubectl_kinds;
mod sim_kubectl_lifecycle;
mod sim_kubectl_portforward;
mod sim_kubectl_probes;
pub mod sim_kubectl_seed;
mod sim_kubectl_writes;
mod sim_rest;
mod terminal;
