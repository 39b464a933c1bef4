//! What a parsed line is: typed commands with typed options, built by `parse` and
//! consumed by `exec`. Data only.

use super::lex::Sink;

/// Per-command overrides of the session's context and namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub namespace: Option<String>,
    pub context: Option<String>,
    /// `--request-timeout` as given; read when the cluster is reached.
    pub request_timeout: Option<String>,
}

/// An output format (`-o`); where output goes is the statement's `Sink`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
}

/// Kinds `get` and `describe` serve natively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pods,
    Namespaces,
    Nodes,
    Events,
}

impl Kind {
    pub fn from_word(w: &str) -> Option<Kind> {
        match w {
            "pods" | "pod" | "po" => Some(Kind::Pods),
            "namespaces" | "namespace" | "ns" => Some(Kind::Namespaces),
            "nodes" | "node" | "no" => Some(Kind::Nodes),
            "events" | "event" | "ev" => Some(Kind::Events),
            _ => None,
        }
    }
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Pods => "pods",
            Kind::Namespaces => "namespaces",
            Kind::Nodes => "nodes",
            Kind::Events => "events",
        }
    }
    pub fn namespaced(self) -> bool {
        matches!(self, Kind::Pods | Kind::Events)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Get {
    pub scope: Scope,
    pub kind: Kind,
    pub names: Vec<String>,
    pub selector: Option<String>,
    pub field_selector: Option<String>,
    pub all_namespaces: bool,
    pub output: Format,
    pub watch: bool,
    pub watch_events: bool,
    pub show_labels: bool,
    pub no_headers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Describe {
    pub scope: Scope,
    pub names: Vec<String>,
    pub selector: Option<String>,
    pub all_namespaces: bool,
    /// `describe TYPE NAME`: a NAME that is not found describes the pods whose names
    /// start with it, as kubectl does.
    pub prefix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub scope: Scope,
    pub name: String,
    pub image: Option<String>,
    pub port: Option<String>,
    pub labels: Option<String>,
    pub annotations: Vec<String>,
    pub env: Vec<String>,
    pub restart: Option<String>,
    pub pull_policy: Option<String>,
    pub command: bool,
    pub privileged: bool,
    pub args: Vec<String>,
    pub dry_run: DryRun,
    pub output: Option<Format>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apply {
    pub scope: Scope,
    pub create_only: bool,
    pub files: Vec<String>,
    pub dry_run: DryRun,
    pub validate: String,
    pub output: Option<Format>,
    /// The line as typed: the manifests decide (before anything is sent) whether it runs
    /// natively or goes to kubectl whole.
    pub line: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delete {
    pub scope: Scope,
    pub names: Vec<String>,
    pub files: Vec<String>,
    pub selector: Option<String>,
    pub all: bool,
    pub grace: Option<i64>,
    pub force: bool,
    pub wait: bool,
    pub ignore_not_found: bool,
    pub dry_run: DryRun,
    /// The line as typed, for handing `-f` manifests that are not all Pods to kubectl.
    pub line: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logs {
    pub scope: Scope,
    pub name: String,
    pub container: Option<String>,
    pub follow: bool,
    pub tail: Option<i64>,
    pub since: Option<i64>,
    pub timestamps: bool,
    pub previous: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Events {
    pub scope: Scope,
    pub pod: Option<String>,
    pub all_namespaces: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `condition=NAME[=VALUE]`: a status condition of type NAME with status VALUE
    /// (default `true`), both compared ignoring case.
    Status {
        name: String,
        value: String,
    },
    Delete,
    /// `jsonpath={.a.b[0]}=VALUE`, with the path's dotted fields and indexes.
    JsonPath {
        path: Vec<PathStep>,
        value: String,
    },
}

/// One step of a simple JSONPath: a field, or an index into a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Field(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    pub scope: Scope,
    pub name: String,
    pub condition: Condition,
    /// Zero checks once without waiting.
    pub timeout: std::time::Duration,
}

/// `history`: list entries, or export them as a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum History {
    List {
        /// Only the last N.
        last: Option<usize>,
        /// Only entries that failed.
        failed: bool,
        /// Only entries run in this context.
        context: Option<String>,
    },
    Export {
        /// `N`, `N-M` or `N-`; `None` = this session's entries.
        range: Option<String>,
        /// The script's path; `None` = the output (`> FILE`).
        file: Option<String>,
        include_failed: bool,
    },
}

/// `draft`: a manifest edited, checked, dry-run, diffed, then applied on a yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub scope: Scope,
    /// `draft NAME --image=IMG ...`: the pod `run` would make, as the first text.
    pub run: Option<Box<Run>>,
    /// `draft -f FILE`: that file, edited in place.
    pub file: Option<String>,
    /// Apply without asking (scripts).
    pub yes: bool,
}

/// `why POD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    pub scope: Scope,
    pub name: String,
}

/// `tail`: logs of every matching pod's containers, following the set as it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    pub scope: Scope,
    /// A regular expression pod names must match (anywhere in the name).
    pub pods: Option<String>,
    pub selector: Option<String>,
    /// A regular expression container names must match.
    pub containers: Option<String>,
    /// Only lines newer than this many seconds (for the containers already running).
    pub since: Option<i64>,
    pub all_namespaces: bool,
}

/// A parsed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Get(Get),
    Describe(Describe),
    Run(Box<Run>),
    Apply(Apply),
    Delete(Delete),
    Logs(Logs),
    Events(Events),
    Wait(Wait),
    Namespace(Option<String>),
    Context(Option<String>),
    Contexts,
    Namespaces,
    History(History),
    Help(Option<String>),
    Clear,
    Exit,
    /// `notify on|off`, or show the setting.
    Notify(Option<bool>),
    /// `readonly on|off`, or show the mode.
    ReadOnly(Option<bool>),
    Draft(Box<Draft>),
    Why(Why),
    Tail(Tail),
    /// Handed to the real kubectl with the session's scope.
    Kubectl(Vec<String>),
    /// `!cmd`, run by the host's shell.
    Host(String),
}

/// A command and where its output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub command: Command,
    pub sink: Sink,
}
