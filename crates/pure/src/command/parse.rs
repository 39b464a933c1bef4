//! Turns a statement's words into a typed `Command` by its verb's row in the table:
//! the row's flags split the words (`args`), the row's builder makes the command. Pure:
//! no network, no printing. A leading `kubectl` or `k` is ignored so lines from docs
//! paste straight in.

use super::args::{self, Arg, Args};
use super::lex::{Sink, Word};
pub use super::parse_error::ParseError;
use super::table;
pub use super::types::*;
use super::verbs::{Exec, Verb};
use crate::common::spelling::nearest;

/// Parses one statement's words (the sink is already split off).
pub fn parse(words: &[Word], sink: Sink) -> Result<Option<Invocation>, ParseError> {
    let mut words = words;
    if words.first().is_some_and(|w| w.text == "kubectl" || w.text == "k") {
        words = &words[1..];
    }
    let Some(first) = words.first() else { return Ok(None) };
    let Some(verb) = table::find(&first.text) else { return Err(unknown_verb(first)) };
    let sub = words.get(1).is_some_and(|w| verb.subverb(&w.text).is_some());
    if sub && !verb.is_kubectl() {
        // `create namespace x`, `apply view-last-applied`: kubectl's sub-commands.
        return Ok(Some(Invocation {
            command: Command::Kubectl(words.iter().map(|w| w.text.clone()).collect()),
            sink,
        }));
    }
    let command = match verb.exec {
        Exec::Kubectl => Command::Kubectl(words.iter().map(|w| w.text.clone()).collect()),
        Exec::Builtin(build) if verb.flags.is_empty() => build(&builtin_args(verb, words)?)?,
        Exec::Builtin(build) => build(&own_args(verb, words)?)?,
        Exec::Native(build) => {
            let a = args::split(&verb.tables(), words);
            if uses_kubectl_flags(verb, &a) || outside_choices(&a) || timeout_ends_a_stream(verb, &a) {
                return Ok(Some(Invocation { command: Command::Kubectl(a.raw()), sink }));
            }
            check_flags(verb, &a)?;
            if a.unknown.is_empty() { build(&a)? } else { Command::Kubectl(a.raw()) }
        }
    };
    Ok(Some(Invocation { command, sink }))
}

fn unknown_verb(first: &Word) -> ParseError {
    let e = ParseError::at(first, format!("unknown command {:?}", first.text));
    if first.text == "kubectl" || first.text == "k" {
        return e.hint("a leading `kubectl` or `k` is optional; write it at most once");
    }
    // One-letter aliases (`?`) are never what a mistyped word meant.
    match nearest(&first.text, table::all_verb_words().filter(|w| w.len() > 1)) {
        Some(s) => e.hint(format!("did you mean {s:?}?")),
        None => e.hint("type `help` for the verbs"),
    }
}

/// Whether the line uses a flag of kubectl's that the shell does not implement.
fn uses_kubectl_flags(verb: &Verb, a: &Args) -> bool {
    let missing = a.missing_value.iter().map(|(f, _)| f.long);
    a.given().iter().map(|g| g.flag.long).chain(missing).any(|long| !verb.native_flag(long))
}

/// Whether the line streams (`get -w`, `logs -f`, `wait`, `delete` waiting for the pods to
/// go) and gives `--request-timeout`: kubectl's timeout ends the whole stream after that
/// long, the shell's covers only each request's answer, so kubectl carries the line.
fn timeout_ends_a_stream(verb: &Verb, a: &Args) -> bool {
    let streams = match verb.name {
        "get" => a.on("watch"),
        "logs" => a.on("follow"),
        "wait" => true,
        "delete" => a.get("wait").is_none_or(|w| w != "false"),
        _ => false,
    };
    streams && a.has("request-timeout")
}

/// Built-ins take at most one word, as it is.
fn builtin_args(verb: &Verb, words: &[Word]) -> Result<Args, ParseError> {
    let a = Args::operands_only(words);
    if let Some(extra) = a.positional.get(1) {
        return Err(ParseError::at(extra, format!("{} takes at most one argument", verb.name))
            .hint(format!("usage: {}", verb.usage)));
    }
    Ok(a)
}

