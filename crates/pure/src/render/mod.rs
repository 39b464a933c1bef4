//! Rendering: pure functions from data to text, written into any `impl Write`, matching
//! what kubectl prints.

pub mod describe;
pub mod diff;
pub mod errors;
pub mod json;
pub mod table;
pub mod tabwriter;
pub mod yaml;

#[cfg(test)]
mod kubectl_cases;
