//! rustyline's helper: completion by position from the verb table and the live name
//! cache (verbs, resource words, flags, flag values, pod names in the namespace the line
//! will run in, containers of the named pod, namespaces, contexts, label pairs, files),
//! highlighting of the line as typed, dimmed hints from history, and multi-line
//! continuation for open quotes and trailing backslashes. Nothing here sends a request.

use std::borrow::Cow;

use nu_ansi_term::{Color, Style};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::names::Names;
use crate::command::lex::{LexError, split};
use crate::command::verbs::{self, Flag, Verb};

pub struct ShellHelper {
    files: FilenameCompleter,
    hints: HistoryHinter,
    names: Box<dyn Names>,
    pub color: bool,
}

impl ShellHelper {
    pub fn new(color: bool, names: Box<dyn Names>) -> Self {
        Self { files: FilenameCompleter::new(), hints: HistoryHinter::new(), names, color }
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

/// What the words before the cursor say about where the line will run.
struct LineScope {
    context: Option<String>,
    namespace: Option<String>,
    all: bool,
}

fn flag_value<'a>(words: &[&'a str], long: &str, short: Option<char>) -> Option<&'a str> {
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        let long_eq = format!("--{long}=");
        if let Some(v) = w.strip_prefix(&long_eq) {
            found = Some(v);
        } else if *w == format!("--{long}") || short.is_some_and(|c| *w == format!("-{c}")) {
            found = words.get(i + 1).copied();
        } else if let Some(c) = short
            && let Some(v) = w.strip_prefix(&format!("-{c}")).filter(|v| !v.is_empty() && !w.starts_with("--"))
        {
            found = Some(v.trim_start_matches('='));
        }
    }
    found
}

fn scope_of(words: &[&str]) -> LineScope {
    LineScope {
        context: flag_value(words, "context", None).map(str::to_string),
        namespace: flag_value(words, "namespace", Some('n')).map(str::to_string),
        all: words.iter().any(|w| *w == "-A" || *w == "--all-namespaces"),
    }
}

/// Words that are neither flags nor flag values.
fn positionals<'a>(verb: &Verb, words: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in words {
        if skip {
            skip = false;
            continue;
        }
        if w.starts_with('-') && *w != "-" {
            let name = w.trim_start_matches('-');
            let takes = verb.flags.iter().any(|f| {
                f.value.is_some() && (f.long == name || (w.len() == 2 && f.short.is_some_and(|c| w.ends_with(c))))
            });
            skip = takes && !w.contains('=');
            continue;
        }
        out.push(*w);
    }
    out
}

/// Pod candidates for `word` (which may carry a `pod/` prefix), with their STATUS.
fn pod_pairs(names: &dyn Names, ctx: &str, ns: Option<&str>, word: &str, kind_prefix: &str) -> Vec<Pair> {
    let bare = word.strip_prefix(kind_prefix).unwrap_or(word);
    names
        .pods(ctx, ns, bare)
        .into_iter()
        .map(|(n, status)| Pair {
            display: format!("{kind_prefix}{n} ({status})"),
            replacement: format!("{kind_prefix}{n} "),
        })
        .collect()
}

fn flag_of<'a>(verb: &'a Verb, word: &str) -> Option<&'a Flag> {
    verb.flags.iter().find(|f| word == format!("--{}", f.long) || f.short.is_some_and(|c| word == format!("-{c}")))
}

