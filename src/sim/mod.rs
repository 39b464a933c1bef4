//! The simulated Kubernetes API server: in-memory, speaking the real REST protocol
//! (JSON objects, Status errors, watch streams, dry-run, Table responses), with a pod
//! lifecycle engine. Tests, benchmarks and `--playground` reach it through the same
//! kube client code path as a real cluster, and real kubectl accepts it.
//!
//! Flow of a request: `serve` (auth, logging) -> `router` (path -> target) -> `read` /
//! `watch` / `write` / `logs` (generic over `kinds::Kind`) -> `store` (typed objects,
//! revisions, watch history). `lifecycle` moves pods along in the background, binding
//! them by `scheduling`'s filters and starting containers once `configrefs` is satisfied.

mod access;
mod chunked;
mod configrefs;
mod defaults;
mod discovery;
mod events;
pub mod faults;
mod fields;
mod fill;
mod hooks;
mod kinds;
mod kubelet;
pub mod lifecycle;
mod logs;
mod memory;
mod objects;
mod openapi;
mod others;
mod packed;
mod patch;
mod pods;
mod podstate;
mod probes;
mod probestate;
mod program;
mod protobuf;
mod read;
mod referenced;
mod registry;
mod request;
mod router;
mod row;
mod runtime;
mod scheduling;
mod serve;
pub mod shared;
mod status;
mod store;
mod stream;
mod table;
mod timing;
mod tls;
mod userland;
pub use tls::Tls;
mod validate;
mod watch;
mod write;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Namespace, Node, NodeAddress, NodeCondition, NodeStatus, NodeSystemInfo};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use kubelet::MISSING_IMAGE_MARK;
pub use shared::{Logged, Shared};
pub use store::Snapshot;
pub use timing::Timing;

use store::{Store, new_uid, now_secs};
use write::Hooks;

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Simulated nodes, named `node-1` ... `node-N`.
    pub nodes: usize,
    /// Running pods to pre-create (for scale tests).
    pub pods: usize,
    /// How many namespaces the pre-created pods are spread over: `default`, then
    /// `scale-2` ... `scale-N`.
    pub namespaces: usize,
    pub timing: Timing,
    /// The bearer token clients must send; random when `None`.
    pub token: Option<String>,
    /// How many changes the watch history keeps.
    pub history: usize,
    /// The TLS identity to serve with; a fresh CA when `None` (a restarted simulator
    /// passes the old one so existing kubeconfigs keep working).
    pub tls: Option<Arc<Tls>>,
    /// `(verb, resource)` pairs the simulated user may not do, e.g. `("list", "namespaces")`:
    /// those requests get the API server's 403 (a restricted RBAC role).
    pub forbid: Vec<(String, String)>,
    /// How the simulator misbehaves (see `faults`), and the seed of its dice.
    pub faults: faults::Faults,
    pub fault_seed: Option<u64>,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            nodes: 1,
            pods: 0,
            namespaces: 1,
            timing: Timing::default(),
            token: None,
            history: 20_000,
            tls: None,
            forbid: Vec::new(),
            faults: faults::Faults::default(),
            fault_seed: None,
        }
    }
}

/// A running simulator; dropping it stops the server.
pub struct Simulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    engine: JoinHandle<()>,
    tls: Arc<Tls>,
}

/// A Ready node with 2 CPUs and room for `max_pods` pods (110, the kubelet default,
/// unless pre-created pods need more).
fn node(i: usize, max_pods: usize) -> Node {
    let name = format!("node-{i}");
    let labels = [
        ("kubernetes.io/hostname", name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("beta.kubernetes.io/arch", "amd64"),
    ];
    let q = |s: &str| Quantity(s.to_string());
    let resources = [
        ("cpu", q("2")),
        ("memory", q("8142048Ki")),
        ("pods", q(&max_pods.to_string())),
        ("ephemeral-storage", q("102626232Ki")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect::<std::collections::BTreeMap<_, _>>();
    let now = Time(now_secs());
    Node {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            uid: Some(new_uid()),
            creation_timestamp: Some(now.clone()),
            labels: Some(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            ..Default::default()
        },
        spec: Some(Default::default()),
        status: Some(NodeStatus {
            addresses: Some(vec![
                NodeAddress { type_: "InternalIP".into(), address: format!("192.168.49.{}", i + 1) },
                NodeAddress { type_: "Hostname".into(), address: name },
            ]),
            allocatable: Some(resources.clone()),
            capacity: Some(resources),
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: "True".into(),
                reason: Some("KubeletReady".into()),
                message: Some("kubelet is posting ready status".into()),
                last_heartbeat_time: Some(now.clone()),
                last_transition_time: Some(now),
            }]),
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: new_uid(),
                container_runtime_version: "containerd://1.7.24".into(),
                kernel_version: "6.1.0-28-amd64".into(),
                kube_proxy_version: "v1.33.0".into(),
                kubelet_version: discovery::GIT_VERSION.into(),
                machine_id: new_uid().replace('-', ""),
                operating_system: "linux".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                system_uuid: new_uid(),
                swap: None,
            }),
            ..Default::default()
        }),
    }
}

