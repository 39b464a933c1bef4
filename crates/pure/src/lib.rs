//! The shell's pure half: the line grammar and the one verb table (`command`), kubectl's
//! printers and error wording (`render`, `error`), the API's Table shapes (`api`), and the
//! pod rules the simulator and the shell share (`common`). Nothing here does I/O on a
//! cluster or a terminal, so each rule is unit-tested, and mutation-tested, on its own:
//! `cargo mutants -p podsh-pure` rebuilds this crate only.

pub mod api;
pub mod command;
pub mod common;
pub mod error;
pub mod render;
