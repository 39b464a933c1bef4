//! Rendering: pure functions from data to text, written into any `impl Write`, matching
//! what kubectl prints.

pub mod json;
pub mod tabwriter;
pub mod yaml;
