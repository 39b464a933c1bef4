//! The builders of the native verbs' rows: typed commands from a statement's checked
//! flags and operands (the second stage of parsing, after `args::split`). A builder
//! takes a line natively only when it carries out every part of it as kubectl does;
//! anything else (a format, an object kind, a form of an argument it does not
//! implement, or a combination kubectl refuses) becomes `Command::Kubectl`, whole, so
//! kubectl does it or words the refusal itself.

use std::time::Duration;

use super::args::Args;
use super::parse_error::ParseError;
use super::types::*;
use crate::common::goduration;

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

fn kubectl(a: &Args) -> Result<Command, ParseError> {
    Ok(Command::Kubectl(a.raw()))
}

/// A native `-o` format among `allowed`; `None` when the line asks for another.
fn output(a: &Args, allowed: &[Format]) -> Option<Option<Format>> {
    let Some(o) = a.get("output") else { return Some(None) };
    let f = match o {
        "wide" => Format::Wide,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "name" => Format::Name,
        _ => return None,
    };
    allowed.contains(&f).then_some(Some(f))
}

/// The dry-run mode; `None` for the deprecated bare `--dry-run` (kubectl warns).
fn dry_run(a: &Args) -> Option<DryRun> {
    match a.get("dry-run") {
        None | Some("none") => Some(DryRun::None),
        Some("client") => Some(DryRun::Client),
        Some("server") => Some(DryRun::Server),
        _ => None,
    }
}

/// Files named by `-f`, unless one of them is a URL or standard input where the verb
/// cannot read it (kubectl reads those).
fn local_files(a: &Args, stdin_ok: bool) -> Option<Vec<String>> {
    let files = a.all("filename");
    let remote = |f: &String| f.starts_with("http://") || f.starts_with("https://");
    (!files.iter().any(|f| remote(f) || (f == "-" && !stdin_ok))).then_some(files)
}

pub fn get(a: &Args) -> Result<Command, ParseError> {
    let Some(res) = a.positional.first() else { return kubectl(a) };
    let (kind, mut names) = match res.text.split_once('/') {
        Some((k, n)) => (Kind::from_word(k), vec![n.to_string()]),
        None => (Kind::from_word(&res.text), Vec::new()),
    };
    let Some(kind) = kind else { return kubectl(a) };
    for w in &a.positional[1..] {
        match w.text.split_once('/') {
            Some((k, n)) if Kind::from_word(k) == Some(kind) => names.push(n.to_string()),
            Some(_) => return kubectl(a),
            None => names.push(w.text.clone()),
        }
    }
    let watch = a.on("watch");
    let Some(output) = output(a, &[Format::Wide, Format::Yaml, Format::Json, Format::Name]) else { return kubectl(a) };
    let streams_objects = watch && output.is_some_and(|f| f != Format::Wide);
    let all = a.on("all-namespaces");
    if streams_objects || (watch && !names.is_empty()) || (all && !names.is_empty()) {
        return kubectl(a);
    }
    Ok(Command::Get(Get {
        scope: a.scope(),
        kind,
        names,
        selector: a.get("selector").map(str::to_string),
        field_selector: a.get("field-selector").map(str::to_string),
        all_namespaces: all,
        output: output.unwrap_or(Format::Table),
        watch,
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
    let Some(names) = pod_targets(a) else { return kubectl(a) };
    let all = a.on("all-namespaces");
    if a.positional.is_empty() || (all && !names.is_empty()) {
        return kubectl(a);
    }
    let prefix = a.positional.len() == 2 && POD_WORDS.contains(&a.positional[0].text.as_str());
    Ok(Command::Describe(Describe {
        scope: a.scope(),
        names,
        selector: a.get("selector").map(str::to_string),
        all_namespaces: all,
        prefix,
    }))
}

/// `a=b,c=d` pairs are well formed (kubectl refuses others with its own words).
fn pairs_ok(spec: &str) -> bool {
    spec.split(',').filter(|p| !p.is_empty()).all(|p| p.split_once('=').is_some_and(|(k, _)| !k.is_empty()))
}

pub fn run(a: &Args) -> Result<Command, ParseError> {
    let Some(name) = a.positional.first() else { return kubectl(a) };
    let (Some(dry_run), Some(output)) = (dry_run(a), output(a, &[Format::Yaml, Format::Json, Format::Name])) else {
        return kubectl(a);
    };
    let port_ok = a.get("port").is_none_or(|p| p.parse::<i32>().is_ok());
    let labels_ok = a.get("labels").is_none_or(pairs_ok);
    let env_ok = a.all("env").iter().all(|e| e.split_once('=').is_some_and(|(k, _)| !k.is_empty()));
    let annotations_ok = a.all("annotations").iter().all(|s| pairs_ok(s));
    if !(port_ok && labels_ok && env_ok && annotations_ok) {
        return kubectl(a);
    }
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
        dry_run,
        output,
    })))
}

