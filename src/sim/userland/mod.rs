//! The inside of a simulated container: its filesystem seeded by image, its shell and
//! programs, and the web server some images run. `exec`, `attach`, `cp`, `port-forward`
//! and probes reach a container through this module; nothing here touches the store.

pub mod commands;
pub mod files;
pub mod fs;
pub mod io;
pub mod net;
pub mod parse;
pub mod process;
pub mod seed;
pub mod shell;
pub mod tarball;
pub mod web;

#[cfg(test)]
mod tests;