fn namespace(name: &str) -> Namespace {
    let mut ns =
        Namespace { metadata: ObjectMeta { name: Some(name.into()), ..Default::default() }, ..Default::default() };
    // The built-in names are valid, so preparing cannot fail.
    let _ = ns.prepare();
    ns
}

impl Simulator {
    /// Starts a simulator listening on `listen` (e.g. `127.0.0.1:0`).
    pub async fn start(listen: &str, opts: SimOptions) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let tls = match opts.tls {
            Some(t) => t,
            None => Arc::new(Tls::generate()?),
        };
        let mut store = Store::new(opts.history.max(16));
        let filled = fill::namespaces(opts.namespaces);
        let extra = filled.iter().skip(1).map(String::as_str);
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"].into_iter().chain(extra) {
            store.create_fresh(namespace(ns));
            let (sa, cm) = referenced::namespace_defaults(ns, &tls.ca_pem);
            store.create_fresh(sa);
            store.create_fresh(cm);
        }
        store.create_fresh(referenced::kubernetes_service());
        for i in 1..=opts.nodes.max(1) {
            store.create(node(i, 110.max(opts.pods.div_ceil(opts.nodes.max(1)) + 110)));
        }
        fill::pods(&mut store, opts.pods, &filled, &opts.timing);
        crate::memory::trim();
        let token = opts.token.unwrap_or_else(|| new_uid().replace('-', ""));
        let mut shared = Shared::new(store, opts.timing, token);
        shared.forbid = opts.forbid;
        shared.faults = faults::Injector::new(opts.faults, opts.fault_seed.unwrap_or_else(rand::random));
        shared.ca_pem = tls.ca_pem.clone();
        let shared = Arc::new(shared);
        let engine = tokio::spawn(lifecycle::run(shared.clone()));
        let mut sim = Self { addr, shared, shutdown: None, server: None, engine, tls };
        sim.listen(listener);
        Ok(sim)
    }

    /// Serves on `listener` until `shutdown` is sent.
    fn listen(&mut self, listener: tokio::net::TcpListener) {
        let (serving, served) = (self.tls.clone(), self.shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        self.server = Some(tokio::spawn(async move {
            serve::serve(listener, &serving, served, async move {
                let _ = rx.await;
            })
            .await
        }));
        self.shutdown = Some(tx);
    }

    /// Stops listening and cuts every open stream and connection, as a restarted API
    /// server does, stays down for `down` (connections are refused meanwhile), then listens
    /// on the same address again, with the same state, certificate and token.
    pub async fn restart_listener(&mut self, down: Duration) -> std::io::Result<()> {
        self.shared.close_streams();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut server).await.is_err()
        {
            server.abort();
        }
        tokio::time::sleep(down).await;
        self.shared.reopen_streams();
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        self.listen(listener);
        Ok(())
    }

    /// Holds every pod where it is (no lifecycle step runs until thawed), so two clients
    /// read the same state one after the other; only the clock moves.
    pub fn freeze(&self, frozen: bool) {
        self.shared.freeze(frozen);
    }

    /// Changes the faults the simulator injects from now on (see `faults`).
    pub fn set_faults(&self, faults: faults::Faults) {
        self.shared.faults.set(faults);
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The PEM of the CA that signed the serving certificate.
    pub fn ca_pem(&self) -> &str {
        &self.tls.ca_pem
    }

    /// The TLS identity, to restart a simulator that existing clients still trust.
    pub fn tls(&self) -> Arc<Tls> {
        self.tls.clone()
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// Requests the server has seen.
    pub fn requests(&self) -> Vec<Logged> {
        self.shared.requests()
    }

    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The whole cluster state now, to `restore` later (tests compare two clients on the
    /// same state this way).
    pub fn snapshot(&self) -> store::Snapshot {
        self.shared.lock().snapshot()
    }

    /// Returns the cluster to `snapshot`: objects, revisions and pod lifecycles.
    pub fn restore(&self, snapshot: &store::Snapshot) {
        let mut store = self.shared.lock();
        store.restore(snapshot);
        self.shared.committed(store);
    }

    /// A kubeconfig with one context, `context`, pointing at this server.
    pub fn kubeconfig(&self, context: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: {context}\n  cluster:\n    certificate-authority-data: {ca}\n    server: {url}\ncontexts:\n- name: {context}\n  context:\n    cluster: {context}\n    user: {context}\n    namespace: default\ncurrent-context: {context}\nusers:\n- name: {context}\n  user:\n    token: {token}\n",
            url = self.url(),
            token = self.token(),
            ca = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, self.tls.ca_pem.as_bytes()),
        )
    }

    /// Writes `kubeconfig(context)` to `path`, readable by the owner only.
    pub fn write_kubeconfig(&self, path: &std::path::Path, context: &str) -> std::io::Result<()> {
        crate::common::files::write_private(path, self.kubeconfig(context).as_bytes())
    }

    /// Stops serving: ends open streams, then waits (briefly) for the server to finish.
    pub async fn stop(mut self) {
        self.shared.close_streams();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut server).await.is_err()
        {
            server.abort();
        }
        self.engine.abort();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.close_streams();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.engine.abort();
    }
}
