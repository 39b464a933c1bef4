//! Names for completion, kept live by watches: per (context, namespace) the pods (name,
//! STATUS, container names, labels) and per context the namespaces. A watch starts the
//! first time its names are wanted and then follows the cluster (pods: a paged list and a
//! resumed watch, listed again after 410 Gone or an error; namespaces: kube's watcher).
//! Readers never touch the network: they read a snapshot under a short lock, and on a
//! cold cache wait at most a short bound for the first list.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::watcher::Event;

use crate::api::Watched;
use crate::cluster::Cluster;
use crate::cluster::Resource;
use crate::cluster::list_head;
use crate::common::podlite::LitePod;
use crate::common::podstatus::pod_cells;

/// What completion needs of a pod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodInfo {
    pub namespace: String,
    pub status: String,
    pub phase: String,
    /// Why it ended, for failed pods: `Error, exit code 1`.
    pub detail: Option<String>,
    pub containers: Vec<String>,
    /// The containers' declared ports (`containerPort`), for `port-forward`.
    pub ports: Vec<i32>,
    /// Sorted `(key, value)` pairs: a map's node would cost ~500 bytes a pod for two labels.
    pub labels: Vec<(String, String)>,
}

impl PodInfo {
    fn of(p: &Pod) -> Self {
        let spec = p.spec.as_ref();
        let containers = spec
            .into_iter()
            .flat_map(|s| s.containers.iter().chain(s.init_containers.iter().flatten()))
            .map(|c| c.name.clone())
            .collect();
        let st = p.status.as_ref();
        let detail = st.and_then(|s| s.container_statuses.as_ref()).into_iter().flatten().find_map(|c| {
            let t = c.state.as_ref()?.terminated.as_ref()?;
            (t.exit_code != 0)
                .then(|| format!("{}, exit code {}", t.reason.clone().unwrap_or_else(|| "Error".into()), t.exit_code))
        });
        Self {
            namespace: p.metadata.namespace.clone().unwrap_or_default(),
            status: pod_cells(p, k8s_openapi::jiff::Timestamp::now()).status,
            phase: st.and_then(|s| s.phase.clone()).unwrap_or_default(),
            detail,
            containers,
            ports: spec
                .into_iter()
                .flat_map(|s| s.containers.iter())
                .flat_map(|c| c.ports.iter().flatten().map(|p| p.container_port))
                .collect(),
            labels: p.metadata.labels.iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}

/// One watched set of names.
#[derive(Debug, Default)]
struct Entry<T> {
    items: BTreeMap<String, T>,
    /// The first full list has arrived.
    ready: bool,
    /// Why the watch cannot list (e.g. RBAC), if it cannot.
    error: Option<String>,
    /// Pending items of a re-list, swapped in when it completes.
    relist: Option<BTreeMap<String, T>>,
    /// How far the first list has got: items so far and, once the server says, the total.
    progress: Option<(usize, Option<usize>)>,
}

type Key = (String, Option<String>);

/// A phase change of a pod the session watches, for lifecycle notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub context: String,
    pub namespace: String,
    pub pod: String,
    pub from: String,
    pub to: String,
}

#[derive(Default)]
struct State {
    pods: HashMap<Key, Entry<PodInfo>>,
    namespaces: HashMap<String, Entry<()>>,
    changes: Vec<Change>,
    reported: BTreeSet<String>,
    /// What to say after a read that found its pods still being listed.
    cold: Option<String>,
}

/// A cheap, shareable handle; clones see the same cache.
#[derive(Clone, Default)]
pub struct Cache {
    state: Arc<(Mutex<State>, Condvar)>,
}

/// Items per list page, as kubectl's chunking and client-go's reflector ask.
const PAGE: u32 = 500;

/// `12345` as `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Pause before a failed watch is replaced by a fresh list-and-watch.
const RESYNC_PAUSE: Duration = Duration::from_millis(500);

/// How long a Tab may wait for a cold cache's first list.
pub const COLD_WAIT: Duration = Duration::from_millis(300);

/// A list page decoded straight into completion records: each pod is read, summarised
/// and dropped before the next, so a page never holds 500 whole `Pod` values (~2.5 KB
/// each inline, grown by doubling: the copying and page faults the profile showed).
#[derive(serde::Deserialize)]
struct PodPage {
    #[serde(default, deserialize_with = "summaries")]
    items: Vec<(String, PodInfo)>,
}

fn summaries<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(String, PodInfo)>, D::Error> {
    struct Items;
    impl<'de> serde::de::Visitor<'de> for Items {
        type Value = Vec<(String, PodInfo)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of pods")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(PAGE as usize));
            while let Some(p) = seq.next_element::<LitePod>()? {
                out.push((p.0.metadata.name.clone().unwrap_or_default(), PodInfo::of(&p.0)));
            }
            Ok(out)
        }
    }
    d.deserialize_any(Items)
}

