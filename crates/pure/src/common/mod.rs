//! Pure rules shared by the simulator and the shell: how Kubernetes prints durations, how
//! a pod's STATUS/READY/RESTARTS cells and QoS class are derived, selector syntax, the
//! unknown-field walk, did-you-mean spelling, and private file writes. Nothing here
//! talks to a cluster, so both sides agree by construction.

pub mod duration;
pub mod fields;
pub mod files;
pub mod glob;
pub mod goduration;
pub mod gosort;
pub mod podlite;
pub mod podstatus;
pub mod qos;
pub mod quantity;
pub mod schema;
pub mod selector;
pub mod span;
pub mod spelling;
