//! The interactive side: the rustyline loop (`editor`), completion (`complete`, through
//! `names`), its rustyline helper (`helper`: completion, hints, highlighting,
//! continuation) and the prompt.

pub mod complete;
pub mod editor;
pub mod helper;
pub mod names;
pub mod prompt;
pub mod restore;
