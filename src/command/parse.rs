//! Turns a statement's words into a typed `Command`, using the verb table for flags.
//! Pure: no network, no printing. A leading `kubectl` or `k` is ignored so lines from
//! docs paste straight in.

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
    fn at(w: &Word, message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, span: Some((w.start, w.end)) }
    }
    fn plain(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, span: None }
    }
    fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// Flags and positional words of one statement, checked against a verb's flag list.
struct Args {
    positional: Vec<Word>,
    values: Vec<(&'static str, String)>,
    after_dashes: Vec<String>,
    unknown: Vec<Word>,
}

impl Args {
    fn get(&self, long: &str) -> Option<&str> {
        self.values.iter().rev().find(|(k, _)| *k == long).map(|(_, v)| v.as_str())
    }
    fn all(&self, long: &str) -> Vec<String> {
        self.values.iter().filter(|(k, _)| *k == long).map(|(_, v)| v.clone()).collect()
    }
    fn on(&self, long: &str) -> bool {
        matches!(self.get(long), Some("true") | Some(""))
    }
    fn has(&self, long: &str) -> bool {
        self.get(long).is_some()
    }
    fn scope(&self) -> Scope {
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

/// `pod/NAME` and `pods/NAME` become `NAME`; other kinds are not ours.
fn pod_name(word: &str) -> Option<&str> {
    match word.split_once('/') {
        Some((k, n)) if verbs::POD_WORDS.contains(&k) => Some(n),
        Some(_) => None,
        None => Some(word),
    }
}

fn output(a: &Args, w: &[Word]) -> Result<Option<Output>, ParseError> {
    let Some(o) = a.get("output") else { return Ok(None) };
    Ok(Some(match o {
        "wide" => Output::Wide,
        "yaml" => Output::Yaml,
        "json" => Output::Json,
        "name" => Output::Name,
        other => {
            let at = w.iter().find(|x| x.text.contains(other)).or(w.first());
            let msg = format!(
                "unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,wide,yaml"
            );
            return Err(match at {
                Some(x) => ParseError::at(x, msg),
                None => ParseError::plain(msg),
            });
        }
    }))
}

fn dry_run(a: &Args) -> DryRun {
    match a.get("dry-run") {
        Some("client") | Some("true") | Some("") => DryRun::Client,
        Some("server") => DryRun::Server,
        _ => DryRun::None,
    }
}

fn raw(words: &[Word]) -> Vec<String> {
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

fn get(words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let Some(res) = a.positional.first() else {
        return Err(ParseError::plain("you must specify the type of resource to get").hint("e.g. get pods"));
    };
    let (kind, mut names) = match res.text.split_once('/') {
        Some((k, n)) => (Kind::from_word(k), vec![n.to_string()]),
        None => (Kind::from_word(&res.text), Vec::new()),
    };
    let Some(kind) = kind else { return Ok(Command::Kubectl(raw(words))) };
    for w in &a.positional[1..] {
        match w.text.split_once('/') {
            Some((k, n)) if Kind::from_word(k) == Some(kind) => names.push(n.to_string()),
            Some(_) => return Ok(Command::Kubectl(raw(words))),
            None => names.push(w.text.clone()),
        }
    }
    Ok(Command::Get(Get {
        scope: a.scope(),
        kind,
        names,
        selector: a.get("selector").map(str::to_string),
        field_selector: a.get("field-selector").map(str::to_string),
        all_namespaces: a.on("all-namespaces"),
        output: output(a, words)?.unwrap_or(Output::Table),
        watch: a.on("watch"),
        watch_events: a.on("output-watch-events"),
        show_labels: a.on("show-labels"),
        no_headers: a.on("no-headers"),
    }))
}

/// Pod names from `pod NAME...`, `pods/NAME...` or bare `NAME`s after a pod word.
fn pod_targets(words: &[Word], a: &Args) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut pos = a.positional.iter().peekable();
    if let Some(first) = pos.peek() {
        if verbs::POD_WORDS.contains(&first.text.as_str()) {
            pos.next();
        } else if !first.text.contains('/') {
            return None;
        }
    }
    for w in pos {
        names.push(pod_name(&w.text)?.to_string());
    }
    let _ = words;
    Some(names)
}

fn describe(words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let Some(names) = pod_targets(words, a) else { return Ok(Command::Kubectl(raw(words))) };
    if names.is_empty() && !a.has("selector") && a.positional.is_empty() {
        return Err(
            ParseError::plain("you must specify the type of resource to describe").hint("e.g. describe pod nginx")
        );
    }
    Ok(Command::Describe(Describe {
        scope: a.scope(),
        names,
        selector: a.get("selector").map(str::to_string),
        all_namespaces: a.on("all-namespaces"),
    }))
}

fn run(words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let Some(name) = a.positional.first() else {
        return Err(ParseError::plain("NAME is required for run").hint("e.g. run nginx --image=nginx:1.14.2"));
    };
    let mut args: Vec<String> = a.positional[1..].iter().map(|w| w.text.clone()).collect();
    args.extend(a.after_dashes.iter().cloned());
    let _ = words;
    Ok(Command::Run(Box::new(Run {
        scope: a.scope(),
        name: name.text.clone(),
        image: a.get("image").map(str::to_string),
        port: a.get("port").map(str::to_string),
        labels: a.get("labels").map(str::to_string),
        annotations: a.all("annotations"),
        env: a.all("env"),
        restart: a.get("restart").map(str::to_string),
        pull_policy: a.get("image-pull-policy").map(str::to_string),
        command: a.on("command"),
        privileged: a.on("privileged"),
        args,
        dry_run: dry_run(a),
        output: output(a, &a.positional)?,
    })))
}

fn apply(create_only: bool, words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let files = a.all("filename");
    if files.is_empty() || a.on("server-side") || !a.positional.is_empty() {
        if files.is_empty() && a.positional.is_empty() {
            let verb = if create_only { "create" } else { "apply" };
            return Err(
                ParseError::plain("must specify one of -f and -k").hint(format!("e.g. {verb} -f nginx-pod.yaml"))
            );
        }
        return Ok(Command::Kubectl(raw(words)));
    }
    let validate = match a.get("validate").unwrap_or("strict") {
        "true" | "strict" => "Strict",
        "warn" => "Warn",
        _ => "Ignore",
    };
    Ok(Command::Apply(Apply {
        scope: a.scope(),
        create_only,
        files,
        dry_run: dry_run(a),
        validate: validate.into(),
        output: output(a, words)?,
    }))
}

fn delete(words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let files = a.all("filename");
    let names = if files.is_empty() {
        match pod_targets(words, a) {
            Some(n) => n,
            None => return Ok(Command::Kubectl(raw(words))),
        }
    } else {
        Vec::new()
    };
    if names.is_empty() && files.is_empty() && !a.has("selector") && !a.on("all") {
        return Err(ParseError::plain("resource(s) were provided, but no name was specified")
            .hint("e.g. delete pod nginx, delete -f nginx-pod.yaml, delete pods -l app=web"));
    }
    let mut grace = match a.get("grace-period") {
        Some(g) => Some(
            g.parse::<i64>()
                .map_err(|_| ParseError::plain(format!("invalid argument {g:?} for \"--grace-period\" flag")))?,
        ),
        None => None,
    };
    if a.on("now") {
        grace = Some(1);
    }
    let force = a.on("force");
    if force && grace.is_none() {
        grace = Some(0);
    }
    Ok(Command::Delete(Delete {
        scope: a.scope(),
        names,
        files,
        selector: a.get("selector").map(str::to_string),
        all: a.on("all"),
        grace,
        force,
        wait: a.get("wait") != Some("false"),
        ignore_not_found: a.on("ignore-not-found"),
        dry_run: dry_run(a),
    }))
}

/// `5s`, `2m`, `1h` or plain seconds.
pub fn seconds(s: &str) -> Option<i64> {
    let (num, unit) = s.find(|c: char| c.is_ascii_alphabetic()).map_or((s, "s"), |i| (&s[..i], &s[i..]));
    let n: i64 = num.parse().ok()?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return None,
    };
    Some(n * scale)
}

fn logs(first: &Word, words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let name = match a.positional.as_slice() {
        [one] => pod_name(&one.text).map(str::to_string),
        [kind, one] if verbs::POD_WORDS.contains(&kind.text.as_str()) => Some(one.text.clone()),
        [_, c] if !a.has("container") => {
            return logs_with_container(first, words, a, c);
        }
        [] => return Err(ParseError::at(first, "a pod name is required for logs").hint("e.g. logs nginx")),
        _ => None,
    };
    let Some(name) = name else { return Ok(Command::Kubectl(raw(words))) };
    let since = match a.get("since") {
        Some(s) => Some(seconds(s).ok_or_else(|| {
            ParseError::plain(format!("invalid argument {s:?} for \"--since\" flag")).hint("e.g. --since=5m")
        })?),
        None => None,
    };
    let tail = match a.get("tail") {
        Some(t) => Some(
            t.parse::<i64>().map_err(|_| ParseError::plain(format!("invalid argument {t:?} for \"--tail\" flag")))?,
        ),
        None => None,
    };
    Ok(Command::Logs(Logs {
        scope: a.scope(),
        name,
        container: a.get("container").map(str::to_string),
        follow: a.on("follow"),
        tail: tail.filter(|t| *t >= 0),
        since,
        timestamps: a.on("timestamps"),
        previous: a.on("previous"),
    }))
}

/// `logs POD CONTAINER`, kubectl's older positional form.
fn logs_with_container(first: &Word, words: &[Word], a: &Args, c: &Word) -> Result<Command, ParseError> {
    let mut cmd = logs(first, &words[..words.len() - 1], a)?;
    if let Command::Logs(l) = &mut cmd {
        l.name = a.positional[0].text.clone();
        l.container = Some(c.text.clone());
    }
    Ok(cmd)
}

fn wait(first: &Word, words: &[Word], a: &Args) -> Result<Command, ParseError> {
    let names = match pod_targets(words, a) {
        Some(n) => n,
        None if a.positional.len() == 1 => vec![a.positional[0].text.clone()],
        None => return Ok(Command::Kubectl(raw(words))),
    };
    let [name] = names.as_slice() else {
        return Err(ParseError::at(first, "wait needs exactly one pod").hint("e.g. wait nginx --for=condition=Ready"));
    };
    let Some(spec) = a.get("for") else {
        return Err(ParseError::at(first, "--for is required")
            .hint("--for=condition=Ready, --for=delete or --for=jsonpath={.status.phase}=Running"));
    };
    let condition = if spec == "delete" {
        Condition::Delete
    } else if let Some(c) = spec.strip_prefix("condition=") {
        Condition::Ready(c.split('=').next().unwrap_or(c).to_string())
    } else if let Some(j) = spec.strip_prefix("jsonpath=") {
        let (path, value) = j.rsplit_once('=').ok_or_else(|| {
            ParseError::plain(format!(
                "jsonpath wait format must be --for=jsonpath='{{.status.readyReplicas}}'=3: {spec}"
            ))
        })?;
        Condition::JsonPath { path: path.trim_matches('\'').to_string(), value: value.to_string() }
    } else {
        return Err(ParseError::plain(format!("unrecognized condition: {spec:?}"))
            .hint("--for=condition=Ready, --for=delete or --for=jsonpath={.status.phase}=Running"));
    };
    let timeout_secs = match a.get("timeout") {
        Some(t) => seconds(t)
            .filter(|s| *s >= 0)
            .ok_or_else(|| ParseError::plain(format!("invalid argument {t:?} for \"--timeout\" flag")))?
            as u64,
        None => 30,
    };
    Ok(Command::Wait(Wait { scope: a.scope(), name: name.clone(), condition, timeout_secs }))
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
