//! Rows of the verbs the shell carries out through the Kubernetes API: their flags
//! (each with its argument kind), operands, help texts and builders.

use super::args::{Arg, Flag};
use super::build;
use super::kubectl_flags as kf;
use super::verbs::{Exec, Verb};

const fn flag(long: &'static str, short: Option<char>, arg: Arg, help: &'static str) -> Flag {
    Flag { long, short, arg, help }
}

const fn switch(long: &'static str, short: Option<char>, help: &'static str) -> Flag {
    Flag { long, short, arg: Arg::Switch, help }
}

pub const NAMESPACE: Flag =
    flag("namespace", Some('n'), Arg::Namespace, "run in this namespace instead of the session's");
pub const CONTEXT: Flag = flag("context", None, Arg::Context, "run against this context instead of the session's");
pub const REQUEST_TIMEOUT: Flag = flag(
    "request-timeout",
    None,
    Arg::Free("DURATION"),
    "give up on a single server request after this long (5s, 2m; 0: never)",
);
pub const OUTPUT_FORMATS: &[&str] = &["wide", "yaml", "json", "name"];
pub const DRY_RUN: Arg = Arg::Bare(&["none", "client", "server"], "unchanged");
pub const RESTART_VALUES: &[&str] = &["Always", "OnFailure", "Never"];

const GET_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("selector", Some('l'), Arg::Selector, "label selector, e.g. app=web,tier!=db"),
    flag("field-selector", None, Arg::Free("SELECTOR"), "field selector, e.g. status.phase=Running"),
    switch("all-namespaces", Some('A'), "list across all namespaces"),
    flag("output", Some('o'), Arg::Choice(OUTPUT_FORMATS), "output format: wide, yaml, json or name"),
    switch("watch", Some('w'), "after listing, watch for changes"),
    switch("output-watch-events", None, "with --watch, show the event type (ADDED, MODIFIED, DELETED)"),
    switch("show-labels", None, "show labels as the last column"),
    switch("no-headers", None, "do not print column headers"),
];

const DESCRIBE_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("selector", Some('l'), Arg::Selector, "describe the pods matching this label selector"),
    switch("all-namespaces", Some('A'), "across all namespaces"),
];

const IMAGE: Flag = flag("image", None, Arg::Free("IMAGE"), "the container image");
const PORT: Flag = flag("port", None, Arg::Free("PORT"), "the port the container exposes");
const LABELS: Flag = flag("labels", Some('l'), Arg::Free("K=V,..."), "labels (replace the default run=NAME)");
const ANNOTATIONS: Flag = flag("annotations", None, Arg::Free("K=V"), "an annotation (repeatable)");
const ENV: Flag = flag("env", None, Arg::Free("K=V"), "an environment variable (repeatable)");
const RESTART: Flag = flag("restart", None, Arg::Choice(RESTART_VALUES), "restart policy: Always, OnFailure or Never");
const PULL_POLICY: Flag =
    flag("image-pull-policy", None, Arg::Choice(&["Always", "IfNotPresent", "Never"]), "image pull policy");
const COMMAND: Flag = switch("command", None, "use the arguments after -- as the command, not args");
const PRIVILEGED: Flag = switch("privileged", None, "run the container privileged");

const RUN_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    IMAGE,
    PORT,
    LABELS,
    ANNOTATIONS,
    ENV,
    RESTART,
    PULL_POLICY,
    COMMAND,
    PRIVILEGED,
    flag("dry-run", None, DRY_RUN, "none, client or server"),
    flag("output", Some('o'), Arg::Choice(&["yaml", "json", "name"]), "print the pod as yaml, json or name"),
];

/// `draft`'s flags: `run`'s pod flags, a file instead, and `--yes`.
pub const DRAFT_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    IMAGE,
    PORT,
    LABELS,
    ANNOTATIONS,
    ENV,
    RESTART,
    PULL_POLICY,
    COMMAND,
    PRIVILEGED,
    flag("filename", Some('f'), Arg::File, "edit this manifest (one Pod) instead of a new one"),
    switch("yes", Some('y'), "apply without asking (for scripts)"),
];

const APPLY_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("filename", Some('f'), Arg::File, "a file, directory, or - for standard input (repeatable)"),
    flag("dry-run", None, DRY_RUN, "none, client or server"),
    flag(
        "validate",
        None,
        Arg::Bare(&["strict", "warn", "ignore", "true", "false"], "strict"),
        "field validation: strict, warn or ignore",
    ),
    flag("output", Some('o'), Arg::Choice(&["yaml", "json", "name"]), "print the result as yaml, json or name"),
];