/// Candidates for the word at `pos`: where it starts, the candidates, and whether file
/// names are wanted instead.
pub fn candidates(line: &str, pos: usize, names: &dyn Names) -> (usize, Vec<Pair>, bool) {
    let head = &line[..pos];
    let start = head.rfind(|c: char| c.is_whitespace() || c == ';').map_or(0, |i| i + 1);
    let word = &head[start..];
    let statement = &head[..start];
    let statement = statement.rsplit(';').next().unwrap_or(statement);
    let mut before: Vec<&str> = statement.split_whitespace().collect();
    if matches!(before.first(), Some(&"kubectl") | Some(&"k")) {
        before.remove(0);
    }
    if matches!(before.last(), Some(&">") | Some(&">>")) {
        return (start, Vec::new(), true);
    }
    let Some(verb_word) = before.first().copied() else {
        return (start, pairs(verbs::all_verb_words(), word), false);
    };
    let Some(verb) = verbs::find(verb_word) else { return (start, Vec::new(), false) };
    let args = &before[1..];
    let scope = scope_of(args);
    let ctx = scope.context.clone().unwrap_or_else(|| names.context());
    let ns = scope.namespace.clone().unwrap_or_else(|| names.namespace());
    let pod_ns = if scope.all { None } else { Some(ns.as_str()) };
    if let Some(f) = args.last().and_then(|p| flag_of(verb, p)).filter(|f| f.value.is_some()) {
        return match f.long {
            "filename" => (start, Vec::new(), true),
            "namespace" => (start, pairs(names.namespaces(&ctx).iter().map(String::as_str), word), false),
            "context" => (start, pairs(names.contexts().iter().map(String::as_str), word), false),
            "container" => {
                let pos = positionals(verb, args);
                let pod = pos
                    .iter()
                    .find(|p| !verbs::POD_WORDS.contains(p))
                    .map(|p| p.trim_start_matches("pod/").to_string());
                let containers = pod.map(|p| names.containers(&ctx, pod_ns, &p)).unwrap_or_default();
                (start, pairs(containers.iter().map(String::as_str), word), false)
            }
            "selector" => {
                let labels = names.labels(&ctx, pod_ns, word);
                (start, pairs(labels.iter().map(String::as_str), word), false)
            }
            _ => (start, pairs(f.values.iter().copied(), word), false),
        };
    }
    if let Some((name, _)) = word.split_once('=')
        && let Some(f) = verb.flags.iter().find(|f| name == format!("--{}", f.long))
    {
        let vals: Vec<String> = match f.long {
            "namespace" => names.namespaces(&ctx),
            "context" => names.contexts(),
            _ => f.values.iter().map(|v| v.to_string()).collect(),
        };
        let full: Vec<String> = vals.iter().map(|v| format!("{name}={v}")).collect();
        return (start, pairs(full.iter().map(String::as_str), word), false);
    }
    if word.starts_with('-') {
        let flags: Vec<String> = verb.flags.iter().map(|f| format!("--{}", f.long)).collect();
        return (start, pairs(flags.iter().map(String::as_str), word), false);
    }
    let pos = positionals(verb, args);
    match verb.name {
        "ns" if pos.is_empty() => {
            (start, pairs(names.namespaces(&ctx).iter().map(String::as_str).chain(["-"]), word), false)
        }
        "ctx" if pos.is_empty() => {
            (start, pairs(names.contexts().iter().map(String::as_str).chain(["-"]), word), false)
        }
        "help" => (start, pairs(verbs::VERBS.iter().map(|v| v.name), word), false),
        "logs" | "wait" if pos.is_empty() => (start, pod_pairs(names, &ctx, pod_ns, word, ""), false),
        "get" | "describe" | "delete" if pos.is_empty() => {
            if word.starts_with("pod/") {
                return (start, pod_pairs(names, &ctx, pod_ns, word, "pod/"), false);
            }
            (start, pairs(["pods", "pod", "po", "namespaces", "nodes", "events"], word), false)
        }
        "get" | "describe" | "delete" if pos.first().is_some_and(|p| verbs::POD_WORDS.contains(p)) => {
            (start, pod_pairs(names, &ctx, pod_ns, word, ""), false)
        }
        _ => (start, Vec::new(), false),
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found, want_files) = candidates(line, pos, self.names.as_ref());
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

/// Colours a line without changing its width: verbs green (red when unknown), flags cyan.
pub fn highlight_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut first = true;
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut String, w: &str, first: &mut bool| {
        let prefixless = matches!(w, "kubectl" | "k");
        let styled = if *first && !prefixless {
            *first = false;
            if w.starts_with('!') {
                Style::new().fg(Color::Yellow).paint(w).to_string()
            } else if verbs::find(w).is_some() || verbs::KUBECTL_VERBS.contains(&w) {
                Style::new().fg(Color::Green).bold().paint(w).to_string()
            } else {
                Style::new().fg(Color::Red).paint(w).to_string()
            }
        } else if w.starts_with('-') {
            Color::Cyan.paint(w).to_string()
        } else {
            w.to_string()
        };
        out.push_str(&styled);
    };
    for (i, c) in line.char_indices() {
        if c.is_whitespace() || c == ';' {
            if let Some(s) = word_start.take() {
                flush(&mut out, &line[s..i], &mut first);
            }
            if c == ';' {
                first = true;
            }
            out.push(c);
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(s) = word_start {
        flush(&mut out, &line[s..], &mut first);
    }
    out
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color && !line.contains(['\'', '"', '\\']) {
            Cow::Owned(highlight_line(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }

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
    use crate::cache::PodInfo;

    struct Fixed;

    fn info(ns: &str, status: &str, containers: &[&str], labels: &[(&str, &str)]) -> PodInfo {
        PodInfo {
            namespace: ns.into(),
            status: status.into(),
            containers: containers.iter().map(|c| c.to_string()).collect(),
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    impl Names for Fixed {
        fn context(&self) -> String {
            "sim".into()
        }
        fn namespace(&self) -> String {
            "default".into()
        }
        fn contexts(&self) -> Vec<String> {
            vec!["sim".into(), "prod".into()]
        }
        fn pods(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<(String, String)> {
            let mut v: Vec<(String, String)> = self
                .all(context, namespace)
                .into_iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(n, i)| (n, i.status))
                .collect();
            v.sort();
            v
        }
        fn containers(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<String> {
            self.all(context, namespace)
                .into_iter()
                .find(|(n, _)| n == pod)
                .map(|(_, i)| i.containers)
                .unwrap_or_default()
        }
        fn labels(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<String> {
            let mut v: Vec<String> = self
                .all(context, namespace)
                .into_iter()
                .flat_map(|(_, i)| i.labels.into_iter().map(|(k, v)| format!("{k}={v}")))
                .filter(|p| p.starts_with(prefix))
                .collect();
            v.sort();
            v
        }
        fn namespaces(&self, context: &str) -> Vec<String> {
            if context == "sim" {
                vec!["default".into(), "dev".into(), "kube-system".into()]
            } else {
                vec!["default".into()]
            }
        }
    }

    impl Fixed {
        fn all(&self, context: &str, namespace: Option<&str>) -> Vec<(String, PodInfo)> {
            match (context, namespace) {
                ("sim", Some("default")) => vec![
                    ("nginx".into(), info("default", "Running", &["nginx"], &[("app", "web")])),
                    ("ngx-2".into(), info("default", "Pending", &["a", "b"], &[("app", "db")])),
                ],
                ("sim", Some("dev")) => vec![("devpod".into(), info("dev", "Running", &["c"], &[]))],
                ("sim", None) => vec![
                    ("nginx".into(), info("default", "Running", &["nginx"], &[])),
                    ("devpod".into(), info("dev", "Running", &["c"], &[])),
                ],
                ("prod", Some("default")) => vec![("prodpod".into(), info("default", "Running", &["p"], &[]))],
                _ => Vec::new(),
            }
        }
    }

    fn words(line: &str) -> Vec<String> {
        candidates(line, line.len(), &Fixed).1.into_iter().map(|p| p.replacement.trim_end().to_string()).collect()
    }

    #[test]
    fn verbs_resources_flags_and_values() {
        assert!(words("ge").contains(&"get".to_string()));
        assert!(words("k desc").contains(&"describe".to_string()));
        assert_eq!(words("get p"), ["po", "pod", "pods"]);
        assert!(words("get pods --wa").contains(&"--watch".to_string()));
        assert_eq!(words("get pods -o "), ["json", "name", "wide", "yaml"]);
        assert_eq!(words("run x --dry-run="), ["--dry-run=client", "--dry-run=none", "--dry-run=server"]);
        assert_eq!(words("run x --restart "), ["Always", "Never", "OnFailure"]);
        assert!(candidates("apply -f ", 9, &Fixed).2, "files after -f");
        assert!(candidates("get pods > ", 11, &Fixed).2, "files after >");
    }

    #[test]
    fn pod_names_follow_the_line_namespace() {
        assert_eq!(words("describe pod ng"), ["nginx", "ngx-2"]);
        assert_eq!(words("logs "), ["nginx", "ngx-2"]);
        assert_eq!(words("get pods -n dev "), ["devpod"]);
        assert_eq!(words("get pods --namespace=dev d"), ["devpod"]);
        assert_eq!(words("delete pod -A "), ["devpod", "nginx"]);
        assert_eq!(words("describe pod/n"), ["pod/nginx", "pod/ngx-2"]);
        assert_eq!(words("logs --context prod "), ["prodpod"]);
        let shown: Vec<String> = candidates("describe pod ng", 15, &Fixed).1.into_iter().map(|p| p.display).collect();
        assert_eq!(shown, ["nginx (Running)", "ngx-2 (Pending)"]);
    }

    #[test]
    fn namespaces_contexts_containers_labels() {
        assert_eq!(words("get pods -n "), ["default", "dev", "kube-system"]);
        assert_eq!(words("ns d"), ["default", "dev"]);
        assert_eq!(words("ctx "), ["-", "prod", "sim"]);
        assert_eq!(words("get pods --context "), ["prod", "sim"]);
        assert_eq!(words("logs ngx-2 -c "), ["a", "b"]);
        assert_eq!(words("get pods -l app"), ["app=db", "app=web"]);
    }

    #[test]
    fn highlighting_keeps_width() {
        let h = highlight_line("get pods -n dev; gte x");
        let stripped = String::from_utf8(strip(h.as_bytes())).expect("utf8");
        assert_eq!(stripped, "get pods -n dev; gte x");
        assert!(h.contains("\u{1b}[31mgte"), "unknown verb in red: {h:?}");
    }

    fn strip(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == 0x1b {
                while i < b.len() && b[i] != b'm' {
                    i += 1;
                }
            } else {
                out.push(b[i]);
            }
            i += 1;
        }
        out
    }
}
