//! Turns a statement's words into a typed `Command`, using the verb table for flags.
//! Pure: no network, no printing. A leading `kubectl` or `k` is ignored so lines from
//! docs paste straight in.

use super::build::{apply, delete, describe, get, logs, pod_name, run, wait};
use super::lex::{Sink, Word};
pub use super::types::*;
use super::verbs::{self, Exec, Flag, Verb};

/// A parse failure, with the offending word's span for a caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub hint: Option<String>,
    pub span: Option<(usize, usize)>,
}

impl ParseError {
    pub(super) fn at(w: &Word, message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, span: Some((w.start, w.end)) }
    }
    pub(super) fn plain(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, span: None }
    }
    pub(super) fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// Flags and positional words of one statement, checked against a verb's flag list.
pub(super) struct Args {
    pub(super) positional: Vec<Word>,
    values: Vec<(&'static str, String)>,
    pub(super) after_dashes: Vec<String>,
    unknown: Vec<Word>,
}

impl Args {
    pub(super) fn get(&self, long: &str) -> Option<&str> {
        self.values.iter().rev().find(|(k, _)| *k == long).map(|(_, v)| v.as_str())
    }
    pub(super) fn all(&self, long: &str) -> Vec<String> {
        self.values.iter().filter(|(k, _)| *k == long).map(|(_, v)| v.clone()).collect()
    }
    pub(super) fn on(&self, long: &str) -> bool {
        matches!(self.get(long), Some("true") | Some(""))
    }
    pub(super) fn has(&self, long: &str) -> bool {
        self.get(long).is_some()
    }
    pub(super) fn scope(&self) -> Scope {
        Scope { namespace: self.get("namespace").map(str::to_string), context: self.get("context").map(str::to_string) }
    }
}

fn split_flags(verb: &Verb, words: &[Word]) -> Result<Args, ParseError> {
    let mut a = Args { positional: Vec::new(), values: Vec::new(), after_dashes: Vec::new(), unknown: Vec::new() };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let t = w.text.as_str();
        if t == "--" {
            a.after_dashes = words[i + 1..].iter().map(|w| w.text.clone()).collect();
            break;
        }
        let (spec, inline): (Option<&Flag>, Option<String>) = if let Some(long) = t.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            (verb.flags.iter().find(|f| f.long == name), val)
        } else if t.len() > 1 && t.starts_with('-') && !t[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let mut chars = t[1..].chars();
            let c = chars.next().unwrap_or('-');
            let rest: String = chars.collect();
            let rest = rest.strip_prefix('=').map(str::to_string).unwrap_or(rest);
            (verb.flags.iter().find(|f| f.short == Some(c)), (!rest.is_empty()).then_some(rest))
        } else {
            a.positional.push(w.clone());
            i += 1;
            continue;
        };
        let Some(spec) = spec else {
            a.unknown.push(w.clone());
            i += 1;
            continue;
        };
        let value = match (spec.value, inline) {
            (None, Some(v)) => v,
            (None, None) => "true".to_string(),
            (Some(_), Some(v)) => v,
            (Some(_), None) => {
                i += 1;
                match words.get(i) {
                    Some(v) => v.text.clone(),
                    None => {
                        return Err(ParseError::at(w, format!("flag needs an argument: {t}")).hint(format!(
                            "e.g. {} {}",
                            t,
                            spec.value.unwrap_or("VALUE")
                        )));
                    }
                }
            }
        };
        if !spec.values.is_empty() && !spec.values.contains(&value.as_str()) && spec.long != "output" {
            let mut e = ParseError::at(w, format!("invalid value {value:?} for --{}", spec.long));
            e.hint = Some(format!("one of: {}", spec.values.join(", ")));
            return Err(e);
        }
        a.values.push((spec.long, value));
        i += 1;
    }
    Ok(a)
}

pub(super) fn raw(words: &[Word]) -> Vec<String> {
    words.iter().map(|w| w.text.clone()).collect()
}

