//! The builders of the built-in verbs' rows (`ns`, `ctx`, `history`, ...). Built-ins take
//! at most one word, checked by the parser before a builder runs.

use super::args::Args;
use super::lex::Word;
use super::parse_error::ParseError;
use super::types::{Command, History};

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

fn count(w: &Word, text: &str) -> Result<usize, ParseError> {
    text.parse().map_err(|_| ParseError::at(w, format!("not a count: {text:?}")).hint("e.g. history -n 20"))
}

/// Refuses words after the ones a built-in takes.
fn at_most(a: &Args, n: usize, usage: &str) -> Result<(), ParseError> {
    match a.positional.get(n) {
        Some(extra) => {
            Err(ParseError::at(extra, format!("unexpected argument {:?}", extra.text)).hint(format!("usage: {usage}")))
        }
        None => Ok(()),
    }
}

/// `history [N] [-n N] [--failed] [--ctx C]`, or `history export [RANGE] [FILE]`.
pub fn history(a: &Args) -> Result<Command, ParseError> {
    if a.positional.first().is_some_and(|w| w.text == "export") {
        const USAGE: &str = "history export [N|N-M|N-] [FILE] [--include-failed]";
        at_most(a, 3, USAGE)?;
        let mut rest: Vec<&Word> = a.positional[1..].iter().collect();
        let range = match rest.first() {
            Some(w) if w.text.starts_with(|c: char| c.is_ascii_digit()) => {
                if crate::history::export::parse_range(&w.text).is_none() {
                    return Err(ParseError::at(w, format!("not a range of entries: {:?}", w.text))
                        .hint("e.g. 12, 12-20 or 12- (as `history` numbers them)"));
                }
                Some(rest.remove(0).text.clone())
            }
            _ => None,
        };
        if let Some(extra) = rest.get(1) {
            return Err(
                ParseError::at(extra, format!("unexpected argument {:?}", extra.text)).hint(format!("usage: {USAGE}"))
            );
        }
        return Ok(Command::History(History::Export {
            range,
            file: rest.first().map(|w| w.text.clone()),
            include_failed: a.on("include-failed"),
        }));
    }
    at_most(a, 1, "history [N] [-n N] [--failed] [--ctx CONTEXT]")?;
    let mut last = None;
    if let Some(w) = a.positional.first() {
        last = Some(count(w, &w.text)?);
    }
    if let Some(n) = a.get("lines") {
        let w = a.given().iter().rev().find(|g| g.flag.long == "lines").map(|g| g.at.clone()).unwrap_or_default();
        last = Some(count(&w, n)?);
    }
    let context = a.get("ctx").filter(|c| !c.is_empty()).map(str::to_string);
    Ok(Command::History(History::List { last, failed: a.on("failed"), context }))
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
