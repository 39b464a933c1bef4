//! The builders of the built-in verbs' rows (`ns`, `ctx`, `history`, ...). Built-ins take
//! at most one word, checked by the parser before a builder runs.

use super::args::Args;
use super::parse_error::ParseError;
use super::types::Command;

fn arg(a: &Args) -> Option<String> {
    a.positional.first().map(|w| w.text.clone())
}

pub fn namespace(a: &Args) -> Result<Command, ParseError> {
    Ok(Command::Namespace(arg(a)))
}

pub fn context(a: &Args) -> Result<Command, ParseError> {
    Ok(Command::Context(arg(a)))
}

pub fn contexts(_: &Args) -> Result<Command, ParseError> {
    Ok(Command::Contexts)
}

pub fn namespaces(_: &Args) -> Result<Command, ParseError> {
    Ok(Command::Namespaces)
}

pub fn history(a: &Args) -> Result<Command, ParseError> {
    let Some(w) = a.positional.first() else { return Ok(Command::History(None)) };
    let n = w.text.parse().map_err(|_| ParseError::at(w, format!("not a count: {:?}", w.text)))?;
    Ok(Command::History(Some(n)))
}

pub fn help(a: &Args) -> Result<Command, ParseError> {
    Ok(Command::Help(arg(a)))
}

pub fn notify(a: &Args) -> Result<Command, ParseError> {
    let Some(w) = a.positional.first() else { return Ok(Command::Notify(None)) };
    match w.text.as_str() {
        "on" => Ok(Command::Notify(Some(true))),
        "off" => Ok(Command::Notify(Some(false))),
        other => Err(ParseError::at(w, format!("notify takes on or off, not {other:?}"))),
    }
}

pub fn clear(_: &Args) -> Result<Command, ParseError> {
    Ok(Command::Clear)
}

pub fn exit(_: &Args) -> Result<Command, ParseError> {
    Ok(Command::Exit)
}
