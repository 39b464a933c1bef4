//! The one table of verbs and their flags. Parsing, `help` and completion all read it,
//! so they cannot drift apart.

/// A flag a verb accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's placeholder; `None` for a boolean switch.
    pub value: Option<&'static str>,
    /// Known values, offered by completion.
    pub values: &'static [&'static str],
    pub help: &'static str,
}

const fn flag(long: &'static str, short: Option<char>, value: Option<&'static str>, help: &'static str) -> Flag {
    Flag { long, short, value, values: &[], help }
}

const fn choice(long: &'static str, short: Option<char>, values: &'static [&'static str], help: &'static str) -> Flag {
    Flag { long, short, value: Some("VALUE"), values, help }
}

/// How a verb is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exec {
    /// Through the Kubernetes API by this process.
    Native,
    /// A shell verb that changes or shows session state.
    Shell,
    /// Handed to the real kubectl.
    Kubectl,
}

/// One verb.
#[derive(Debug, Clone, Copy)]
pub struct Verb {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub exec: Exec,
    pub usage: &'static str,
    pub summary: &'static str,
    pub flags: &'static [Flag],
}

pub const NAMESPACE: Flag =
    flag("namespace", Some('n'), Some("NAMESPACE"), "run in this namespace instead of the session's");
pub const CONTEXT: Flag = flag("context", None, Some("CONTEXT"), "run against this context instead of the session's");
pub const OUTPUT_FORMATS: &[&str] = &["wide", "yaml", "json", "name"];
pub const DRY_RUN_VALUES: &[&str] = &["none", "client", "server"];
pub const RESTART_VALUES: &[&str] = &["Always", "OnFailure", "Never"];
pub const POD_WORDS: &[&str] = &["pods", "pod", "po"];

const GET_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("selector", Some('l'), Some("SELECTOR"), "label selector, e.g. app=web,tier!=db"),
    flag("field-selector", None, Some("SELECTOR"), "field selector, e.g. status.phase=Running"),
    flag("all-namespaces", Some('A'), None, "list across all namespaces"),
    choice("output", Some('o'), OUTPUT_FORMATS, "output format: wide, yaml, json or name"),
    flag("watch", Some('w'), None, "after listing, watch for changes"),
    flag("output-watch-events", None, None, "with --watch, show the event type (ADDED, MODIFIED, DELETED)"),
    flag("show-labels", None, None, "show labels as the last column"),
    flag("no-headers", None, None, "do not print column headers"),
];

const DESCRIBE_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("selector", Some('l'), Some("SELECTOR"), "describe the pods matching this label selector"),
    flag("all-namespaces", Some('A'), None, "across all namespaces"),
];

const RUN_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("image", None, Some("IMAGE"), "the container image"),
    flag("port", None, Some("PORT"), "the port the container exposes"),
    flag("labels", Some('l'), Some("K=V,..."), "labels (replace the default run=NAME)"),
    flag("annotations", None, Some("K=V"), "an annotation (repeatable)"),
    flag("env", None, Some("K=V"), "an environment variable (repeatable)"),
    choice("restart", None, RESTART_VALUES, "restart policy: Always, OnFailure or Never"),
    choice("image-pull-policy", None, &["Always", "IfNotPresent", "Never"], "image pull policy"),
    flag("command", None, None, "use the arguments after -- as the command, not args"),
    flag("privileged", None, None, "run the container privileged"),
    choice("dry-run", None, DRY_RUN_VALUES, "none, client or server"),
    choice("output", Some('o'), &["yaml", "json", "name"], "print the pod as yaml, json or name"),
];

const APPLY_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("filename", Some('f'), Some("FILE"), "a file, directory, or - for standard input (repeatable)"),
    choice("dry-run", None, DRY_RUN_VALUES, "none, client or server"),
    choice(
        "validate",
        None,
        &["strict", "warn", "ignore", "true", "false"],
        "field validation: strict, warn or ignore",
    ),
    choice("output", Some('o'), &["yaml", "json", "name"], "print the result as yaml, json or name"),
    flag("server-side", None, None, "server-side apply (handed to kubectl)"),
];

