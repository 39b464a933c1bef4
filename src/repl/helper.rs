//! rustyline's helper: completion by position from the verb table (verbs, resource
//! words, flags, flag values, files after `-f` and `>`), dimmed hints from history, and
//! multi-line continuation for open quotes and trailing backslashes. Nothing here does
//! network I/O: it runs on every keypress.

use std::borrow::Cow;

use nu_ansi_term::Style;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use crate::command::lex::{LexError, split};
use crate::command::verbs::{self, Flag};

pub struct ShellHelper {
    files: FilenameCompleter,
    hints: HistoryHinter,
    pub color: bool,
}

impl ShellHelper {
    pub fn new(color: bool) -> Self {
        Self { files: FilenameCompleter::new(), hints: HistoryHinter::new(), color }
    }
}

fn pairs<'a>(items: impl IntoIterator<Item = &'a str>, prefix: &str) -> Vec<Pair> {
    let mut out: Vec<Pair> = items
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .map(|c| Pair { display: c.to_string(), replacement: format!("{c} ") })
        .collect();
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    out
}

fn flag_words(flags: &[Flag]) -> Vec<String> {
    flags.iter().map(|f| format!("--{}", f.long)).collect()
}

/// Candidates for the word at `pos`, from the words before it.
pub fn candidates(line: &str, pos: usize) -> (usize, Vec<Pair>, bool) {
    let head = &line[..pos];
    let start = head.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    let word = &head[start..];
    let before: Vec<&str> = head[..start].split_whitespace().collect();
    let before: Vec<&str> = match before.first() {
        Some(&"kubectl") | Some(&"k") => before[1..].to_vec(),
        _ => before,
    };
    let prev = before.last().copied();
    if matches!(prev, Some(">") | Some(">>")) {
        return (start, Vec::new(), true);
    }
    let Some(verb_word) = before.first() else {
        return (start, pairs(verbs::all_verb_words(), word), false);
    };
    let Some(verb) = verbs::find(verb_word) else { return (start, Vec::new(), false) };
    if let Some(p) = prev {
        let flag =
            verb.flags.iter().find(|f| p == format!("--{}", f.long) || f.short.is_some_and(|c| p == format!("-{c}")));
        if let Some(f) = flag.filter(|f| f.value.is_some()) {
            if f.long == "filename" {
                return (start, Vec::new(), true);
            }
            return (start, pairs(f.values.iter().copied(), word), false);
        }
    }
    if let Some((name, value)) = word.split_once('=')
        && let Some(f) = verb.flags.iter().find(|f| name == format!("--{}", f.long))
    {
        let vals = f.values.iter().map(|v| format!("{name}={v}")).collect::<Vec<_>>();
        return (start, pairs(vals.iter().map(String::as_str), &format!("{name}={value}")), false);
    }
    if word.starts_with('-') {
        let flags = flag_words(verb.flags);
        return (start, pairs(flags.iter().map(String::as_str), word), false);
    }
    let positional = before.iter().skip(1).filter(|w| !w.starts_with('-')).count();
    if positional == 0 && ["get", "describe", "delete"].contains(&verb.name) {
        return (start, pairs(["pods", "pod", "po", "namespaces", "nodes", "events"], word), false);
    }
    if verb.name == "help" {
        return (start, pairs(verbs::VERBS.iter().map(|v| v.name), word), false);
    }
    (start, Vec::new(), false)
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found, want_files) = candidates(line, pos);
        if want_files {
            return self.files.complete(line, pos, ctx);
        }
        Ok((start, found))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hints.hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color { Cow::Owned(Style::new().dimmed().paint(hint).to_string()) } else { Cow::Borrowed(hint) }
    }
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(match split(ctx.input()) {
            Err(LexError::Incomplete) => ValidationResult::Incomplete,
            _ => ValidationResult::Valid(None),
        })
    }
}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        candidates(line, line.len()).1.into_iter().map(|p| p.display).collect()
    }

    #[test]
    fn completes_by_position() {
        assert!(words("ge").contains(&"get".to_string()));
        assert_eq!(
            words("get p"),
            ["pod", "pods", "po"].iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter().fold(
                Vec::new(),
                |mut v, s| {
                    v.push(s);
                    v.sort();
                    v
                }
            )
        );
        assert!(words("get pods --wa").contains(&"--watch".to_string()));
        assert_eq!(words("get pods -o "), ["json", "name", "wide", "yaml"]);
        assert_eq!(words("run x --restart="), ["--restart=Always", "--restart=Never", "--restart=OnFailure"]);
        assert!(candidates("apply -f ", 9).2, "files after -f");
        assert!(candidates("get pods > ", 11).2, "files after >");
        assert!(words("k desc").contains(&"describe".to_string()));
    }
}
