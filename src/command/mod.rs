//! The command language: `lex` splits a line into statements and sinks, `verbs` is the
//! one table of verbs and flags, `parse` builds typed commands. Pure: nothing here does
//! I/O, touches the network or prints.

mod build;
pub mod lex;
pub mod parse;
pub mod types;
pub mod verbs;

pub use lex::{LexError, Sink, Statement, Word};
pub use parse::{Command, Invocation, ParseError};