const DELETE_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("filename", Some('f'), Some("FILE"), "delete the pods a file describes"),
    flag("selector", Some('l'), Some("SELECTOR"), "delete the pods matching this label selector"),
    flag("all", None, None, "delete every pod in the namespace"),
    flag("grace-period", None, Some("SECONDS"), "seconds to let the pod stop (0 with --force: at once)"),
    flag("now", None, None, "shorthand for --grace-period=1"),
    flag("force", None, None, "with --grace-period=0, remove at once without waiting"),
    flag("wait", None, None, "wait for the pods to be gone (default true; --wait=false to return at once)"),
    flag("ignore-not-found", None, None, "treat a missing pod as deleted"),
    choice("dry-run", None, DRY_RUN_VALUES, "none, client or server"),
];

const LOGS_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("container", Some('c'), Some("CONTAINER"), "the container whose logs to print"),
    flag("follow", Some('f'), None, "stream new lines until the container stops (Ctrl-C ends it)"),
    flag("tail", None, Some("LINES"), "only the last LINES lines"),
    flag("since", None, Some("DURATION"), "only lines newer than DURATION, e.g. 5m or 1h"),
    flag("timestamps", None, None, "prefix each line with its timestamp"),
    flag("previous", Some('p'), None, "the previous (crashed) instance of the container"),
];

const EVENTS_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("for", None, Some("pod/NAME"), "only events about this pod"),
    flag("all-namespaces", Some('A'), None, "across all namespaces"),
];

const WAIT_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    flag("for", None, Some("CONDITION"), "condition=Ready, delete, or jsonpath={.status.phase}=Running"),
    flag("timeout", None, Some("DURATION"), "give up after DURATION (default 30s)"),
];

