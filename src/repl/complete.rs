//! Completion by position, from the verb table and live names: the line is read with the
//! real lexer (leniently: an open quote is fine), the verb's row splits it with the same
//! flag scanner the parser uses, and the argument kind of the flag or operand being typed
//! decides the candidates. Nothing here sends a request; names come from `Names`.

use crate::command::args::{self, Arg, Args};
use crate::command::build::{POD_WORDS, pod_name};
use crate::command::lex::{self, Word};
use crate::command::table;
use crate::command::verbs::Verb;

use super::names::Names;

/// One candidate: what replaces the word, what the list shows, a description, and
/// whether the word is complete (a space follows) or goes on (`POD:`, `CONTAINER=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    pub display: String,
    pub help: Option<&'static str>,
    pub partial: bool,
}

/// What completing the word at the cursor offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the line where the word being completed starts.
    pub start: usize,
    pub candidates: Vec<Candidate>,
    /// Paths are wanted (the caller's file completer answers).
    pub files: bool,
}

/// The words `kind` and `pod/` forms of the kinds the shell serves natively.
const RESOURCE_WORDS: &[&str] = &["pods", "pod", "po", "namespaces", "nodes", "events"];
const NAMESPACE_WORDS: &[&str] = &["namespaces", "namespace", "ns"];

fn plain(items: impl IntoIterator<Item = String>, prefix: &str) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = items
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .map(|c| Candidate { display: c.clone(), value: c, help: None, partial: false })
        .collect();
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    out
}

fn owned<'a>(items: impl IntoIterator<Item = &'a str>) -> impl Iterator<Item = String> {
    items.into_iter().map(str::to_string)
}

/// Where the line will run, and what it has named so far: what candidates depend on.
struct Place<'a> {
    names: &'a dyn Names,
    context: String,
    /// The namespace pods are listed in; `None` with `-A`.
    namespace: Option<String>,
    /// The operands typed so far.
    operands: Vec<String>,
}

impl<'a> Place<'a> {
    fn of(a: &Args, names: &'a dyn Names) -> Self {
        let context = a.get("context").map_or_else(|| names.context(), str::to_string);
        let namespace = a.get("namespace").map_or_else(|| names.namespace(), str::to_string);
        let all = a.on("all-namespaces");
        Place {
            names,
            context,
            namespace: (!all).then_some(namespace),
            operands: a.positional.iter().map(|w| w.text.clone()).collect(),
        }
    }

    /// The pod the line names: the first operand that is not a kind word.
    fn pod(&self) -> Option<String> {
        let first = self.operands.iter().find(|p| !POD_WORDS.contains(&p.as_str()))?;
        Some(pod_name(first).unwrap_or(first).to_string())
    }

    /// Pods whose names start like `word` (which may carry a `pod/` prefix), showing
    /// their STATUS.
    fn pods(&self, word: &str) -> Vec<Candidate> {
        let prefix = ["pod/", "pods/"].into_iter().find(|p| word.starts_with(p)).unwrap_or("");
        let bare = &word[prefix.len()..];
        self.names
            .pods(&self.context, self.namespace.as_deref(), bare)
            .into_iter()
            .map(|(n, status)| Candidate {
                display: format!("{prefix}{n} ({status})"),
                value: format!("{prefix}{n}"),
                help: None,
                partial: false,
            })
            .collect()
    }

    /// Candidates for a value of kind `arg`, as typed so far in `word`.
    fn values(&self, arg: Arg, word: &str) -> Completion {
        let names = self.names;
        let candidates = match arg {
            Arg::File => return Completion { files: true, ..Completion::default() },
            Arg::CopyPath if word.contains(':') => Vec::new(),
            Arg::CopyPath => {
                let pods = self.pods(word).into_iter().map(|c| Candidate {
                    value: format!("{}:", c.value),
                    partial: true,
                    ..c
                });
                return Completion { candidates: pods.collect(), files: true, ..Completion::default() };
            }
            Arg::Port => {
                let ports = self.pod().map(|p| names.ports(&self.context, self.namespace.as_deref(), &p));
                plain(ports.unwrap_or_default().into_iter().map(|p| format!("{p}:{p}")), word)
            }
            Arg::ContainerImage => {
                let containers = self.pod().map(|p| names.containers(&self.context, self.namespace.as_deref(), &p));
                let offered = plain(containers.unwrap_or_default().into_iter().map(|c| format!("{c}=")), word);
                offered.into_iter().map(|c| Candidate { partial: true, ..c }).collect()
            }
            Arg::Pod => self.pods(word),
            Arg::Namespace => plain(names.namespaces(&self.context), word),
            Arg::NamespaceOrBack => plain(names.namespaces(&self.context).into_iter().chain(owned(["-"])), word),
            Arg::Context => plain(names.contexts(), word),
            Arg::ContextOrBack => plain(names.contexts().into_iter().chain(owned(["-"])), word),
            Arg::Container => {
                let containers = self.pod().map(|p| names.containers(&self.context, self.namespace.as_deref(), &p));
                plain(containers.unwrap_or_default(), word)
            }
            Arg::Selector => plain(names.labels(&self.context, self.namespace.as_deref(), word), word),
            Arg::Resource if word.starts_with("pod/") || word.starts_with("pods/") => self.pods(word),
            Arg::Resource => plain(owned(RESOURCE_WORDS.iter().copied()), word),
            Arg::Name => match self.operands.first().map(String::as_str) {
                Some(k) if POD_WORDS.contains(&k) => self.pods(word),
                Some(k) if NAMESPACE_WORDS.contains(&k) => plain(names.namespaces(&self.context), word),
                _ => Vec::new(),
            },
            Arg::Verb => plain(owned(table::own().map(|v| v.name)), word),
            Arg::Choice(values) | Arg::Bare(values, _) => plain(owned(values.iter().copied()), word),
            Arg::Switch | Arg::Free(_) => Vec::new(),
        };
        Completion { candidates, ..Completion::default() }
    }
}

