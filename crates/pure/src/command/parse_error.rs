//! Why a line could not be parsed, with the offending word's span for a caret and at
//! most one hint.

use super::lex::Word;

/// A parse failure, with the offending word's span for a caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub hint: Option<String>,
    pub span: Option<(usize, usize)>,
}

impl ParseError {
    pub fn at(w: &Word, message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, span: Some((w.start, w.end)) }
    }
    pub fn plain(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, span: None }
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}