pub const VERBS: &[Verb] = &[
    Verb {
        name: "get",
        aliases: &[],
        exec: Exec::Native,
        usage: "get pods [NAME...] [-l SEL] [--field-selector SEL] [-A] [-o wide|yaml|json|name] [-w]",
        summary: "List pods (or namespaces, nodes, events) as kubectl does",
        flags: GET_FLAGS,
    },
    Verb {
        name: "describe",
        aliases: &[],
        exec: Exec::Native,
        usage: "describe pod NAME... | describe pods -l SEL",
        summary: "Show a pod in detail, with its events",
        flags: DESCRIBE_FLAGS,
    },
    Verb {
        name: "run",
        aliases: &[],
        exec: Exec::Native,
        usage: "run NAME --image=IMAGE [--port P] [--labels K=V] [--env K=V] [--restart R] [--command] [--dry-run=client -o yaml] [-- ARGS...]",
        summary: "Create a pod running one container (or print its manifest)",
        flags: RUN_FLAGS,
    },
    Verb {
        name: "apply",
        aliases: &[],
        exec: Exec::Native,
        usage: "apply -f FILE|DIR|- [--dry-run=client|server] [--validate=strict|warn|ignore]",
        summary: "Create or update pods from manifests",
        flags: APPLY_FLAGS,
    },
    Verb {
        name: "create",
        aliases: &[],
        exec: Exec::Native,
        usage: "create -f FILE|DIR|- [--dry-run=client|server]",
        summary: "Create pods from manifests",
        flags: APPLY_FLAGS,
    },
    Verb {
        name: "delete",
        aliases: &[],
        exec: Exec::Native,
        usage: "delete pod NAME... | -f FILE | -l SEL | --all [--grace-period N] [--now] [--force] [--wait=false]",
        summary: "Delete pods",
        flags: DELETE_FLAGS,
    },
    Verb {
        name: "logs",
        aliases: &["log"],
        exec: Exec::Native,
        usage: "logs NAME [-c CONTAINER] [-f] [--tail N] [--since 5m] [--timestamps] [--previous]",
        summary: "Print or stream a container's logs",
        flags: LOGS_FLAGS,
    },
    Verb {
        name: "events",
        aliases: &[],
        exec: Exec::Native,
        usage: "events [NAME | --for pod/NAME] [-A]",
        summary: "List events of the namespace or of one pod",
        flags: EVENTS_FLAGS,
    },
    Verb {
        name: "wait",
        aliases: &[],
        exec: Exec::Native,
        usage: "wait [pod/]NAME --for=condition=Ready|--for=delete|--for=jsonpath={.status.phase}=Running [--timeout 30s]",
        summary: "Wait until a pod meets a condition",
        flags: WAIT_FLAGS,
    },
    Verb {
        name: "ns",
        aliases: &["namespace"],
        exec: Exec::Shell,
        usage: "ns [NAME|-]",
        summary: "Show or switch the session namespace (- = previous)",
        flags: &[],
    },
    Verb {
        name: "ctx",
        aliases: &["context"],
        exec: Exec::Shell,
        usage: "ctx [NAME|-]",
        summary: "Show or switch the session context (- = previous)",
        flags: &[],
    },
    Verb {
        name: "contexts",
        aliases: &[],
        exec: Exec::Shell,
        usage: "contexts",
        summary: "List the kubeconfig's contexts",
        flags: &[],
    },
    Verb {
        name: "namespaces",
        aliases: &[],
        exec: Exec::Shell,
        usage: "namespaces",
        summary: "List the cluster's namespaces",
        flags: &[],
    },
    Verb {
        name: "history",
        aliases: &[],
        exec: Exec::Shell,
        usage: "history [N]",
        summary: "Show the command history",
        flags: &[],
    },
    Verb {
        name: "help",
        aliases: &["?"],
        exec: Exec::Shell,
        usage: "help [VERB]",
        summary: "Show the verbs, or one verb's flags",
        flags: &[],
    },
    Verb {
        name: "notify",
        aliases: &[],
        exec: Exec::Shell,
        usage: "notify [on|off]",
        summary: "Announce phase changes of this session's pods at the prompt",
        flags: &[],
    },
    Verb { name: "clear", aliases: &[], exec: Exec::Shell, usage: "clear", summary: "Clear the screen", flags: &[] },
    Verb {
        name: "exit",
        aliases: &["quit"],
        exec: Exec::Shell,
        usage: "exit",
        summary: "Leave the shell (Ctrl-D too)",
        flags: &[],
    },
];

/// kubectl's own verbs that the shell hands to kubectl unchanged.
pub const KUBECTL_VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "debug",
    "diff",
    "drain",
    "edit",
    "exec",
    "explain",
    "expose",
    "kustomize",
    "label",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "alpha",
];

/// The verb named `word`, by name or alias.
pub fn find(word: &str) -> Option<&'static Verb> {
    VERBS.iter().find(|v| v.name == word || v.aliases.contains(&word))
}

/// Edit distance counting an adjacent transposition as one edit (optimal string
/// alignment), so `gte` is one step from `get`.
pub fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The closest candidate within a small edit distance.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Every verb word the shell knows, native, shell and pass-through.
pub fn all_verb_words() -> impl Iterator<Item = &'static str> {
    VERBS
        .iter()
        .flat_map(|v| std::iter::once(v.name).chain(v.aliases.iter().copied()))
        .chain(KUBECTL_VERBS.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(nearest("gte", all_verb_words()), Some("get"));
        assert_eq!(nearest("descrbe", all_verb_words()), Some("describe"));
        assert_eq!(nearest("zzzzzz", all_verb_words()), None);
        assert_eq!(find("log").map(|v| v.name), Some("logs"));
    }

    #[test]
    fn flags_are_unique_per_verb() {
        for v in VERBS {
            for (i, f) in v.flags.iter().enumerate() {
                assert!(
                    !v.flags[i + 1..].iter().any(|g| g.long == f.long || (f.short.is_some() && g.short == f.short)),
                    "{} --{}",
                    v.name,
                    f.long
                );
            }
        }
    }
}
