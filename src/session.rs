//! The one owner of the shell's scope: which context and namespace the next line runs
//! in, the previous ones (`ns -`, `ctx -`), the last namespace used per context (kept
//! across runs in the state directory), the pods this session acted on (for notices),
//! and one cluster connection per context. The user's kubeconfig is read, never written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use kube::config::Kubeconfig;

use crate::cli::RequestTimeout;
use crate::cluster::{Cluster, DEFAULT_REQUEST_TIMEOUT};
use crate::command::parse::Scope;
use crate::common::spelling::nearest;
use crate::error::{Error, Result};
use crate::kubeconfig::Sources;
use crate::refs::{PodRef, Refs};

/// Pods a session created or named: `(context, namespace, pod)`, shared with the notice
/// thread.
pub type Touched = Arc<Mutex<BTreeSet<(String, String, String)>>>;

pub struct Session {
    /// What the kubeconfig files held when read (see `follow_kubeconfig`).
    seen: Vec<Option<u64>>,
    generation: u64,
    /// `--request-timeout` from the command line; `None`: the default.
    request_timeout: Option<RequestTimeout>,
    kubeconfig: Kubeconfig,
    /// The files the kubeconfig was read from, which kubectl reads too.
    sources: Sources,
    context: String,
    namespace: String,
    prev_context: Option<String>,
    prev_namespace: Option<String>,
    ns_memory: BTreeMap<String, String>,
    clusters: HashMap<String, Cluster>,
    state_dir: Option<PathBuf>,
    touched: Touched,
    refs: Refs,
    /// What the command that just ran amounts to, for replaying history (`draft` is
    /// `apply -f FILE` once applied).
    replay: Option<String>,
}

/// The namespace a context names in the kubeconfig, else `default`.
fn context_namespace(kubeconfig: &Kubeconfig, ctx: &str) -> String {
    kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == ctx)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| c.namespace.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string())
}

/// The directory for history and remembered namespaces (`$XDG_STATE_HOME/kubectl-podsh`).
pub fn default_state_dir() -> Option<PathBuf> {
    dirs::state_dir().or_else(dirs::data_local_dir).map(|d| d.join("kubectl-podsh"))
}

