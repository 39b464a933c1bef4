//! Rows of the shell's built-in verbs: they show or change session state (`ns`, `ctx`,
//! `history`, `notify`, ...) and never reach kubectl.

use super::args::{Arg, Flag};
use super::build_builtin as b;
use super::verbs::{Build, Exec, Verb};

const fn builtin(
    name: &'static str,
    aliases: &'static [&'static str],
    usage: &'static str,
    summary: &'static str,
    operands: &'static [Arg],
    build: Build,
) -> Verb {
    Verb { aliases, usage, summary, operands, ..Verb::new(name, Exec::Builtin(build)) }
}

const SCOPE_FLAGS: &[Flag] = &[super::native_verbs::NAMESPACE, super::native_verbs::CONTEXT];

const TAIL_FLAGS: &[Flag] = &[
    super::native_verbs::NAMESPACE,
    super::native_verbs::CONTEXT,
    Flag { long: "selector", short: Some('l'), arg: Arg::Selector, help: "only pods matching this label selector" },
    Flag {
        long: "container",
        short: Some('c'),
        arg: Arg::Free("REGEX"),
        help: "only containers whose names match this regular expression",
    },
    Flag { long: "since", short: None, arg: Arg::Free("DURATION"), help: "only lines newer than DURATION, e.g. 5m" },
    Flag { long: "all-namespaces", short: Some('A'), arg: Arg::Switch, help: "pods of every namespace" },
];

const HISTORY_FLAGS: &[Flag] = &[
    Flag { long: "lines", short: Some('n'), arg: Arg::Free("N"), help: "only the last N entries" },
    Flag { long: "failed", short: None, arg: Arg::Switch, help: "only entries that ended with a non-zero status" },
    Flag { long: "ctx", short: None, arg: Arg::Context, help: "only entries run in this context" },
    Flag {
        long: "include-failed",
        short: None,
        arg: Arg::Switch,
        help: "export: keep entries that failed (left out by default)",
    },
];

pub const VERBS: &[Verb] = &[
    builtin(
        "ns",
        &["namespace"],
        "ns [NAME|-]",
        "Show or switch the session namespace (- = previous)",
        &[Arg::NamespaceOrBack],
        b::namespace,
    ),
    builtin(
        "ctx",
        &["context"],
        "ctx [NAME|-]",
        "Show or switch the session context (- = previous)",
        &[Arg::ContextOrBack],
        b::context,
    ),
    builtin("contexts", &[], "contexts", "List the kubeconfig's contexts", &[], b::contexts),
    builtin("namespaces", &[], "namespaces", "List the cluster's namespaces", &[], b::namespaces),
    Verb {
        flags: HISTORY_FLAGS,
        ..builtin(
            "history",
            &[],
            "history [N] [-n N] [--failed] [--ctx CONTEXT] | history export [N|N-M|N-] [FILE] [--include-failed]",
            "Show the command history (time, exit status, duration, context/namespace), or export it as a script",
            &[Arg::Choice(&["export"]), Arg::File],
            b::history,
        )
    },
    builtin("help", &["?"], "help [VERB]", "Show the verbs, or one verb's flags", &[Arg::Verb], b::help),
    builtin(
        "notify",
        &[],
        "notify [on|off]",
        "Announce phase changes of this session's pods at the prompt",
        &[Arg::Choice(&["on", "off"])],
        b::notify,
    ),
    builtin(
        "readonly",
        &["read-only"],
        "readonly [on|off]",
        "Show or set read-only mode: every line that would change a cluster is refused",
        &[Arg::Choice(&["on", "off"])],
        b::readonly,
    ),
    Verb {
        flags: super::native_verbs::DRAFT_FLAGS,
        ..builtin(
            "draft",
            &[],
            "draft NAME --image=IMG [run's flags] | draft -f FILE [--yes]",
            "Edit a pod manifest, check it, dry-run it on the server, see the diff, then apply",
            &[Arg::Free("NAME")],
            b::draft,
        )
    },
    Verb {
        flags: SCOPE_FLAGS,
        ..builtin(
            "why",
            &[],
            "why POD [-n NS] [--context CTX]",
            "Explain in plain words why a pod is not healthy, from its status, events and logs",
            &[Arg::Pod],
            b::why,
        )
    },
    Verb {
        flags: TAIL_FLAGS,
        ..builtin(
            "tail",
            &[],
            "tail [NAME-REGEX] [-l SEL] [-c CONTAINER-REGEX] [--since 5m] [-n NS | -A]",
            "Stream the logs of every matching pod, following pods as they come and go (Ctrl-C stops)",
            &[Arg::Free("NAME-REGEX")],
            b::tail,
        )
    },
    builtin("clear", &[], "clear", "Clear the screen", &[], b::clear),
    builtin("exit", &["quit"], "exit", "Leave the shell (Ctrl-D too)", &[], b::exit),
];