pub fn apply(a: &Args) -> Result<Command, ParseError> {
    manifests(false, a)
}

pub fn create(a: &Args) -> Result<Command, ParseError> {
    manifests(true, a)
}

fn manifests(create_only: bool, a: &Args) -> Result<Command, ParseError> {
    let (Some(files), Some(dry_run)) = (local_files(a, true), dry_run(a)) else { return kubectl(a) };
    let Some(output) = output(a, &[Format::Yaml, Format::Json, Format::Name]) else { return kubectl(a) };
    if files.is_empty() || !a.positional.is_empty() {
        return kubectl(a);
    }
    let validate = match a.get("validate").unwrap_or("strict") {
        "true" | "strict" => "Strict",
        "warn" => "Warn",
        "false" | "ignore" => "Ignore",
        _ => return kubectl(a),
    };
    Ok(Command::Apply(Apply {
        scope: a.scope(),
        create_only,
        files,
        dry_run,
        validate: validate.into(),
        output,
        line: a.raw(),
    }))
}

/// The grace period kubectl's delete sends: `--now` is 1, a 0 without `--force` is 1
/// (kubectl protects against accidental immediate deletion), `--force` alone is 0; `None`
/// when kubectl itself would refuse the combination or the number.
fn grace_period(a: &Args) -> Option<Option<i64>> {
    let given = match a.get("grace-period") {
        Some(g) => Some(g.parse::<i64>().ok()?),
        None => None,
    };
    let force = a.on("force");
    let mut grace = given.filter(|g| *g >= 0);
    if a.on("now") {
        if given.is_some() {
            return None;
        }
        grace = Some(1);
    }
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if force && grace.is_some_and(|g| g > 0) {
        return None;
    }
    Some(grace)
}

pub fn delete(a: &Args) -> Result<Command, ParseError> {
    let (Some(files), Some(dry_run), Some(grace)) = (local_files(a, false), dry_run(a), grace_period(a)) else {
        return kubectl(a);
    };
    let names = if files.is_empty() {
        match pod_targets(a) {
            Some(n) => n,
            None => return kubectl(a),
        }
    } else {
        if !a.positional.is_empty() {
            return kubectl(a);
        }
        Vec::new()
    };
    let selector = a.get("selector").map(str::to_string);
    let all = a.on("all");
    let ways = [!names.is_empty(), !files.is_empty(), selector.is_some() || all];
    if ways.iter().filter(|w| **w).count() != 1 || (all && selector.is_some()) {
        return kubectl(a);
    }
    let ignore_not_found = match a.get("ignore-not-found") {
        Some(v) => v == "true",
        None => all || selector.is_some(),
    };
    Ok(Command::Delete(Delete {
        scope: a.scope(),
        names,
        files,
        selector,
        all,
        grace,
        force: a.on("force"),
        wait: a.get("wait") != Some("false"),
        ignore_not_found,
        dry_run,
        line: a.raw(),
    }))
}

