//! The command language: `lex` splits a line into statements and sinks; the one verb
//! table (`table`, rows in `native_verbs`, `builtin_verbs`, `kubectl_verbs`, shaped by
//! `verbs` and `args`) drives `parse`, which builds typed commands (`types`) through each
//! row's builder (`build`, `build_builtin`). Pure: nothing here does I/O, touches the
//! network or prints.

pub mod args;
pub mod build;
mod build_builtin;
pub mod builtin_verbs;
pub mod history_range;
#[rustfmt::skip]
pub mod kubectl_flags;
pub mod kubectl_verbs;
pub mod lex;
pub mod native_verbs;
pub mod parse;
#[cfg(test)]
mod parse_cases;
pub mod parse_error;
pub mod table;
pub mod types;
pub mod verbs;

pub use lex::{LexError, Sink, Statement, Word};
pub use parse::{Command, Invocation, ParseError};