impl Session {
    /// A session on the kubeconfig of `sources`, starting in `context` (else the
    /// kubeconfig's current one) and `namespace` (else the context's, else `default`);
    /// `state_dir` keeps the per-context namespace memory.
    pub fn new(
        sources: Sources,
        context: Option<String>,
        namespace: Option<String>,
        state_dir: Option<PathBuf>,
    ) -> Result<Self> {
        let seen = sources.fingerprint();
        let kubeconfig = sources.load()?;
        let context = match context.or_else(|| kubeconfig.current_context.clone()).filter(|c| !c.is_empty()) {
            Some(c) => c,
            None => {
                return Err(Error::with_hint(
                    "the kubeconfig has no current context",
                    "pass --context NAME, or try the built-in cluster with --playground",
                ));
            }
        };
        if !kubeconfig.contexts.iter().any(|c| c.name == context) {
            return Err(Error::msg(format!("context {context:?} does not exist in the kubeconfig")));
        }
        let ns_memory = state_dir
            .as_ref()
            .and_then(|d| std::fs::read(d.join("namespaces.json")).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let namespace = namespace.unwrap_or_else(|| context_namespace(&kubeconfig, &context));
        Ok(Self {
            kubeconfig,
            sources,
            context,
            namespace,
            prev_context: None,
            prev_namespace: None,
            ns_memory,
            clusters: HashMap::new(),
            state_dir,
            touched: Arc::new(Mutex::new(BTreeSet::new())),
            refs: Refs::default(),
            replay: None,
            request_timeout: None,
            seen,
            generation: 0,
        })
    }

    pub fn context(&self) -> &str {
        &self.context
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The kubeconfig files kubectl must read for this session's contexts.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The namespace the kubeconfig gives `ctx` (what kubectl uses without `-n`).
    pub fn kubeconfig_namespace(&self, ctx: &str) -> String {
        context_namespace(&self.kubeconfig, ctx)
    }

    /// The `--request-timeout` the shell was started with, which kubectl is handed too.
    pub fn request_timeout(&self) -> Option<&RequestTimeout> {
        self.request_timeout.as_ref()
    }

    /// Sets the timeout every request gets unless its line says otherwise.
    pub fn set_request_timeout(&mut self, timeout: Option<RequestTimeout>) {
        self.request_timeout = timeout;
    }

    /// The kubeconfig's current context.
    pub fn kubeconfig_current(&self) -> Option<&str> {
        self.kubeconfig.current_context.as_deref()
    }

    /// Reads the kubeconfig files again (after kubectl changed them); connections are
    /// made afresh.
    pub fn reload(&mut self) -> Result<()> {
        let seen = self.sources.fingerprint();
        self.kubeconfig = self.sources.load()?;
        self.seen = seen;
        self.clusters.clear();
        self.generation += 1;
        Ok(())
    }

    /// Reads the kubeconfig again if its files changed since they were read, as kubectl
    /// reads them for every command: a context added by `aws eks update-kubeconfig` in
    /// another terminal, a rotated token or CA. The session keeps its context and
    /// namespace; what the user should know (the context is gone, the files no longer
    /// parse) comes back as a warning.
    pub fn follow_kubeconfig(&mut self) -> Option<String> {
        if self.sources.fingerprint() == self.seen {
            return None;
        }
        if let Err(e) = self.reload() {
            // Read again only once it changes again, not on every line.
            self.seen = self.sources.fingerprint();
            return Some(format!(
                "warning: the kubeconfig changed but cannot be read ({e}); the session keeps what it read before\n"
            ));
        }
        (!self.kubeconfig.contexts.iter().any(|c| c.name == self.context)).then(|| {
            format!(
                "warning: context {:?} is no longer in the kubeconfig; `context NAME` switches to one that is\n",
                self.context
            )
        })
    }

    /// Counts kubeconfig reloads, so whoever keeps its own connections (the completion
    /// cache) knows to make new ones.
    pub fn kubeconfig_generation(&self) -> u64 {
        self.generation
    }

    /// The pods this session acted on, shared with the notice thread.
    pub fn touched(&self) -> Touched {
        self.touched.clone()
    }

    /// The kubeconfig as read (for the completion cache's own connections).
    pub fn kubeconfig(&self) -> &Kubeconfig {
        &self.kubeconfig
    }

    /// Remembers that this session acted on `pod`, in `scope`.
    pub fn touch(&self, scope: &Scope, pod: &str) {
        let ctx = scope.context.clone().unwrap_or_else(|| self.context.clone());
        let ns = scope.namespace.clone().unwrap_or_else(|| self.namespace.clone());
        if let Ok(mut t) = self.touched.lock() {
            t.insert((ctx, ns, pod.to_string()));
        }
    }

    /// What `@` references read.
    pub fn refs(&self) -> &Refs {
        &self.refs
    }

    /// The rows of a pod listing just shown (`None` for a row that is not a pod), for
    /// `@1`, `@2`, ...; `ctx` and `ns` are where it ran.
    pub fn note_listing(&mut self, rows: Vec<Option<PodRef>>) {
        self.refs.listing = rows;
    }

    /// Records what the running command amounts to when replayed.
    pub fn note_replay(&mut self, line: String) {
        self.replay = Some(line);
    }

    /// Takes what the last command amounts to, if it said.
    pub fn take_replay(&mut self) -> Option<String> {
        self.replay.take()
    }

    /// The pod a write just created or applied, for `@last`.
    pub fn note_written(&mut self, scope: &Scope, ns: &str, name: &str) {
        let ctx = scope.context.clone().unwrap_or_else(|| self.context.clone());
        self.refs.last = Some(PodRef { ctx, ns: ns.to_string(), name: name.to_string() });
    }

    pub fn contexts(&self) -> Vec<String> {
        self.kubeconfig.contexts.iter().map(|c| c.name.clone()).collect()
    }

    /// The connection for `ctx`, created on first use.
    pub async fn cluster(&mut self, ctx: &str) -> Result<Cluster> {
        if let Some(c) = self.clusters.get(ctx) {
            return Ok(c.clone());
        }
        if !self.kubeconfig.contexts.iter().any(|c| c.name == ctx) {
            // kubectl's words for `--context` naming no context.
            return Err(Error::Plain(format!(
                "Error in configuration: context was not found for specified context: {ctx}"
            )));
        }
        let c = Cluster::connect(&self.kubeconfig, ctx).await?;
        self.clusters.insert(ctx.to_string(), c.clone());
        Ok(c)
    }

    /// The cluster, namespace and context a command with `scope` runs against.
    pub async fn resolve(&mut self, scope: &Scope) -> Result<(Cluster, String, String)> {
        let timeout = match &scope.request_timeout {
            Some(given) => crate::common::goduration::request_timeout(given).map_err(Error::msg)?,
            None => self.request_timeout.as_ref().map_or(Some(DEFAULT_REQUEST_TIMEOUT), |t| t.after),
        };
        let ctx = scope.context.clone().unwrap_or_else(|| self.context.clone());
        let ns = match (&scope.namespace, &scope.context) {
            (Some(n), _) => n.clone(),
            (None, Some(c)) if *c != self.context => self.remembered_namespace(c),
            _ => self.namespace.clone(),
        };
        let cluster = self.cluster(&ctx).await?.with_timeout(timeout);
        Ok((cluster, ns, ctx))
    }

    fn remembered_namespace(&self, ctx: &str) -> String {
        self.ns_memory.get(ctx).cloned().unwrap_or_else(|| context_namespace(&self.kubeconfig, ctx))
    }

    /// Switches namespace (`-` = previous) and remembers it for this context.
    pub fn set_namespace(&mut self, ns: &str) -> Result<String> {
        let target = if ns == "-" {
            self.prev_namespace.clone().ok_or_else(|| Error::msg("no previous namespace"))?
        } else {
            ns.to_string()
        };
        if target != self.namespace {
            self.prev_namespace = Some(std::mem::replace(&mut self.namespace, target.clone()));
        }
        self.ns_memory.insert(self.context.clone(), target.clone());
        self.save_memory();
        Ok(target)
    }

    /// Switches context (`-` = previous), restoring the namespace last used there.
    pub fn set_context(&mut self, ctx: &str) -> Result<String> {
        let target = if ctx == "-" {
            self.prev_context.clone().ok_or_else(|| Error::msg("no previous context"))?
        } else {
            ctx.to_string()
        };
        if !self.kubeconfig.contexts.iter().any(|c| c.name == target) {
            let hint = nearest(&target, self.kubeconfig.contexts.iter().map(|c| c.name.as_str()))
                .map_or_else(|| "`contexts` lists them".to_string(), |s| format!("did you mean {s:?}?"));
            return Err(Error::with_hint(format!("context {target:?} does not exist in the kubeconfig"), hint));
        }
        if target != self.context {
            self.ns_memory.insert(self.context.clone(), self.namespace.clone());
            self.prev_context = Some(std::mem::replace(&mut self.context, target.clone()));
            self.prev_namespace = None;
            self.namespace = self.remembered_namespace(&target);
            self.save_memory();
        }
        Ok(target)
    }

    fn save_memory(&self) {
        let Some(dir) = &self.state_dir else { return };
        if crate::common::files::private_dir(dir).is_err() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec_pretty(&self.ns_memory) else { return };
        let tmp = dir.join(format!(".namespaces.json.{}", std::process::id()));
        if crate::common::files::write_private(&tmp, &bytes).is_ok() {
            let _ = std::fs::rename(&tmp, dir.join("namespaces.json"));
        }
    }
}