/// Parses one statement's words (the sink is already split off).
pub fn parse(words: &[Word], sink: Sink) -> Result<Option<Invocation>, ParseError> {
    let mut words = words;
    if words.first().is_some_and(|w| w.text == "kubectl" || w.text == "k") {
        words = &words[1..];
    }
    let Some(first) = words.first() else { return Ok(None) };
    let command = command(first, words)?;
    Ok(Some(Invocation { command, sink }))
}

fn command(first: &Word, words: &[Word]) -> Result<Command, ParseError> {
    let Some(verb) = verbs::find(&first.text) else {
        if verbs::KUBECTL_VERBS.contains(&first.text.as_str()) {
            return Ok(Command::Kubectl(raw(words)));
        }
        let mut e = ParseError::at(first, format!("unknown command {:?}", first.text));
        if let Some(s) = verbs::nearest(&first.text, verbs::all_verb_words()) {
            e = e.hint(format!("did you mean {s:?}?"));
        } else {
            e = e.hint("type `help` for the verbs");
        }
        return Err(e);
    };
    let rest = &words[1..];
    if verb.exec == Exec::Shell {
        return shell_verb(verb, first, rest);
    }
    let a = split_flags(verb, rest)?;
    if let Some(bad) = a.unknown.first() {
        let name = bad.text.split('=').next().unwrap_or(&bad.text);
        let bare = name.trim_start_matches('-');
        if let Some(s) = verbs::nearest(bare, verb.flags.iter().map(|f| f.long)) {
            return Err(ParseError::at(bad, format!("unknown flag {name}")).hint(format!("did you mean --{s}?")));
        }
        // A kubectl flag this shell does not implement: kubectl itself runs the line.
        return Ok(Command::Kubectl(raw(words)));
    }
    match verb.name {
        "get" => get(words, &a),
        "describe" => describe(words, &a),
        "run" => run(words, &a),
        "apply" | "create" => apply(verb.name == "create", words, &a),
        "delete" => delete(words, &a),
        "logs" => logs(first, words, &a),
        "events" => Ok(Command::Events(Events {
            scope: a.scope(),
            pod: a
                .get("for")
                .map(|f| f.trim_start_matches("pod/").to_string())
                .or_else(|| a.positional.first().and_then(|w| pod_name(&w.text)).map(str::to_string)),
            all_namespaces: a.on("all-namespaces"),
        })),
        "wait" => wait(first, words, &a),
        _ => Ok(Command::Kubectl(raw(words))),
    }
}

fn shell_verb(verb: &Verb, first: &Word, rest: &[Word]) -> Result<Command, ParseError> {
    let arg = rest.first().map(|w| w.text.clone());
    if rest.len() > 1 {
        return Err(ParseError::at(&rest[1], format!("{} takes at most one argument", verb.name))
            .hint(format!("usage: {}", verb.usage)));
    }
    Ok(match verb.name {
        "ns" => Command::Namespace(arg),
        "ctx" => Command::Context(arg),
        "contexts" => Command::Contexts,
        "namespaces" => Command::Namespaces,
        "history" => Command::History(match &arg {
            Some(n) => Some(n.parse().map_err(|_| ParseError::at(&rest[0], format!("not a count: {n:?}")))?),
            None => None,
        }),
        "help" => Command::Help(arg),
        "clear" => Command::Clear,
        "notify" => Command::Notify(match arg.as_deref() {
            None => None,
            Some("on") => Some(true),
            Some("off") => Some(false),
            Some(other) => return Err(ParseError::at(&rest[0], format!("notify takes on or off, not {other:?}"))),
        }),
        "exit" => Command::Exit,
        _ => return Err(ParseError::at(first, format!("unknown command {:?}", first.text))),
    })
}

#[cfg(test)]
mod tests {
    use super::super::lex::{Statement, split};
    use super::*;

