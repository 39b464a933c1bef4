//! The builders of the built-in verbs' rows (`ns`, `ctx`, `history`, ...). Built-ins take
//! at most one word, checked by the parser before a builder runs.

use super::args::Args;
use super::lex::Word;
use super::parse_error::ParseError;
use super::types::{Command, Draft, History, Tail, Why};

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
                if super::history_range::parse_range(&w.text).is_none() {
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

pub fn readonly(a: &Args) -> Result<Command, ParseError> {
    let Some(w) = a.positional.first() else { return Ok(Command::ReadOnly(None)) };
    match w.text.as_str() {
        "on" => Ok(Command::ReadOnly(Some(true))),
        "off" => Ok(Command::ReadOnly(Some(false))),
        other => Err(ParseError::at(w, format!("readonly takes on or off, not {other:?}"))),
    }
}

/// `draft NAME --image=IMG [run's flags] [-- ARGS]`, or `draft -f FILE`.
pub fn draft(a: &Args) -> Result<Command, ParseError> {
    const USAGE: &str = "draft NAME --image=IMG [run's flags] | draft -f FILE";
    let yes = a.on("yes");
    if let Some(file) = a.get("filename") {
        if let Some(extra) = a.positional.first() {
            return Err(ParseError::at(extra, format!("draft -f takes no pod name ({:?})", extra.text))
                .hint("the name comes from the file"));
        }
        return Ok(Command::Draft(Box::new(Draft { scope: a.scope(), run: None, file: Some(file.to_string()), yes })));
    }
    let Some(name) = a.positional.first() else {
        return Err(ParseError::at(a.verb_word().unwrap_or(&Word::default()), "draft needs a pod name or -f FILE")
            .hint(format!("usage: {USAGE}")));
    };
    if a.get("image").is_none_or(str::is_empty) {
        return Err(ParseError::at(name, "draft NAME needs --image").hint("e.g. draft nginx --image=nginx:1.14.2"));
    }
    match super::build::run(a)? {
        Command::Run(mut r) => {
            r.dry_run = super::types::DryRun::Client;
            Ok(Command::Draft(Box::new(Draft { scope: a.scope(), run: Some(r), file: None, yes })))
        }
        _ => Err(ParseError::at(name, "draft takes run's flags with values run accepts")
            .hint("labels and annotations as K=V,..., env as K=V, port as a number")),
    }
}

/// `why POD`.
pub fn why(a: &Args) -> Result<Command, ParseError> {
    const USAGE: &str = "why POD [-n NS] [--context CTX]";
    let Some(w) = a.positional.first() else {
        return Err(ParseError::at(a.verb_word().unwrap_or(&Word::default()), "why needs a pod name")
            .hint(format!("usage: {USAGE}")));
    };
    at_most(a, 1, USAGE)?;
    let name = super::build::pod_name(&w.text).unwrap_or(&w.text).to_string();
    Ok(Command::Why(Why { scope: a.scope(), name }))
}

/// A regular expression given on the line, checked now so a typo is a parse error.
fn regex_at(w: &Word, text: &str) -> Result<String, ParseError> {
    match regex::Regex::new(text) {
        Ok(_) => Ok(text.to_string()),
        Err(e) => {
            let why = e.to_string().lines().last().unwrap_or("invalid").trim().to_string();
            Err(ParseError::at(w, format!("not a regular expression: {text:?} ({why})")))
        }
    }
}

/// `tail [NAME-REGEX] [-l SEL] [-c REGEX] [--since D] [-n NS | -A]`.
pub fn tail(a: &Args) -> Result<Command, ParseError> {
    at_most(a, 1, "tail [NAME-REGEX] [-l SEL] [-c CONTAINER-REGEX] [--since 5m] [-n NS | -A]")?;
    let flag_word =
        |long: &str| a.given().iter().rev().find(|g| g.flag.long == long).map(|g| g.at.clone()).unwrap_or_default();
    let pods = a.positional.first().map(|w| regex_at(w, &w.text)).transpose()?;
    let containers = a.get("container").map(|c| regex_at(&flag_word("container"), c)).transpose()?;
    let since = match a.get("since") {
        None => None,
        Some(s) => match crate::common::goduration::parse(s) {
            Ok(ns) if ns > 0 => Some(crate::common::goduration::round_secs(ns)),
            _ => {
                return Err(ParseError::at(&flag_word("since"), format!("not a duration: {s:?}"))
                    .hint("e.g. --since 5m or 1h30m"));
            }
        },
    };
    Ok(Command::Tail(Tail {
        scope: a.scope(),
        pods,
        selector: a.get("selector").filter(|s| !s.is_empty()).map(str::to_string),
        containers,
        since,
        all_namespaces: a.on("all-namespaces"),
    }))
}

pub fn clear(_: &Args) -> Result<Command, ParseError> {
    Ok(Command::Clear)
}

pub fn exit(_: &Args) -> Result<Command, ParseError> {
    Ok(Command::Exit)
}
