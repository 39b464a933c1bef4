//! Which lines change a cluster, and which contexts are protected (pure). A line is a
//! write unless it is known to only read: native verbs by their typed options, lines
//! for kubectl by verb (and sub-verb), a dry run never. Unknown kubectl verbs count as
//! writes, so a new kubectl command is guarded until it is listed here.

use crate::command::parse::{Command, DryRun};

/// kubectl verbs that never change a cluster (`config` changes only local files).
const READS: &[&str] = &[
    "get",
    "describe",
    "logs",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "cluster-info",
    "top",
    "events",
    "wait",
    "diff",
    "config",
    "completion",
    "plugin",
    "kustomize",
    "options",
    "help",
];

/// Sub-commands that only read, of verbs that otherwise write.
const READ_SUBVERBS: &[(&str, &str)] = &[
    ("auth", "can-i"),
    ("auth", "whoami"),
    ("rollout", "status"),
    ("rollout", "history"),
    ("apply", "view-last-applied"),
];

/// A kubectl line's verb (its first word, as the parser leaves it) and sub-verb (the
/// first word after it that is not a flag).
fn verb_of(words: &[String]) -> (Option<&str>, Option<&str>) {
    let verb = words.first().map(String::as_str);
    (verb, words.iter().skip(1).map(String::as_str).find(|w| !w.starts_with('-')))
}

/// Whether a kubectl line asks for a dry run (`--dry-run`, `--dry-run=client|server`).
fn dry_run(words: &[String]) -> bool {
    words
        .iter()
        .take_while(|w| *w != "--")
        .any(|w| w == "--dry-run" || (w.starts_with("--dry-run=") && w != "--dry-run=none"))
}

/// Whether a kubectl line would change the cluster.
pub fn kubectl_writes(words: &[String]) -> bool {
    let (verb, sub) = verb_of(words);
    let Some(verb) = verb else { return false };
    if READS.contains(&verb) || dry_run(words) {
        return false;
    }
    !sub.is_some_and(|s| READ_SUBVERBS.contains(&(verb, s)))
}

/// Whether a command would change the cluster.
pub fn writes(command: &Command) -> bool {
    match command {
        Command::Run(r) => r.dry_run == DryRun::None,
        Command::Apply(a) => a.dry_run == DryRun::None,
        Command::Delete(d) => d.dry_run == DryRun::None,
        Command::Draft(_) => true,
        Command::Kubectl(words) => kubectl_writes(words),
        _ => false,
    }
}

/// The context a command targets when it names one itself (`--context C`).
pub fn named_context(command: &Command) -> Option<String> {
    match command {
        Command::Run(r) => r.scope.context.clone(),
        Command::Apply(a) => a.scope.context.clone(),
        Command::Delete(d) => d.scope.context.clone(),
        Command::Draft(d) => d.scope.context.clone(),
        Command::Kubectl(words) => {
            let mut found = None;
            for (i, w) in words.iter().enumerate().take_while(|(_, w)| *w != "--") {
                if w == "--context" {
                    found = words.get(i + 1).cloned();
                } else if let Some(v) = w.strip_prefix("--context=") {
                    found = Some(v.to_string());
                }
            }
            found.filter(|c| !c.is_empty())
        }
        _ => None,
    }
}

/// The verb a refusal names.
pub fn verb(command: &Command) -> String {
    match command {
        Command::Run(_) => "run".into(),
        Command::Apply(a) if a.create_only => "create".into(),
        Command::Apply(_) => "apply".into(),
        Command::Delete(_) => "delete".into(),
        Command::Draft(_) => "draft".into(),
        Command::Kubectl(words) => verb_of(words).0.unwrap_or("kubectl").to_string(),
        _ => "this line".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn kubectl_reads_and_writes() {
        for read in [
            "get deploy",
            "get pods --context x",
            "describe svc a",
            "logs -f x",
            "auth can-i get pods",
            "rollout status deploy/a",
            "apply view-last-applied pod/x",
            "scale deploy a --replicas 2 --dry-run=server",
            "create deploy a --image=x --dry-run",
            "config use-context x",
            "top pod",
            "",
        ] {
            assert!(!kubectl_writes(&w(read)), "{read}");
        }
        for write in [
            "exec -it x -- sh",
            "port-forward pod/x 8080:80",
            "cp x:/a b",
            "label pod x a=b",
            "scale deploy a --replicas 2",
            "rollout restart deploy/a",
            "auth reconcile -f x",
            "edit pod x",
            "patch pod x -p {}",
            "some-new-verb x",
            "create deploy a --image=x --dry-run=none",
            "exec x -- kubectl --dry-run=client",
        ] {
            assert!(kubectl_writes(&w(write)), "{write}");
        }
    }

    /// The command the parser makes of `line`.
    fn parsed(line: &str) -> Command {
        use crate::command::lex::{Statement, split};
        let Some(Statement::Words { words, sink }) = split(line).expect("lexes").into_iter().next() else {
            panic!("a statement")
        };
        crate::command::parse::parse(&words, sink).expect("parses").expect("a command").command
    }

    #[test]
    fn typed_commands() {
        for (line, writes_it, named) in [
            ("run x --image=y", true, "run"),
            ("run x --image=y --dry-run=client -o yaml", false, "run"),
            ("run x --image=y --dry-run=server", false, "run"),
            ("apply -f f.yaml", true, "apply"),
            ("apply -f f.yaml --dry-run=server", false, "apply"),
            ("create -f f.yaml", true, "create"),
            ("delete pod x", true, "delete"),
            ("delete pod x --dry-run=client", false, "delete"),
            ("draft x --image=y", true, "draft"),
            ("get pods", false, "this line"),
            ("exec x -- ls", true, "exec"),
            ("ns dev", false, "this line"),
        ] {
            let c = parsed(line);
            assert_eq!((writes(&c), verb(&c).as_str()), (writes_it, named), "{line}");
        }
        for line in ["run x --image=y", "apply -f f", "delete pod x", "draft x --image=y", "logs x", "get pods"] {
            assert_eq!(named_context(&parsed(line)), None, "{line}");
            let with = parsed(&format!("{line} --context prod"));
            let expected = if line.starts_with("logs") || line.starts_with("get") { None } else { Some("prod".into()) };
            assert_eq!(named_context(&with), expected, "{line}");
        }
    }

    #[test]
    fn named_contexts() {
        let k = |l: &str| Command::Kubectl(w(l));
        assert_eq!(named_context(&k("get pods --context prod")), Some("prod".into()));
        assert_eq!(named_context(&k("get pods --context=prod --context=dev")), Some("dev".into()));
        assert_eq!(named_context(&k("exec x -- kubectl --context prod")), None);
        assert_eq!(named_context(&k("get pods --context=")), None);
        assert_eq!(named_context(&Command::Clear), None);
    }
}
