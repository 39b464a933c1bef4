//! Pure rules shared by the simulator and the shell's renderers: how Kubernetes prints
//! durations, how a pod's STATUS/READY/RESTARTS cells are derived, and selector syntax.
//! Nothing here does I/O, so both sides agree by construction.

pub mod duration;
pub mod fields;
pub mod podstatus;
pub mod qos;
pub mod selector;