const DELETE_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("filename", Some('f'), Arg::File, "delete the pods a file describes"),
    flag("selector", Some('l'), Arg::Selector, "delete the pods matching this label selector"),
    switch("all", None, "delete every pod in the namespace"),
    flag("grace-period", None, Arg::Free("SECONDS"), "seconds to let the pod stop (0 with --force: at once)"),
    switch("now", None, "shorthand for --grace-period=1"),
    switch("force", None, "with --grace-period=0, remove at once without waiting"),
    switch("wait", None, "wait for the pods to be gone (default true; --wait=false to return at once)"),
    switch("ignore-not-found", None, "treat a missing pod as deleted"),
    flag("dry-run", None, DRY_RUN, "none, client or server"),
];

const LOGS_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("container", Some('c'), Arg::Container, "the container whose logs to print"),
    switch("follow", Some('f'), "stream new lines until the container stops (Ctrl-C ends it)"),
    flag("tail", None, Arg::Free("LINES"), "only the last LINES lines"),
    flag("since", None, Arg::Free("DURATION"), "only lines newer than DURATION, e.g. 5m or 1h"),
    switch("timestamps", None, "prefix each line with its timestamp"),
    switch("previous", Some('p'), "the previous (crashed) instance of the container"),
];

const EVENTS_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("for", None, Arg::Pod, "only events about this pod (pod/NAME)"),
    switch("all-namespaces", Some('A'), "across all namespaces"),
];

const WAIT_FLAGS: &[Flag] = &[
    NAMESPACE,
    CONTEXT,
    REQUEST_TIMEOUT,
    flag("for", None, Arg::Free("CONDITION"), "condition=Ready, delete, or jsonpath={.status.phase}=Running"),
    flag("timeout", None, Arg::Free("DURATION"), "give up after DURATION (default 30s)"),
];

/// A native row: the flags the shell implements, kubectl's flags for the verb (a line
/// using one of those goes to kubectl whole), the operand kinds and the builder.
const fn native(
    name: &'static str,
    usage: &'static str,
    summary: &'static str,
    flags: &'static [Flag],
    kubectl_flags: &'static [Flag],
    operands: &'static [Arg],
    build: super::verbs::Build,
) -> Verb {
    Verb { usage, summary, flags, kubectl_flags, operands, ..Verb::new(name, Exec::Native(build)) }
}

pub const VERBS: &[Verb] = &[
    native(
        "get",
        "get pods [NAME...] [-l SEL] [--field-selector SEL] [-A] [-o wide|yaml|json|name] [-w]",
        "List pods (or namespaces, nodes, events) as kubectl does",
        GET_FLAGS,
        kf::GET,
        &[Arg::Resource, Arg::Name],
        build::get,
    ),
    native(
        "describe",
        "describe pod NAME... | describe pods -l SEL",
        "Show a pod in detail, with its events",
        DESCRIBE_FLAGS,
        kf::DESCRIBE,
        &[Arg::Resource, Arg::Name],
        build::describe,
    ),
    native(
        "run",
        "run NAME --image=IMAGE [--port P] [--labels K=V] [--env K=V] [--restart R] [--command] [--dry-run=client -o yaml] [-- ARGS...]",
        "Create a pod running one container (or print its manifest)",
        RUN_FLAGS,
        kf::RUN,
        &[Arg::Free("NAME"), Arg::Free("ARG")],
        build::run,
    ),
    native(
        "apply",
        "apply -f FILE|DIR|- [--dry-run=client|server] [--validate=strict|warn|ignore]",
        "Create or update pods from manifests",
        APPLY_FLAGS,
        kf::APPLY,
        &[],
        build::apply,
    )
    .with_subverbs(kf::APPLY_SUBVERBS),
    native(
        "create",
        "create -f FILE|DIR|- [--dry-run=client|server]",
        "Create pods from manifests",
        APPLY_FLAGS,
        kf::CREATE,
        &[],
        build::create,
    )
    .with_subverbs(kf::CREATE_SUBVERBS),
    native(
        "delete",
        "delete pod NAME... | -f FILE | -l SEL | --all [--grace-period N] [--now] [--force] [--wait=false]",
        "Delete pods",
        DELETE_FLAGS,
        kf::DELETE,
        &[Arg::Resource, Arg::Name],
        build::delete,
    ),
    Verb {
        aliases: &["log"],
        ..native(
            "logs",
            "logs NAME [-c CONTAINER] [-f] [--tail N] [--since 5m] [--timestamps] [--previous]",
            "Print or stream a container's logs",
            LOGS_FLAGS,
            kf::LOGS,
            &[Arg::Pod, Arg::Container],
            build::logs,
        )
    },
    native(
        "events",
        "events [--for pod/NAME] [-A]",
        "List events of the namespace or of one pod",
        EVENTS_FLAGS,
        kf::EVENTS,
        &[],
        build::events,
    ),
    native(
        "wait",
        "wait [pod/]NAME --for=condition=Ready|--for=delete|--for=jsonpath={.status.phase}=Running [--timeout 30s]",
        "Wait until a pod meets a condition",
        WAIT_FLAGS,
        kf::WAIT,
        &[Arg::Pod],
        build::wait,
    ),
];
