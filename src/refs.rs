//! `@` references (pure): `@1`, `@2`, ... name the rows of the session's last pod
//! listing, `@last` the pod it last created or applied, `@PREFIX` the one pod whose name
//! starts so. This file finds the references on a line and rewrites it; the runner
//! resolves them against the session (and the cluster, for prefixes and staleness).

use crate::command::args;
use crate::command::lex::{Statement, Word, split};
use crate::command::table;
use crate::command::types::Scope;

/// A pod as a listing or a write left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRef {
    pub ctx: String,
    pub ns: String,
    pub name: String,
}

/// What `@` references read: kept by the session, written by the verbs that list or
/// create pods.
#[derive(Debug, Clone, Default)]
pub struct Refs {
    pub listing: Vec<Option<PodRef>>,
    pub last: Option<PodRef>,
}

/// What a reference asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    Row(usize),
    Last,
    Prefix(String),
}

/// One reference on a line: its byte span (without any `pod/` before it) and meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub wanted: Wanted,
    /// Whether the line names a namespace or context itself (or `-A`).
    pub scoped: bool,
    /// The namespace and context the line names.
    pub namespace: Option<String>,
    pub context: Option<String>,
}

/// What a reference word asks for (`@3`, `@last`, `@web-`), if it is one.
pub fn wanted(word: &str) -> Option<Wanted> {
    let body = word.strip_prefix('@')?;
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
        return None;
    }
    if body.chars().all(|c| c.is_ascii_digit()) {
        return body.parse().ok().filter(|n| *n > 0).map(Wanted::Row);
    }
    Some(if body == "last" { Wanted::Last } else { Wanted::Prefix(body.to_string()) })
}

/// The references on a line: unquoted words `@X` or `pod/@X` (`pods/@X`) before any
/// `--`, outside host commands.
pub fn find(line: &str) -> Vec<Found> {
    let Ok(statements) = split(line) else { return Vec::new() };
    let mut out = Vec::new();
    for st in statements {
        if let Statement::Words { words, .. } = st {
            out.extend(find_in(line, &words));
        }
    }
    out
}

/// The references among one statement's `words` (spans into `line`).
pub fn find_in(line: &str, words: &[Word]) -> Vec<Found> {
    // The line's own scope, read by the verb's row with the parser's flag scanner.
    let verb_at = usize::from(words.first().is_some_and(|w| w.text == "kubectl" || w.text == "k"));
    let (scope, all) = match words.get(verb_at).and_then(|w| table::find(&w.text)) {
        Some(verb) => {
            let a = args::split(&verb.tables(), &words[verb_at..]);
            (a.scope(), a.on("all-namespaces"))
        }
        None => (Default::default(), false),
    };
    let Scope { namespace, context, .. } = scope;
    let scoped = namespace.is_some() || context.is_some() || all;
    let mut out = Vec::new();
    for w in words.iter().take_while(|w| w.text != "--") {
        // Quoted words are left as typed.
        if line.get(w.start..w.end) != Some(w.text.as_str()) {
            continue;
        }
        let (skip, bare) = match w.text.split_once('/') {
            Some((kind, rest)) if matches!(kind, "pod" | "pods" | "po") => (kind.len() + 1, rest),
            _ => (0, w.text.as_str()),
        };
        if let Some(wanted) = wanted(bare) {
            out.push(Found {
                start: w.start + skip,
                end: w.end,
                text: bare.to_string(),
                wanted,
                scoped,
                namespace: namespace.clone(),
                context: context.clone(),
            });
        }
    }
    out
}

/// The line with each span replaced by its text (spans in order, not overlapping).
pub fn rewrite(line: &str, replacements: &[(usize, usize, String)]) -> String {
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for (start, end, text) in replacements {
        out.push_str(&line[at..*start]);
        out.push_str(text);
        at = *end;
    }
    out.push_str(&line[at..]);
    out
}

/// The pods whose names start with `prefix`: the exact name alone when it exists.
pub fn by_prefix<'a>(prefix: &str, names: &'a [String]) -> Vec<&'a String> {
    if let Some(exact) = names.iter().find(|n| *n == prefix) {
        return vec![exact];
    }
    names.iter().filter(|n| n.starts_with(prefix)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_words() {
        assert_eq!(wanted("@1"), Some(Wanted::Row(1)));
        assert_eq!(wanted("@12"), Some(Wanted::Row(12)));
        assert_eq!(wanted("@last"), Some(Wanted::Last));
        assert_eq!(wanted("@web-7"), Some(Wanted::Prefix("web-7".into())));
        for no in ["@", "@0", "1", "a@b", "@a/b", "@a=b", "@{x}"] {
            assert_eq!(wanted(no), None, "{no}");
        }
    }

    #[test]
    fn finds_unquoted_references_before_dashes() {
        let line = "exec -it @1 -- echo @2; logs pod/@last -c web | grep @3; get pod '@4' \"@5\"; !echo @6";
        let found = find(line);
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["@1", "@last"]);
        assert_eq!(&line[found[1].start..found[1].end], "@last");
        assert!(!found[0].scoped);
        let f = &find("logs @ng -n dev")[0];
        assert_eq!((f.scoped, f.namespace.as_deref(), f.context.as_deref()), (true, Some("dev"), None));
        let f = &find("logs @ng --context=x --namespace=a")[0];
        assert_eq!((f.namespace.as_deref(), f.context.as_deref()), (Some("a"), Some("x")));
        assert_eq!(find("get pods @1 -ndev")[0].namespace.as_deref(), Some("dev"));
        assert_eq!(find("get pods @1 -n=dev --context c")[0].context.as_deref(), Some("c"));
        assert!(find("get pods @1 -A")[0].scoped);
        assert!(!find("exec @1 -- ls -n x")[0].scoped, "words after -- are the command's");
        assert!(find("logs 'unterminated @1").is_empty());
        assert!(find("get deploy/@1 svc/@web").is_empty(), "only pods are referenced");
        assert_eq!(find("get po/@1")[0].start, 7);
    }

    #[test]
    fn rewrites_and_prefixes() {
        assert_eq!(rewrite("logs @1 -c @2", &[(5, 7, "web".into()), (11, 13, "x".into())]), "logs web -c x");
        assert_eq!(rewrite("a", &[]), "a");
        let names: Vec<String> = ["web-1", "web-2", "db", "web"].iter().map(|s| s.to_string()).collect();
        assert_eq!(by_prefix("web-", &names), ["web-1", "web-2"]);
        assert_eq!(by_prefix("web", &names), ["web"], "an exact name wins");
        assert_eq!(by_prefix("d", &names), ["db"]);
        assert!(by_prefix("x", &names).is_empty());
    }
}
