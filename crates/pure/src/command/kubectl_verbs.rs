//! Rows of kubectl's own verbs that the shell hands to kubectl unchanged, whole, with
//! the session's scope: generated with their flags and sub-commands from kubectl's help
//! (`kubectl_flags`), with the operand kinds completion uses.

pub use super::kubectl_flags::VERBS;