    fn p(line: &str) -> Result<Command, ParseError> {
        let st = split(line).expect("lexes");
        let Some(Statement::Words { words, sink }) = st.into_iter().next() else { panic!("a statement") };
        parse(&words, sink).map(|i| i.expect("a command").command)
    }

    #[test]
    fn seed_lines_parse() {
        let Command::Run(r) = p("kubectl run nginx --image=nginx:1.14.2 --dry-run=client -o yaml").expect("ok") else {
            panic!()
        };
        assert_eq!(
            (r.name.as_str(), r.image.as_deref(), r.dry_run, r.output),
            ("nginx", Some("nginx:1.14.2"), DryRun::Client, Some(Output::Yaml))
        );
        assert!(
            matches!(p("k apply -f nginx-pod.yaml"), Ok(Command::Apply(a)) if a.files == ["nginx-pod.yaml"] && !a.create_only)
        );
        assert!(matches!(p("k get pod"), Ok(Command::Get(g)) if g.kind == Kind::Pods && g.names.is_empty()));
        assert!(matches!(p("k describe pod nginx"), Ok(Command::Describe(d)) if d.names == ["nginx"]));
        assert!(matches!(p("k delete -f nginx-pod.yaml"), Ok(Command::Delete(d)) if d.files == ["nginx-pod.yaml"]));
        assert!(matches!(p("k delete pod nginx"), Ok(Command::Delete(d)) if d.names == ["nginx"] && d.wait));
    }

    #[test]
    fn flags_forms() {
        let Command::Get(g) =
            p("get po -n kube-system -owide -l app=web --field-selector=status.phase=Running -A -w").expect("ok")
        else {
            panic!()
        };
        assert_eq!(g.scope.namespace.as_deref(), Some("kube-system"));
        assert_eq!(
            (g.output, g.selector.as_deref(), g.field_selector.as_deref(), g.all_namespaces, g.watch),
            (Output::Wide, Some("app=web"), Some("status.phase=Running"), true, true)
        );
        let Command::Run(r) = p("run x --image=busybox --restart=Never --command -- sh -c 'echo hi'").expect("ok")
        else {
            panic!()
        };
        assert_eq!(r.args, ["sh", "-c", "echo hi"]);
        assert!(r.command);
        let Command::Delete(d) = p("delete pod/a pod/b --grace-period=0 --force --wait=false").expect("ok") else {
            panic!()
        };
        assert_eq!(
            (d.names.clone(), d.grace, d.force, d.wait),
            (vec!["a".to_string(), "b".to_string()], Some(0), true, false)
        );
        let Command::Logs(l) = p("logs nginx -c web -f --tail 5 --since=2m -p").expect("ok") else { panic!() };
        assert_eq!(
            (l.container.as_deref(), l.follow, l.tail, l.since, l.previous),
            (Some("web"), true, Some(5), Some(120), true)
        );
    }

    #[test]
    fn pass_through_and_errors() {
        assert!(matches!(p("get deployments"), Ok(Command::Kubectl(w)) if w == ["get", "deployments"]));
        assert!(matches!(p("exec -it nginx -- sh"), Ok(Command::Kubectl(_))));
        assert!(matches!(p("get pods --sort-by=.metadata.name"), Ok(Command::Kubectl(_))));
        let e = p("gte pods").expect_err("typo");
        assert_eq!(
            (e.message.as_str(), e.hint.as_deref(), e.span),
            ("unknown command \"gte\"", Some("did you mean \"get\"?"), Some((0, 3)))
        );
        let e = p("get pods --selctor app=web").expect_err("typo");
        assert_eq!(e.hint.as_deref(), Some("did you mean --selector?"));
        let e = p("run x --image=y --restart=Sometimes").expect_err("bad value");
        assert!(e.message.contains("--restart"), "{e:?}");
        assert!(p("get pods -o").is_err());
        assert!(matches!(p("ns -"), Ok(Command::Namespace(Some(n))) if n == "-"));
    }
}
