//! The builders against kubectl's rules, one line a case (testdata/lines.txt): which lines
//! the shell carries out and with what options, and which go to kubectl whole. Each
//! case names only the fields it is about.

use std::collections::BTreeMap;

use super::lex::{Statement, split};
use super::parse::parse;
use super::types::*;

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

fn list(v: &[String]) -> String {
    format!("[{}]", v.join(","))
}

fn num(v: Option<i64>) -> String {
    v.map_or_else(|| "-".into(), |n| n.to_string())
}

fn format(f: Option<Format>) -> String {
    f.map_or_else(|| "-".into(), |f| format!("{f:?}").to_lowercase())
}

fn dry(d: DryRun) -> String {
    format!("{d:?}").to_lowercase()
}

/// A command as `verb` plus named fields, all as text.
fn fields(c: &Command) -> (&'static str, BTreeMap<&'static str, String>) {
    let mut m = BTreeMap::new();
    let scope = |m: &mut BTreeMap<&'static str, String>, s: &Scope| {
        m.insert("ns", opt(&s.namespace));
        m.insert("context", opt(&s.context));
        m.insert("timeout", opt(&s.request_timeout));
    };
    let verb = match c {
        Command::Get(g) => {
            scope(&mut m, &g.scope);
            m.insert("kind", g.kind.plural().into());
            m.insert("names", list(&g.names));
            m.insert("selector", opt(&g.selector));
            m.insert("fields", opt(&g.field_selector));
            m.insert("all", g.all_namespaces.to_string());
            m.insert("output", format(Some(g.output)));
            m.insert("watch", g.watch.to_string());
            m.insert("events", g.watch_events.to_string());
            m.insert("labels", g.show_labels.to_string());
            m.insert("headers", (!g.no_headers).to_string());
            "get"
        }
        Command::Describe(d) => {
            scope(&mut m, &d.scope);
            m.insert("names", list(&d.names));
            m.insert("selector", opt(&d.selector));
            m.insert("all", d.all_namespaces.to_string());
            m.insert("prefix", d.prefix.to_string());
            "describe"
        }
        Command::Run(r) => {
            scope(&mut m, &r.scope);
            m.insert("name", r.name.clone());
            m.insert("image", opt(&r.image));
            m.insert("port", opt(&r.port));
            m.insert("labels", opt(&r.labels));
            m.insert("annotations", list(&r.annotations));
            m.insert("env", list(&r.env));
            m.insert("restart", opt(&r.restart));
            m.insert("pull", opt(&r.pull_policy));
            m.insert("command", r.command.to_string());
            m.insert("privileged", r.privileged.to_string());
            m.insert("args", list(&r.args));
            m.insert("dry", dry(r.dry_run));
            m.insert("output", format(r.output));
            "run"
        }
        Command::Apply(a) => {
            scope(&mut m, &a.scope);
            m.insert("files", list(&a.files));
            m.insert("dry", dry(a.dry_run));
            m.insert("validate", a.validate.clone());
            m.insert("output", format(a.output));
            if a.create_only { "create" } else { "apply" }
        }
        Command::Delete(d) => {
            scope(&mut m, &d.scope);
            m.insert("names", list(&d.names));
            m.insert("files", list(&d.files));
            m.insert("selector", opt(&d.selector));
            m.insert("all", d.all.to_string());
            m.insert("grace", num(d.grace));
            m.insert("force", d.force.to_string());
            m.insert("wait", d.wait.to_string());
            m.insert("ignore", d.ignore_not_found.to_string());
            m.insert("dry", dry(d.dry_run));
            "delete"
        }
        Command::Logs(l) => {
            scope(&mut m, &l.scope);
            m.insert("name", l.name.clone());
            m.insert("container", opt(&l.container));
            m.insert("follow", l.follow.to_string());
            m.insert("tail", num(l.tail));
            m.insert("since", num(l.since));
            m.insert("timestamps", l.timestamps.to_string());
            m.insert("previous", l.previous.to_string());
            "logs"
        }
        Command::Events(e) => {
            scope(&mut m, &e.scope);
            m.insert("pod", opt(&e.pod));
            m.insert("all", e.all_namespaces.to_string());
            "events"
        }
        Command::Wait(w) => {
            scope(&mut m, &w.scope);
            m.insert("name", w.name.clone());
            let condition = match &w.condition {
                Condition::Delete => "delete".to_string(),
                Condition::Status { name, value } => format!("{name}={value}"),
                Condition::JsonPath { path, value } => {
                    let steps: Vec<String> = path
                        .iter()
                        .map(|s| match s {
                            PathStep::Field(f) => format!(".{f}"),
                            PathStep::Index(i) => format!("[{i}]"),
                        })
                        .collect();
                    format!("{}={value}", steps.concat())
                }
            };
            m.insert("for", condition);
            m.insert("timeout", format!("{}s", w.timeout.as_secs_f64()));
            "wait"
        }
        Command::Kubectl(words) => {
            m.insert("words", list(words));
            "kubectl"
        }
        Command::Namespace(n) => {
            m.insert("arg", opt(n));
            "ns"
        }
        Command::Context(c) => {
            m.insert("arg", opt(c));
            "ctx"
        }
        Command::Contexts => "contexts",
        Command::Namespaces => "namespaces",
        Command::History(History::List { last, failed, context }) => {
            m.insert("last", last.map_or_else(|| "-".into(), |n| n.to_string()));
            m.insert("failed", failed.to_string());
            m.insert("ctx", opt(context));
            "history"
        }
        Command::History(History::Export { range, file, include_failed }) => {
            m.insert("range", opt(range));
            m.insert("file", opt(file));
            m.insert("failed", include_failed.to_string());
            "history-export"
        }
        Command::Help(topic) => {
            m.insert("topic", opt(topic));
            "help"
        }
        Command::Notify(on) | Command::ReadOnly(on) => {
            m.insert("on", on.map_or_else(|| "-".into(), |b| b.to_string()));
            if matches!(c, Command::Notify(_)) { "notify" } else { "readonly" }
        }
        Command::Draft(d) => {
            scope(&mut m, &d.scope);
            m.insert("file", opt(&d.file));
            m.insert("yes", d.yes.to_string());
            m.insert("name", d.run.as_ref().map_or_else(|| "-".into(), |r| r.name.clone()));
            m.insert("image", d.run.as_ref().map_or_else(|| "-".into(), |r| opt(&r.image)));
            m.insert("dry", d.run.as_ref().map_or_else(|| "-".into(), |r| dry(r.dry_run)));
            "draft"
        }
        Command::Why(w) => {
            scope(&mut m, &w.scope);
            m.insert("name", w.name.clone());
            "why"
        }
        Command::Tail(t) => {
            scope(&mut m, &t.scope);
            m.insert("pods", opt(&t.pods));
            m.insert("selector", opt(&t.selector));
            m.insert("containers", opt(&t.containers));
            m.insert("since", num(t.since));
            m.insert("all", t.all_namespaces.to_string());
            "tail"
        }
        Command::Clear => "clear",
        Command::Exit => "exit",
        Command::Host(cmd) => {
            m.insert("cmd", cmd.clone());
            "host"
        }
    };
    (verb, m)
}