/// `--flag=` and a partial value: candidates keep the `--flag=` part.
fn inline_value(row: args::Tables<'_>, place: &Place<'_>, word: &str) -> Option<Completion> {
    let (name, value) = word.split_once('=')?;
    let f = row.iter().flat_map(|t| t.iter()).find(|f| name.strip_prefix("--") == Some(f.long))?;
    let mut c = place.values(f.arg, value);
    for cand in &mut c.candidates {
        cand.value = format!("{name}={}", cand.value);
        cand.display = format!("{name}={}", cand.display);
    }
    Some(c)
}

fn flags(tables: args::Tables<'_>, word: &str) -> Completion {
    let mut candidates: Vec<Candidate> = tables
        .iter()
        .flat_map(|t| t.iter())
        .map(|f| (format!("--{}", f.long), f.help))
        .filter(|(long, _)| long.starts_with(word))
        .map(|(long, help)| Candidate { display: long.clone(), value: long, help: Some(help), partial: false })
        .collect();
    candidates.sort_by(|a, b| a.display.cmp(&b.display));
    Completion { candidates, ..Completion::default() }
}

/// The row the line is in: a sub-verb's when its name follows the verb.
fn descend(verb: &'static Verb, words: &[Word]) -> (&'static Verb, usize) {
    match words.get(1).and_then(|w| verb.subverb(&w.text)) {
        Some(sub) => (sub, 1),
        None => (verb, 0),
    }
}

/// Candidates for `current`, the word being typed after `words` (the verb first) in
/// the row `verb`.
pub fn complete_words(verb: &'static Verb, words: &[Word], current: &str, names: &dyn Names) -> Completion {
    let (verb, skip) = descend(verb, words);
    let words = &words[skip..];
    if !verb.subverbs.is_empty() && words.len() == 1 && !current.starts_with('-') {
        let subs = verb.subverbs.iter().map(|v| v.name.to_string());
        return Completion { candidates: plain(subs, current), ..Completion::default() };
    }
    complete_by_flags(&verb.tables(), verb.operands, words, current, names)
}

/// Candidates for `current` after `words` (a command word first), given the flags and
/// operand kinds that follow it.
pub fn complete_by_flags(
    row: args::Tables<'_>,
    operands: &[Arg],
    words: &[Word],
    current: &str,
    names: &dyn Names,
) -> Completion {
    let a = args::split(row, words);
    let place = Place::of(&a, names);
    if let Some((f, _)) = &a.missing_value {
        return place.values(f.arg, current);
    }
    if current.starts_with("--")
        && let Some(c) = inline_value(row, &place, current)
    {
        return c;
    }
    if current.starts_with('-') && current != "-" {
        return flags(row, current);
    }
    if !a.after_dashes.is_empty() || words.iter().any(|w| w.text == "--") {
        return Completion::default();
    }
    match operands.get(a.positional.len()).or(operands.last()) {
        Some(arg) => place.values(*arg, current),
        None => Completion::default(),
    }
}

/// An `@` reference being typed completes to the pod it stands for: the session's `@N`
/// and `@last`, or the cached pods whose names start with what follows `@`.
fn references(word: &str, names: &dyn Names) -> Option<Completion> {
    let prefix = ["pod/", "pods/"].into_iter().find(|p| word.starts_with(p)).unwrap_or("");
    let typed = word[prefix.len()..].strip_prefix('@')?;
    let candidate = |label: String, name: &str| Candidate {
        display: label,
        value: format!("{prefix}{name}"),
        help: None,
        partial: false,
    };
    let mut out: Vec<Candidate> = names
        .refs()
        .into_iter()
        .filter(|(label, _)| label[1..].starts_with(typed))
        .map(|(label, name)| candidate(format!("{label} {name}"), &name))
        .collect();
    if !typed.is_empty() && out.is_empty() {
        let pods = names.pods(&names.context(), Some(&names.namespace()), typed);
        out = pods.into_iter().map(|(n, status)| candidate(format!("@{n} ({status})"), &n)).collect();
    }
    Some(Completion { candidates: out, ..Completion::default() })
}

/// Candidates for the word that ends at `pos` in `line`.
pub fn complete(line: &str, pos: usize, names: &dyn Names) -> Completion {
    let t = lex::tail(line.get(..pos).unwrap_or(line));
    let start = t.current.start;
    if t.foreign {
        return Completion { start, ..Completion::default() };
    }
    if t.redirect {
        return Completion { start, files: true, ..Completion::default() };
    }
    let mut words = t.words;
    if words.first().is_some_and(|w| w.text == "kubectl" || w.text == "k") {
        words.remove(0);
    }
    let word = t.current.text.as_str();
    if !words.is_empty()
        && let Some(c) = references(word, names)
    {
        return Completion { start, ..c };
    }
    let Some(first) = words.first() else {
        let verbs = owned(table::all_verb_words());
        return Completion { start, candidates: plain(verbs, word), files: false };
    };
    let Some(verb) = table::find(&first.text) else { return Completion { start, ..Completion::default() } };
    Completion { start, ..complete_words(verb, &words, word, names) }
}
