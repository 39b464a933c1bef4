//! The interactive side: the rustyline loop (`editor`), its helper (completion, hints,
//! continuation), the prompt, and persistent history.

pub mod editor;
pub mod helper;
pub mod history;
pub mod names;
pub mod prompt;