#[test]
fn each_line_is_built_as_kubectl_reads_it() {
    let mut checked = 0;
    for case in include_str!("testdata/lines.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (line, expect) = case.split_once('\t').expect("LINE<TAB>EXPECT");
        let st = split(line).expect("lexes");
        let Some(Statement::Words { words, sink }) = st.into_iter().next() else { panic!("{line}: no statement") };
        let typed: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
        let parsed = parse(&words, sink);
        if let Some(message) = expect.strip_prefix("error ") {
            let e = parsed.expect_err(line);
            let (message, at) = message.split_once(" | at: ").map_or((message, None), |(m, a)| (m, Some(a)));
            let (message, hint) = message.split_once(" | hint: ").map_or((message, None), |(m, h)| (m, Some(h)));
            assert_eq!((e.message.as_str(), e.hint.as_deref()), (message, hint), "{line}");
            if let Some(at) = at {
                assert_eq!(e.span.map(|(s, e)| format!("{s}-{e}")).as_deref(), Some(at), "{line}: the caret");
            }
            checked += 1;
            continue;
        }
        let command = parsed.expect(line).expect("a command").command;
        let (verb, got) = fields(&command);
        let mut wanted = expect.split(' ');
        let want_verb = wanted.next().unwrap_or_default();
        assert_eq!(verb, want_verb, "{line}: {command:?}");
        if verb == "kubectl" {
            assert_eq!(got["words"], list(&typed), "{line}: the whole line goes to kubectl");
        }
        for w in wanted {
            let (k, v) = w.split_once('=').expect("field=value");
            assert_eq!(got.get(k).cloned(), Some(v.replace('␣', " ")), "{line}: {k}");
        }
        checked += 1;
    }
    assert!(checked > 200, "{checked} cases");
}