/// A pod's key in its entry: `namespace/name` in a namespace's entry, `name/namespace`
/// in the all-namespaces one, so a Tab's prefix is a range scan in both (names cannot
/// contain `/`).
fn pod_key(all: bool, p: &Pod) -> String {
    let m = &p.metadata;
    key_of(all, m.namespace.as_deref().unwrap_or_default(), m.name.as_deref().unwrap_or_default())
}

fn key_of(all: bool, ns: &str, name: &str) -> String {
    if all { format!("{name}/{ns}") } else { format!("{ns}/{name}") }
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers interest in pods of (context, namespace); true if nobody had yet.
    pub fn claim_pods(&self, context: &str, namespace: Option<&str>) -> bool {
        let mut s = self.lock();
        let key: Key = (context.to_string(), namespace.map(str::to_string));
        if s.pods.contains_key(&key) {
            return false;
        }
        s.pods.insert(key, Entry::default());
        true
    }

    /// Registers interest in the namespaces of `context`; true if nobody had yet.
    pub fn claim_namespaces(&self, context: &str) -> bool {
        let mut s = self.lock();
        if s.namespaces.contains_key(context) {
            return false;
        }
        s.namespaces.insert(context.to_string(), Entry::default());
        true
    }

    /// Feeds a claimed pod entry forever: a paged list decoded straight into completion
    /// records (never whole `Pod` values), then a watch from the list's version, resumed
    /// after a normal end and replaced by a fresh list after 410 Gone or any error (a
    /// restarted or restored API server can refuse old versions in ways a resumed watch
    /// never recovers from).
    pub async fn run_pod_watch(&self, cluster: Cluster, context: String, namespace: Option<String>) {
        let key: Key = (context, namespace);
        loop {
            if let Err(e) = self.follow_pods(&cluster, &key).await {
                self.apply_pod_event(&key, Err(e.to_string()));
            }
            tokio::time::sleep(RESYNC_PAUSE).await;
        }
    }

    async fn follow_pods(&self, cluster: &Cluster, key: &Key) -> crate::error::Result<()> {
        let ns = key.1.as_deref();
        // Gathered as a vector and built into the map at the end: a map built from sorted
        // items packs its nodes full, one grown by inserts leaves them half empty (~200
        // bytes a pod at 10,000 pods).
        let mut listed = Vec::new();
        // Each page's next is asked for as soon as its `continue` token is read, while
        // the page itself is decoded on a blocking thread: the server's time and ours
        // overlap instead of adding up, page after page.
        let fetch = |cont: Option<String>| cluster.list_page_bytes(Resource::Pods, ns, PAGE, cont);
        let mut body = fetch(None).await?;
        let version = loop {
            let head = list_head(&body)?;
            let next = head.continue_.clone().filter(|c| !c.is_empty());
            let following = async {
                match next {
                    Some(c) => Some(fetch(Some(c)).await),
                    None => None,
                }
            };
            let decoding = tokio::task::spawn_blocking(move || serde_json::from_slice::<PodPage>(&body));
            let (following, page) = tokio::join!(following, decoding);
            let page = page
                .map_err(|e| crate::error::Error::msg(format!("listing pods stopped: {e}")))?
                .map_err(|e| crate::error::Error::msg(format!("unexpected answer from the server: {e}")))?;
            for (name, info) in page.items {
                listed.push((key_of(ns.is_none(), &info.namespace, &name), info));
            }
            let left = head.remaining_item_count.and_then(|n| usize::try_from(n).ok());
            self.pod_progress(key, listed.len(), left.map(|n| n + listed.len()));
            match following {
                Some(fetched) => body = fetched?,
                None => break head.resource_version.unwrap_or_default(),
            }
        };
        self.pod_listed(key, BTreeMap::from_iter(listed));
        crate::memory::trim();
        let mut from = version;
        loop {
            let wp = kube::core::params::WatchParams { bookmarks: true, ..kube::core::params::WatchParams::default() };
            let mut events = cluster.watch::<LitePod>(Resource::Pods, ns, &wp, &from).await?;
            while let Some(ev) = events.next().await {
                let ev = match ev {
                    Ok(ev) => ev,
                    // Expired: list again, quietly (this is routine, not a problem).
                    Err(crate::error::Error::Api { status, .. }) if status.code == 410 => return Ok(()),
                    // Cut mid-stream: watch again from the last version seen.
                    Err(e) if e.is_cut_short() => break,
                    Err(e) => return Err(e),
                };
                if let Some(rv) = ev.object().and_then(|p| p.0.metadata.resource_version.as_ref()) {
                    from.clone_from(rv);
                }
                self.apply_pod_event(key, Ok(ev));
            }
        }
    }

    /// Records how far a first list has got, for the "listing N pods" hint.
    fn pod_progress(&self, key: &Key, listed: usize, total: Option<usize>) {
        if let Some(e) = self.lock().pods.get_mut(key) {
            e.progress = Some((listed, total));
        }
    }

    /// Swaps in a completed list.
    fn pod_listed(&self, key: &Key, items: BTreeMap<String, PodInfo>) {
        let mut s = self.lock();
        if let Some(e) = s.pods.get_mut(key) {
            e.items = items;
            e.relist = None;
            e.ready = true;
            e.error = None;
            e.progress = None;
        }
        drop(s);
        self.state.1.notify_all();
    }

    /// After a read of (context, namespace) pods: if their first list is still under way,
    /// remembers what a Tab should say (`listing 10,000 pods… (2,500 so far)`).
    pub fn note_if_cold(&self, context: &str, namespace: Option<&str>) {
        let mut s = self.lock();
        let Some(e) = s.pods.get(&(context.to_string(), namespace.map(str::to_string))) else { return };
        if e.ready {
            return;
        }
        s.cold = Some(match e.progress {
            Some((listed, Some(total))) => format!("listing {} pods… ({} so far)", thousands(total), thousands(listed)),
            _ => "listing pods…".to_string(),
        });
    }

    /// What `note_if_cold` remembered, once.
    pub fn take_cold(&self) -> Option<String> {
        self.lock().cold.take()
    }

    /// Feeds a claimed namespace entry from watches, forever (see `run_pod_watch`).
    pub async fn run_namespace_watch(&self, cluster: Cluster, context: String) {
        loop {
            let mut events = cluster.follow_namespaces().boxed();
            while let Some(ev) = events.next().await {
                let failed = ev.is_err();
                self.apply_namespace_event(&context, ev);
                if failed {
                    break;
                }
            }
            tokio::time::sleep(RESYNC_PAUSE).await;
        }
    }

    fn apply_namespace_event(
        &self,
        context: &str,
        ev: Result<Event<k8s_openapi::api::core::v1::Namespace>, kube::runtime::watcher::Error>,
    ) {
        let mut s = self.lock();
        let Some(e) = s.namespaces.get_mut(context) else { return };
        match ev {
            Ok(Event::Init) => e.relist = Some(BTreeMap::new()),
            Ok(Event::InitApply(n)) => {
                if let Some(r) = e.relist.as_mut() {
                    r.insert(n.metadata.name.unwrap_or_default(), ());
                }
            }
            Ok(Event::InitDone) => {
                e.items = e.relist.take().unwrap_or_default();
                e.ready = true;
                e.error = None;
            }
            Ok(Event::Apply(n)) => {
                e.items.insert(n.metadata.name.unwrap_or_default(), ());
            }
            Ok(Event::Delete(n)) => {
                e.items.remove(&n.metadata.name.unwrap_or_default());
            }
            Err(err) => {
                e.error = Some(err.to_string());
                e.ready = true;
            }
        }
        drop(s);
        self.state.1.notify_all();
    }

    /// Records a failure to start a watch (e.g. the context cannot connect).
    pub fn fail(&self, context: &str, namespace: Option<Option<&str>>, why: String) {
        let mut s = self.lock();
        match namespace {
            Some(ns) => {
                if let Some(e) = s.pods.get_mut(&(context.to_string(), ns.map(str::to_string))) {
                    e.error = Some(why);
                    e.ready = true;
                }
            }
            None => {
                if let Some(e) = s.namespaces.get_mut(context) {
                    e.error = Some(why);
                    e.ready = true;
                }
            }
        }
        drop(s);
        self.state.1.notify_all();
    }

    /// One change from the pod watch (the list itself arrives through `pod_listed`).
    fn apply_pod_event(&self, key: &Key, ev: Result<Watched<LitePod>, String>) {
        let mut s = self.lock();
        let mut changes = Vec::new();
        let Some(e) = s.pods.get_mut(key) else { return };
        match ev {
            Ok(Watched::Bookmark) => {}
            Ok(Watched::Added(LitePod(p)) | Watched::Modified(LitePod(p))) => {
                let info = PodInfo::of(&p);
                let k = pod_key(key.1.is_none(), &p);
                let before = e.items.get(&k).map(|old| old.phase.clone());
                if let Some(from) = before.filter(|b| *b != info.phase && !info.phase.is_empty()) {
                    let name = p.metadata.name.clone().unwrap_or_default();
                    let to = match &info.detail {
                        Some(d) if info.phase == "Failed" => format!("{} ({d})", info.phase),
                        _ => info.phase.clone(),
                    };
                    changes.push(Change {
                        context: key.0.clone(),
                        namespace: info.namespace.clone(),
                        pod: name,
                        from,
                        to,
                    });
                }
                e.items.insert(k, info);
            }
            Ok(Watched::Deleted(LitePod(p))) => {
                e.items.remove(&pod_key(key.1.is_none(), &p));
            }
            Err(err) => {
                e.error = Some(err);
                e.ready = true;
            }
        }
        s.changes.extend(changes);
        drop(s);
        self.state.1.notify_all();
    }

    /// Waits (at most until `limit` passes) while `pending` holds for the state.
    fn wait_while(&self, limit: Duration, pending: impl Fn(&State) -> bool) -> std::sync::MutexGuard<'_, State> {
        let deadline = Instant::now() + limit;
        let mut s = self.lock();
        while pending(&s) {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            s = match self.state.1.wait_timeout(s, deadline - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        s
    }

    /// Waits up to `limit` for the first list of pods of (context, namespace).
    pub fn wait_pods(&self, context: &str, namespace: Option<&str>, limit: Duration) {
        let key: Key = (context.to_string(), namespace.map(str::to_string));
        drop(self.wait_while(limit, |s| s.pods.get(&key).is_some_and(|e| !e.ready)));
    }

    pub fn wait_namespaces(&self, context: &str, limit: Duration) {
        drop(self.wait_while(limit, |s| s.namespaces.get(context).is_some_and(|e| !e.ready)));
    }

    /// `(name, STATUS)` of cached pods whose name starts with `prefix`, by name; a range
    /// scan under the lock, so a Tab costs O(log n + matches).
    pub fn pod_names(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<(String, String)> {
        let s = self.lock();
        let Some(e) = s.pods.get(&(context.to_string(), namespace.map(str::to_string))) else { return Vec::new() };
        let (start, name_of): (String, fn(&str) -> &str) = match namespace {
            Some(ns) => (format!("{ns}/{prefix}"), |k| k.rsplit('/').next().unwrap_or(k)),
            None => (prefix.to_string(), |k| k.split('/').next().unwrap_or(k)),
        };
        let mut out: Vec<(String, String)> = e
            .items
            .range(start.clone()..)
            .take_while(|(k, _)| k.starts_with(&start))
            .map(|(k, v)| (name_of(k).to_string(), v.status.clone()))
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// How many pods of (context, namespace) the cache holds.
    pub fn pod_count(&self, context: &str, namespace: Option<&str>) -> usize {
        self.lock().pods.get(&(context.to_string(), namespace.map(str::to_string))).map_or(0, |e| e.items.len())
    }

    /// What the cache holds about one pod, read by `f` under the lock.
    fn with_pod<R: Default>(&self, context: &str, namespace: Option<&str>, pod: &str, f: impl Fn(&PodInfo) -> R) -> R {
        let s = self.lock();
        let Some(e) = s.pods.get(&(context.to_string(), namespace.map(str::to_string))) else { return R::default() };
        let found = match namespace {
            Some(ns) => e.items.get(&format!("{ns}/{pod}")),
            None => {
                let start = format!("{pod}/");
                e.items.range(start.clone()..).next().filter(|(k, _)| k.starts_with(&start)).map(|(_, v)| v)
            }
        };
        found.map(f).unwrap_or_default()
    }

    /// Container names of one cached pod.
    pub fn containers(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<String> {
        self.with_pod(context, namespace, pod, |p| p.containers.clone())
    }

    /// Declared container ports of one cached pod.
    pub fn ports(&self, context: &str, namespace: Option<&str>, pod: &str) -> Vec<i32> {
        self.with_pod(context, namespace, pod, |p| p.ports.clone())
    }

    /// `key=value` label pairs on cached pods that start with `prefix`.
    pub fn label_pairs(&self, context: &str, namespace: Option<&str>, prefix: &str) -> Vec<String> {
        let s = self.lock();
        let Some(e) = s.pods.get(&(context.to_string(), namespace.map(str::to_string))) else { return Vec::new() };
        let mut set = BTreeSet::new();
        for v in e.items.values() {
            for (k, val) in &v.labels {
                if k.starts_with(prefix) || prefix.starts_with(k.as_str()) {
                    let pair = format!("{k}={val}");
                    if pair.starts_with(prefix) {
                        set.insert(pair);
                    }
                }
            }
        }
        set.into_iter().collect()
    }

    pub fn namespaces(&self, context: &str) -> Vec<String> {
        self.lock().namespaces.get(context).map(|e| e.items.keys().cloned().collect()).unwrap_or_default()
    }

    /// A problem to mention once (e.g. no permission to list), then never again.
    pub fn take_new_problem(&self) -> Option<String> {
        let mut s = self.lock();
        let mut found = None;
        for ((ctx, ns), e) in &s.pods {
            if let Some(err) = &e.error {
                let what = format!("pods in {}", ns.as_deref().unwrap_or("all namespaces"));
                found =
                    Some((format!("{ctx}/{what}"), format!("completion cannot list {what} of context {ctx:?}: {err}")));
                break;
            }
        }
        if found.is_none() {
            for (ctx, e) in &s.namespaces {
                if let Some(err) = &e.error {
                    found = Some((
                        format!("{ctx}/namespaces"),
                        format!("completion cannot list the namespaces of context {ctx:?}: {err}"),
                    ));
                    break;
                }
            }
        }
        let (id, msg) = found?;
        if s.reported.insert(id) { Some(msg) } else { None }
    }

    /// Waits up to `limit` for phase changes, then takes them.
    pub fn wait_changes(&self, limit: Duration) -> Vec<Change> {
        let mut s = self.wait_while(limit, |s| s.changes.is_empty());
        std::mem::take(&mut s.changes)
    }

    /// Approximate bytes held, for the memory benchmark.
    pub fn approx_bytes(&self) -> usize {
        let s = self.lock();
        s.pods
            .values()
            .flat_map(|e| e.items.iter())
            .map(|(k, v)| {
                k.len()
                    + v.namespace.len()
                    + v.status.len()
                    + v.containers.iter().map(String::len).sum::<usize>()
                    + v.labels.iter().map(|(a, b)| a.len() + b.len()).sum::<usize>()
                    + 128
            })
            .sum()
    }

    /// Fills the cache directly (benchmarks and unit tests of the completer).
    pub fn insert_pods(
        &self,
        context: &str,
        namespace: Option<&str>,
        pods: impl IntoIterator<Item = (String, PodInfo)>,
    ) {
        let mut s = self.lock();
        let e = s.pods.entry((context.to_string(), namespace.map(str::to_string))).or_default();
        for (name, info) in pods {
            e.items.insert(key_of(namespace.is_none(), &info.namespace, &name), info);
        }
        e.ready = true;
    }

    pub fn insert_namespaces(&self, context: &str, names: &[&str]) {
        let mut s = self.lock();
        let e = s.namespaces.entry(context.to_string()).or_default();
        for n in names {
            e.items.insert(n.to_string(), ());
        }
        e.ready = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(ns: &str, status: &str, container: &str) -> PodInfo {
        PodInfo {
            namespace: ns.into(),
            status: status.into(),
            containers: vec![container.into()],
            labels: vec![("app".into(), ns.into())],
            ..PodInfo::default()
        }
    }

    #[test]
    fn all_namespaces_pods_are_found_by_name_prefix() {
        let cache = Cache::default();
        let pods =
            [("web-1", "a", "Running"), ("web-2", "b", "Pending"), ("db", "a", "Running"), ("web-1", "c", "Failed")];
        cache.insert_pods(
            "ctx",
            None,
            pods.iter().map(|(n, ns, st)| (n.to_string(), info(ns, st, &format!("{ns}-c")))),
        );
        // One candidate per name, however many namespaces have it.
        let names: Vec<String> = cache.pod_names("ctx", None, "web").into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["web-1", "web-2"]);
        assert_eq!(cache.pod_names("ctx", None, "web-2"), [("web-2".to_string(), "Pending".to_string())]);
        assert_eq!(cache.pod_names("ctx", None, "d"), [("db".to_string(), "Running".to_string())]);
        assert!(cache.pod_names("ctx", None, "x").is_empty());
        assert_eq!(cache.pod_names("ctx", None, "").len(), 3);
        assert_eq!(cache.containers("ctx", None, "web-2"), ["b-c"]);
        assert!(cache.containers("ctx", None, "web").is_empty(), "a prefix is not a pod");
        assert_eq!(cache.pod_count("ctx", None), 4);
        assert_eq!(cache.label_pairs("ctx", None, "app=b"), ["app=b"]);
    }

    #[test]
    fn a_namespace_entry_keeps_to_its_namespace() {
        let cache = Cache::default();
        cache.insert_pods("ctx", Some("a"), [("web-1".to_string(), info("a", "Running", "c"))]);
        assert_eq!(cache.pod_names("ctx", Some("a"), "we"), [("web-1".to_string(), "Running".to_string())]);
        assert!(cache.pod_names("ctx", Some("b"), "we").is_empty());
        assert_eq!(cache.containers("ctx", Some("a"), "web-1"), ["c"]);
    }

    #[test]
    fn a_cold_read_leaves_one_note_with_the_progress() {
        let cache = Cache::default();
        assert!(cache.claim_pods("ctx", Some("a")));
        assert!(!cache.claim_pods("ctx", Some("a")));
        cache.note_if_cold("ctx", Some("a"));
        assert_eq!(cache.take_cold().as_deref(), Some("listing pods…"));
        assert_eq!(cache.take_cold(), None);
        cache.pod_progress(&("ctx".into(), Some("a".into())), 2_500, Some(150_000));
        cache.note_if_cold("ctx", Some("a"));
        assert_eq!(cache.take_cold().as_deref(), Some("listing 150,000 pods… (2,500 so far)"));
        cache.pod_listed(&("ctx".into(), Some("a".into())), BTreeMap::new());
        cache.note_if_cold("ctx", Some("a"));
        assert_eq!(cache.take_cold(), None, "a listed entry is not cold");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }
}