pub fn logs(a: &Args) -> Result<Command, ParseError> {
    let (name, container) = match a.positional.as_slice() {
        [pod] => (pod, a.get("container")),
        [pod, c] if !a.has("container") => (pod, Some(c.text.as_str())),
        _ => return kubectl(a),
    };
    let Some(name) = pod_name(&name.text) else { return kubectl(a) };
    let since = match a.get("since") {
        Some(s) => match goduration::parse(s) {
            Ok(ns) if ns > 0 => Some(goduration::round_secs(ns)),
            Ok(0) => None,
            _ => return kubectl(a),
        },
        None => None,
    };
    let tail = match a.get("tail").map(str::parse::<i64>) {
        None => None,
        Some(Ok(-1)) => None,
        Some(Ok(t)) if t >= 0 => Some(t),
        Some(_) => return kubectl(a),
    };
    Ok(Command::Logs(Logs {
        scope: a.scope(),
        name: name.to_string(),
        container: container.map(str::to_string),
        follow: a.on("follow"),
        tail,
        since,
        timestamps: a.on("timestamps"),
        previous: a.on("previous"),
    }))
}

pub fn events(a: &Args) -> Result<Command, ParseError> {
    if !a.positional.is_empty() {
        return kubectl(a);
    }
    let pod = match a.get("for") {
        Some(f) => match f.split_once('/') {
            Some((k, n)) if POD_WORDS.contains(&k) && !n.is_empty() => Some(n.to_string()),
            _ => return kubectl(a),
        },
        None => None,
    };
    Ok(Command::Events(Events { scope: a.scope(), pod, all_namespaces: a.on("all-namespaces") }))
}

/// `{.a.b[0].c}` (or without braces) as fields and indexes; `None` for anything richer
/// (filters, wildcards, ranges), which kubectl's JSONPath evaluates.
pub fn simple_path(path: &str) -> Option<Vec<PathStep>> {
    let inner = path.trim();
    let inner = inner.strip_prefix('{').and_then(|p| p.strip_suffix('}')).unwrap_or(inner);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    let mut steps = Vec::new();
    for part in inner.split('.') {
        let (field, rest) = part.split_once('[').map_or((part, None), |(f, r)| (f, Some(r)));
        if field.is_empty() || !field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        steps.push(PathStep::Field(field.to_string()));
        if let Some(r) = rest {
            let index = r.strip_suffix(']')?.parse::<usize>().ok()?;
            steps.push(PathStep::Index(index));
        }
    }
    Some(steps)
}

/// A `--for` value the shell waits on natively.
fn condition(spec: &str) -> Option<Condition> {
    if spec.eq_ignore_ascii_case("delete") {
        return Some(Condition::Delete);
    }
    if let Some(c) = spec.strip_prefix("condition=") {
        let (name, value) = c.split_once('=').unwrap_or((c, "true"));
        return (!name.is_empty()).then(|| Condition::Status { name: name.into(), value: value.into() });
    }
    let j = spec.strip_prefix("jsonpath=")?;
    if j.contains("==") {
        return None;
    }
    let (path, value) = j.rsplit_once('=')?;
    let value = value.trim_matches(|c| c == '\'' || c == '"');
    let path = simple_path(path.trim_matches('\''))?;
    (!value.is_empty()).then(|| Condition::JsonPath { path, value: value.to_string() })
}

pub fn wait(a: &Args) -> Result<Command, ParseError> {
    let names = match pod_targets(a) {
        Some(n) => n,
        None if a.positional.len() == 1 => vec![a.positional[0].text.clone()],
        None => return kubectl(a),
    };
    let specs = a.all("for");
    let ([name], [spec]) = (names.as_slice(), specs.as_slice()) else { return kubectl(a) };
    let Some(condition) = condition(spec) else { return kubectl(a) };
    let timeout = match a.get("timeout").map(goduration::parse) {
        None => Duration::from_secs(30),
        Some(Ok(ns)) if ns >= 0 => Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX)),
        Some(_) => return kubectl(a),
    };
    Ok(Command::Wait(Wait { scope: a.scope(), name: name.clone(), condition, timeout }))
}
