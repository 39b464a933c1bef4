//! The builders of the native verbs' rows: typed commands from a statement's checked
//! flags and operands (the second stage of parsing, after `args::split`). A line a
//! builder does not fully understand becomes `Command::Kubectl`, whole.

use super::args::Args;
use super::lex::Word;
use super::parse_error::ParseError;
use super::types::*;

/// The words that name pods (`pods`, `pod`, `po`).
pub const POD_WORDS: &[&str] = &["pods", "pod", "po"];

/// `pod/NAME` and `pods/NAME` become `NAME`; other kinds are not ours.
pub fn pod_name(word: &str) -> Option<&str> {
    match word.split_once('/') {
        Some((k, n)) if POD_WORDS.contains(&k) => Some(n),
        Some(_) => None,
        None => Some(word),
    }
}

fn pass_through(a: &Args) -> Result<Command, ParseError> {
    Ok(Command::Kubectl(a.raw()))
}

fn output(a: &Args, w: &[Word]) -> Result<Option<Format>, ParseError> {
    let Some(o) = a.get("output") else { return Ok(None) };
    Ok(Some(match o {
        "wide" => Format::Wide,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "name" => Format::Name,
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

pub fn get(a: &Args) -> Result<Command, ParseError> {
    let Some(res) = a.positional.first() else {
        return Err(ParseError::plain("you must specify the type of resource to get").hint("e.g. get pods"));
    };
    let (kind, mut names) = match res.text.split_once('/') {
        Some((k, n)) => (Kind::from_word(k), vec![n.to_string()]),
        None => (Kind::from_word(&res.text), Vec::new()),
    };
    let Some(kind) = kind else { return pass_through(a) };
    for w in &a.positional[1..] {
        match w.text.split_once('/') {
            Some((k, n)) if Kind::from_word(k) == Some(kind) => names.push(n.to_string()),
            Some(_) => return pass_through(a),
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
        output: output(a, &a.words)?.unwrap_or(Format::Table),
        watch: a.on("watch"),
        watch_events: a.on("output-watch-events"),
        show_labels: a.on("show-labels"),
        no_headers: a.on("no-headers"),
    }))
}

/// Pod names from `pod NAME...`, `pods/NAME...` or bare `NAME`s after a pod word.
fn pod_targets(a: &Args) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut pos = a.positional.iter().peekable();
    if let Some(first) = pos.peek() {
        if POD_WORDS.contains(&first.text.as_str()) {
            pos.next();
        } else if !first.text.contains('/') {
            return None;
        }
    }
    for w in pos {
        names.push(pod_name(&w.text)?.to_string());
    }
    Some(names)
}

pub fn describe(a: &Args) -> Result<Command, ParseError> {
    let Some(names) = pod_targets(a) else { return pass_through(a) };
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

pub fn run(a: &Args) -> Result<Command, ParseError> {
    let Some(name) = a.positional.first() else {
        return Err(ParseError::plain("NAME is required for run").hint("e.g. run nginx --image=nginx:1.14.2"));
    };
    let mut args: Vec<String> = a.positional[1..].iter().map(|w| w.text.clone()).collect();
    args.extend(a.after_dashes.iter().cloned());
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

pub fn apply(a: &Args) -> Result<Command, ParseError> {
    manifests(false, a)
}

pub fn create(a: &Args) -> Result<Command, ParseError> {
    manifests(true, a)
}

fn manifests(create_only: bool, a: &Args) -> Result<Command, ParseError> {
    let files = a.all("filename");
    if files.is_empty() || a.on("server-side") || !a.positional.is_empty() {
        if files.is_empty() && a.positional.is_empty() {
            let verb = if create_only { "create" } else { "apply" };
            return Err(
                ParseError::plain("must specify one of -f and -k").hint(format!("e.g. {verb} -f nginx-pod.yaml"))
            );
        }
        return pass_through(a);
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
        output: output(a, &a.words)?,
    }))
}

pub fn delete(a: &Args) -> Result<Command, ParseError> {
    let files = a.all("filename");
    let names = if files.is_empty() {
        match pod_targets(a) {
            Some(n) => n,
            None => return pass_through(a),
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

pub fn logs(a: &Args) -> Result<Command, ParseError> {
    let name = match a.positional.as_slice() {
        [one] => pod_name(&one.text).map(str::to_string),
        [kind, one] if POD_WORDS.contains(&kind.text.as_str()) => Some(one.text.clone()),
        [pod, c] if !a.has("container") => {
            let mut cmd = logs_options(a, pod_name(&pod.text).unwrap_or(&pod.text).to_string())?;
            if let Command::Logs(l) = &mut cmd {
                l.container = Some(c.text.clone());
            }
            return Ok(cmd);
        }
        [] => return Err(at_verb(a, "a pod name is required for logs").hint("e.g. logs nginx")),
        _ => None,
    };
    let Some(name) = name else { return pass_through(a) };
    logs_options(a, name)
}

/// The options of `logs` for pod `name`.
fn logs_options(a: &Args, name: String) -> Result<Command, ParseError> {
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

pub fn events(a: &Args) -> Result<Command, ParseError> {
    Ok(Command::Events(Events {
        scope: a.scope(),
        pod: a
            .get("for")
            .map(|f| f.trim_start_matches("pod/").to_string())
            .or_else(|| a.positional.first().and_then(|w| pod_name(&w.text)).map(str::to_string)),
        all_namespaces: a.on("all-namespaces"),
    }))
}

/// An error at the verb word (or without a caret when there is none).
fn at_verb(a: &Args, message: &str) -> ParseError {
    match a.verb_word() {
        Some(w) => ParseError::at(w, message),
        None => ParseError::plain(message),
    }
}

pub fn wait(a: &Args) -> Result<Command, ParseError> {
    let names = match pod_targets(a) {
        Some(n) => n,
        None if a.positional.len() == 1 => vec![a.positional[0].text.clone()],
        None => return pass_through(a),
    };
    let [name] = names.as_slice() else {
        return Err(at_verb(a, "wait needs exactly one pod").hint("e.g. wait nginx --for=condition=Ready"));
    };
    let Some(spec) = a.get("for") else {
        return Err(at_verb(a, "--for is required")
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