/// A shell verb with flags of its own (`history -n 5`, `tail -l app=web`): its words
/// are read against those flags only, and any other flag is an error (nothing of it is
/// kubectl's).
fn own_args(verb: &Verb, words: &[Word]) -> Result<Args, ParseError> {
    let a = args::split(&[verb.flags], words);
    check_flags(verb, &a)?;
    if let Some(bad) = a.unknown.first() {
        let name = bad.text.split('=').next().unwrap_or(&bad.text);
        return Err(ParseError::at(bad, format!("unknown flag {name} for {}", verb.name))
            .hint(format!("`help {}` lists its flags", verb.name)));
    }
    if let Some(g) = a.given().iter().find(|g| matches!(g.flag.arg, Arg::Choice(c) if !c.contains(&g.value.as_str()))) {
        return Err(ParseError::at(
            &g.at,
            format!("--{} takes one of {}, not {:?}", g.flag.long, g.flag.arg.choices().join(", "), g.value),
        ));
    }
    Ok(a)
}

/// Whether a value lies outside its flag's fixed choices (kubectl words that refusal).
fn outside_choices(a: &Args) -> bool {
    a.given().iter().any(|g| matches!(g.flag.arg, Arg::Choice(c) if !c.contains(&g.value.as_str())))
}

/// Rejects a flag without its value, and an unknown flag that is a near miss of one of
/// the verb's flags. Other unknown flags are kubectl's: the whole line goes to kubectl.
fn check_flags(verb: &Verb, a: &Args) -> Result<(), ParseError> {
    if let Some((f, w)) = &a.missing_value {
        return Err(ParseError::at(w, format!("flag needs an argument: {}", w.text)).hint(format!(
            "e.g. {} {}",
            w.text,
            f.arg.placeholder().unwrap_or("VALUE")
        )));
    }
    if let Some(bad) = a.unknown.first() {
        let name = bad.text.split('=').next().unwrap_or(&bad.text);
        let bare = name.trim_start_matches('-');
        if let Some(s) = nearest(bare, verb.flags.iter().map(|f| f.long)) {
            return Err(ParseError::at(bad, format!("unknown flag {name}")).hint(format!("did you mean --{s}?")));
        }
    }
    Ok(())
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
            ("nginx", Some("nginx:1.14.2"), DryRun::Client, Some(Format::Yaml))
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
            (Format::Wide, Some("app=web"), Some("status.phase=Running"), true, true)
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
        // kubectl's request timeout ends a stream; the shell's covers each answer only.
        for streaming in [
            "get pods -w --request-timeout=5s",
            "logs web -f --request-timeout=5s",
            "wait --for=delete pod/web --request-timeout=5s",
            "delete pod web --request-timeout=5s",
        ] {
            assert!(matches!(p(streaming), Ok(Command::Kubectl(_))), "{streaming}");
        }
        for answered in [
            "get pods --request-timeout=5s",
            "logs web --request-timeout=5s",
            "delete pod web --wait=false --request-timeout=5s",
        ] {
            assert!(!matches!(p(answered), Ok(Command::Kubectl(_))), "{answered}");
        }
        let e = p("gte pods").expect_err("typo");
        assert_eq!(
            (e.message.as_str(), e.hint.as_deref(), e.span),
            ("unknown command \"gte\"", Some("did you mean \"get\"?"), Some((0, 3)))
        );
        let e = p("get pods --selctor app=web").expect_err("typo");
        assert_eq!(e.hint.as_deref(), Some("did you mean --selector?"));
        assert!(
            matches!(p("run x --image=y --restart=Sometimes"), Ok(Command::Kubectl(_))),
            "kubectl words a value outside the choices"
        );
        assert!(p("get pods -o").is_err());
        assert!(matches!(p("ns -"), Ok(Command::Namespace(Some(n))) if n == "-"));
    }
}
