//! rustyline's helper: completion (from `complete`, over the verb table and the live
//! name cache), highlighting of the line as typed, dimmed hints from history, and
//! multi-line continuation for open quotes and trailing backslashes. Nothing here sends
//! a request.

use std::borrow::Cow;

use nu_ansi_term::{Color, Style};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use super::complete::complete;
use super::names::Names;
use crate::command::lex::{LexError, split};
use crate::command::table;

pub struct ShellHelper {
    files: FilenameCompleter,
    hints: HistoryHinter,
    names: Box<dyn Names>,
    pub color: bool,
    /// A note for the next hint: pods are still being listed.
    pending: std::sync::Mutex<Option<String>>,
}

impl ShellHelper {
    pub fn new(color: bool, names: Box<dyn Names>) -> Self {
        let pending = std::sync::Mutex::new(None);
        Self { files: FilenameCompleter::new(), hints: HistoryHinter::new(), names, color, pending }
    }
}

/// Candidates for the word at `pos`: where it starts, the candidates (each replacement
/// ends with a space), and whether file names are wanted instead.
pub fn candidates(line: &str, pos: usize, names: &dyn Names) -> (usize, Vec<Pair>, bool) {
    let c = complete(line, pos, names);
    let pairs = c
        .candidates
        .into_iter()
        .map(|cand| {
            let space = if cand.partial { "" } else { " " };
            Pair { display: cand.display, replacement: format!("{}{space}", cand.value) }
        })
        .collect();
    (c.start, pairs, c.files)
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        // Test builds only: a panic on the main thread while the terminal is raw, to show
        // the panic hook puts the terminal back (tests/terminal.rs).
        #[cfg(debug_assertions)]
        if line == "panic now" && std::env::var_os("PODSH_TEST_PANIC_ON_TAB").is_some() {
            panic!("asked to panic by PODSH_TEST_PANIC_ON_TAB");
        }
        let (start, mut found, want_files) = candidates(line, pos, self.names.as_ref());
        let cold = self.names.take_cold();
        if let Some(note) = cold.filter(|_| found.is_empty() && !want_files) {
            // Nothing to offer yet because the first list is still arriving: say so as a
            // dimmed hint (the word is "replaced" by itself so the line is redrawn).
            let word = line.get(start..pos).unwrap_or_default().to_string();
            if let Ok(mut p) = self.pending.lock() {
                *p = Some(note.clone());
            }
            return Ok((start, vec![Pair { display: note, replacement: word }]));
        }
        if want_files {
            // Paths, and for `cp` also `POD:` (the pods come first).
            let (file_start, files) = self.files.complete(line, pos, ctx)?;
            if found.is_empty() {
                return Ok((file_start, files));
            }
            found.extend(files.into_iter().filter(|_| file_start == start));
        }
        Ok((start, found))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if let Some(note) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            return Some(format!("  {note}"));
        }
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
            } else if table::find(w).is_some() {
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
        fn ports(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<i32> {
            self.all(context, namespace).into_iter().find(|(n, _)| n == pod).map(|(_, i)| i.ports).unwrap_or_default()
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
                    (
                        "nginx".into(),
                        PodInfo { ports: vec![80, 443], ..info("default", "Running", &["nginx"], &[("app", "web")]) },
                    ),
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
    fn kubectl_pod_verbs_complete_through_their_rows() {
        assert_eq!(words("exec -it "), ["nginx", "ngx-2"]);
        assert_eq!(words("exec -it ngx-2 -c "), ["a", "b"]);
        assert_eq!(words("exec -n "), ["default", "dev", "kube-system"]);
        assert_eq!(words("exec -n dev "), ["devpod"]);
        assert_eq!(words("attach "), ["nginx", "ngx-2"]);
        assert_eq!(words("debug ng"), ["nginx", "ngx-2"]);
        assert_eq!(words("port-forward "), ["nginx", "ngx-2"]);
        assert_eq!(words("port-forward nginx "), ["443:443", "80:80"]);
        assert_eq!(words("port-forward pod/nginx 8"), ["80:80"]);
        assert_eq!(words("edit pod "), ["nginx", "ngx-2"]);
        assert_eq!(words("label pod ng"), ["nginx", "ngx-2"]);
        assert_eq!(words("annotate pods n"), ["nginx", "ngx-2"]);
        assert_eq!(words("wait --for=condition=Ready pod/"), ["pod/nginx", "pod/ngx-2"]);
        assert_eq!(words("top "), ["node", "pod"]);
        assert_eq!(words("top pod "), ["nginx", "ngx-2"]);
        assert_eq!(words("set image pod/n"), ["pod/nginx", "pod/ngx-2"]);
        assert_eq!(words("logs -l "), ["app=db", "app=web"]);
        let (_, cp, files) = candidates("cp ", 3, &Fixed);
        assert!(files, "cp completes local paths too");
        let cp: Vec<String> = cp.into_iter().map(|p| p.replacement).collect();
        assert_eq!(cp, ["nginx:", "ngx-2:"], "a pod source goes on with its path");
        let (_, set, _) = candidates("set image pod/ngx-2 ", 20, &Fixed);
        let set: Vec<String> = set.into_iter().map(|p| p.replacement).collect();
        assert_eq!(set, ["a=", "b="]);
        assert!(words("cp nginx:/e").is_empty(), "no guessing of paths inside a container");
    }

    #[test]
    fn highlighting_keeps_width() {
        let h = highlight_line("get pods -n dev; gte x");
        let stripped = String::from_utf8(strip(h.as_bytes())).expect("utf8");
        assert_eq!(stripped, "get pods -n dev; gte x");
        assert!(h.contains("\u{1b}[31mgte"), "unknown verb in red: {h:?}");
    }

    /// Names whose pods are still being listed: nothing to offer, and a note once.
    struct Listing(std::sync::Mutex<Option<String>>);

    impl Names for Listing {
        fn context(&self) -> String {
            "sim".into()
        }
        fn namespace(&self) -> String {
            "default".into()
        }
        fn contexts(&self) -> Vec<String> {
            vec!["sim".into()]
        }
        fn pods(&self, _: &str, _: Option<&str>, _: &str) -> Vec<(String, String)> {
            Vec::new()
        }
        fn containers(&self, _: &str, _: Option<&str>, _: &str) -> Vec<String> {
            Vec::new()
        }
        fn labels(&self, _: &str, _: Option<&str>, _: &str) -> Vec<String> {
            Vec::new()
        }
        fn namespaces(&self, _: &str) -> Vec<String> {
            Vec::new()
        }
        fn take_cold(&self) -> Option<String> {
            self.0.lock().ok().and_then(|mut n| n.take())
        }
    }

    #[test]
    fn a_tab_on_a_cold_cache_keeps_the_word_and_hints_once() {
        let note = || Some("listing 10,000 pods… (500 so far)".to_string());
        let helper = ShellHelper::new(false, Box::new(Listing(std::sync::Mutex::new(note()))));
        let history = rustyline::history::DefaultHistory::new();
        let ctx = Context::new(&history);
        let line = "describe pod web-";
        let (start, offered) = helper.complete(line, line.len(), &ctx).expect("completes");
        assert_eq!(start, "describe pod ".len());
        let replacements: Vec<&str> = offered.iter().map(|p| p.replacement.as_str()).collect();
        assert_eq!(replacements, ["web-"], "the word stays as typed");
        assert_eq!(helper.hint(line, line.len(), &ctx), note().map(|n| format!("  {n}")));
        assert_eq!(helper.hint(line, line.len(), &ctx), None, "the hint shows once");
        let (_, again) = helper.complete(line, line.len(), &ctx).expect("completes");
        assert!(again.is_empty(), "no note left, nothing offered");
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
