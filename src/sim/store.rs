//! The simulator's state: typed objects per kind, the global resourceVersion counter
//! (an etcd revision stand-in), the bounded watch history, and the live event fan-out.
//! Every write goes through `create`/`update`/`remove`, so every change is watchable.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Node, Pod, Secret, Service, ServiceAccount};
use rand::Rng;
use tokio::sync::broadcast;
use tokio::time::Instant;

use super::kinds::{Kind, Res};
use super::objects::{Objects, Stored};
use super::runtime::PodRuntime;
use super::status::ApiError;

pub use super::objects::{Key, Selectable};

/// A change type on the watch wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

impl Change {
    pub fn wire(self) -> &'static str {
        match self {
            Change::Added => "ADDED",
            Change::Modified => "MODIFIED",
            Change::Deleted => "DELETED",
        }
    }
}

/// One recorded change. Objects are held as their JSON encoding, made once when the
/// change happens and shared by the history, every watcher and every list (a value tree
/// per revision cost ~15 KB a pod revision; the encoding is ~2.5 KB and shared).
#[derive(Debug)]
pub struct WatchEvent {
    pub rv: u64,
    pub res: Res,
    pub change: Change,
    pub namespace: String,
    pub name: String,
    pub object: Bytes,
    pub now: Arc<Selectable>,
    pub prev: Option<Arc<Selectable>>,
    /// The object before a MODIFIED or DELETED change, so a list can be served as of an
    /// earlier revision (continue tokens, `resourceVersionMatch=Exact`): the previous
    /// revision's encoding, shared, not a copy.
    pub before: Option<Bytes>,
}

impl WatchEvent {
    /// The revision the change stored (its encoding and what is kept beside it).
    pub fn stored(&self) -> Stored {
        Stored { bytes: self.object.clone(), sel: self.now.clone() }
    }
}

/// A fresh store starts its revisions at the clock (in microseconds), so a restarted
/// simulator never reuses the revision space of an earlier one: a client resuming an old
/// watch gets 410 Gone and re-lists, as after an etcd restore.
fn first_revision() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_micros() as u64)
}

/// What the cluster holds: every object, the kubelet's view of each pod, and the
/// revision counter. A snapshot is a copy of exactly this.
#[derive(Clone)]
pub struct State {
    rv: u64,
    pub pods: Objects<Pod>,
    pub namespaces: Objects<Namespace>,
    pub events: Objects<Event>,
    pub nodes: Objects<Node>,
    pub configmaps: Objects<ConfigMap>,
    pub secrets: Objects<Secret>,
    pub serviceaccounts: Objects<ServiceAccount>,
    pub services: Objects<Service>,
    /// Kubelet-side state of each pod that the lifecycle engine drives.
    pub runtime: HashMap<Key, PodRuntime>,
    /// When the lifecycle engine must look at a pod again.
    pub timers: BTreeSet<(Instant, Key)>,
    /// Events by what makes them the same (object, reason, message), for aggregation.
    pub event_index: HashMap<String, Key>,
    /// Pod IPs handed out so far.
    pub ips_assigned: u64,
    /// Where the scheduler's next pass over the nodes starts (it resumes after the last
    /// node it looked at, as kube-scheduler's `nextStartNodeIndex` does).
    pub next_start_node: usize,
    /// While set, changes are neither encoded nor recorded (a bulk start-up fill; see
    /// `Store::quietly`).
    quiet: bool,
}

/// The whole simulated cluster state, behind one lock: the `State` (reached through
/// `Deref`, so `store.pods` reads as before) and the watch history over it.
pub struct Store {
    state: State,
    history: VecDeque<Arc<WatchEvent>>,
    history_cap: usize,
    /// The newest revision no longer in the history (etcd's compaction point).
    compacted: u64,
    tx: broadcast::Sender<Arc<WatchEvent>>,
}

impl std::ops::Deref for Store {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl std::ops::DerefMut for Store {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

/// A copy of the whole cluster state, to return to later (see `Store::restore`).
#[derive(Clone)]
pub struct Snapshot(State);

impl Store {
    /// The state as it is now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.state.clone())
    }

    /// Goes back to `s`, revisions included. The watch history is dropped, so a client
    /// resuming a watch re-lists (410 Gone), as after an etcd restore.
    pub fn restore(&mut self, s: &Snapshot) {
        self.state = s.0.clone();
        self.history.clear();
        self.compacted = self.state.rv;
    }

    pub fn new(history_cap: usize) -> Self {
        let (tx, _) = broadcast::channel(65_536);
        Self {
            state: State {
                rv: first_revision(),
                pods: Objects::default(),
                namespaces: Objects::default(),
                events: Objects::default(),
                nodes: Objects::default(),
                configmaps: Objects::default(),
                secrets: Objects::default(),
                serviceaccounts: Objects::default(),
                services: Objects::default(),
                runtime: HashMap::new(),
                timers: BTreeSet::new(),
                event_index: std::collections::HashMap::new(),
                ips_assigned: 0,
                next_start_node: 0,
                quiet: false,
            },
            history: VecDeque::new(),
            history_cap,
            compacted: 0,
            tx,
        }
    }

    /// The latest revision, what a list reports as its resourceVersion.
    pub fn revision(&self) -> u64 {
        self.rv
    }

    /// The next revision, written into `obj` as its resourceVersion.
    fn stamp<K: Kind>(&mut self, obj: &mut K) -> u64 {
        self.rv += 1;
        obj.metadata_mut().resource_version = Some(self.rv.to_string());
        self.rv
    }

    /// The object of kind `K` at `key`, decoded.
    pub fn get<K: Kind>(&self, key: &Key) -> Option<K> {
        K::map(self).get(key)
    }

    /// Stores a new object with a fresh resourceVersion and announces ADDED.
    pub fn create<K: Kind>(&mut self, mut obj: K) -> K {
        let rv = self.stamp(&mut obj);
        self.put(rv, Change::Added, key_of(&obj), &obj);
        obj
    }

    /// Creates an object the cluster makes itself (no request): it gets the UID and
    /// creation time a write would give it. A quiet fill keeps it without a copy.
    pub fn create_fresh<K: Kind>(&mut self, mut obj: K) {
        let m = obj.metadata_mut();
        m.uid = Some(new_uid());
        m.creation_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now_secs()));
        if self.state.quiet {
            self.stamp(&mut obj);
            K::map_mut(self).put_typed(key_of(&obj), obj);
        } else {
            self.create(obj);
        }
    }

    /// Replaces an object with a fresh resourceVersion and announces MODIFIED.
    pub fn update<K: Kind>(&mut self, mut obj: K) -> K {
        let rv = self.stamp(&mut obj);
        self.put(rv, Change::Modified, key_of(&obj), &obj);
        obj
    }

    /// Changes the object at `key` with `change` and stores it as `update` does; a quiet
    /// fill changes its typed object in place instead of copying it.
    pub fn modify<K: Kind>(&mut self, key: &Key, change: impl FnOnce(&mut K)) {
        if self.state.quiet {
            self.rv += 1;
            let rv = self.rv.to_string();
            if let Some(obj) = K::map_mut(self).typed_mut(key) {
                change(obj);
                obj.metadata_mut().resource_version = Some(rv);
                return;
            }
        }
        if let Some(mut obj) = K::map(self).get(key) {
            change(&mut obj);
            self.update(obj);
        }
    }

    /// Removes an object and announces DELETED with its final state.
    pub fn remove<K: Kind>(&mut self, key: &Key) -> Option<K> {
        let mut obj = K::map(self).get(key)?;
        let rv = self.stamp(&mut obj);
        self.put(rv, Change::Deleted, key.clone(), &obj);
        Some(obj)
    }

    /// The JSON encoding of the stored object of kind `K` at `key`.
    pub fn encoded<K: Kind>(&self, key: &Key) -> Option<Bytes> {
        K::map(self).encoded(key)
    }

    /// Runs a bulk fill without encoding or recording each step, then encodes every
    /// object once and starts the history after it, as if etcd had compacted since: a
    /// watch from a revision inside the fill gets 410 Gone and re-lists.
    pub fn quietly<T>(&mut self, fill: impl FnOnce(&mut Store) -> T) -> T {
        self.state.quiet = true;
        let out = fill(self);
        self.state.quiet = false;
        let s = &mut self.state;
        s.pods.settle();
        s.namespaces.settle();
        s.events.settle();
        s.nodes.settle();
        s.configmaps.settle();
        s.secrets.settle();
        s.serviceaccounts.settle();
        s.services.settle();
        self.history.clear();
        self.compacted = self.state.rv;
        out
    }

    /// Installs the encoding of a typed object a quiet fill left, made elsewhere, if the
    /// object is still the one encoded (see `Objects::settled`).
    pub fn settled<K: Kind>(&mut self, key: &Key, obj: &Arc<K>, stored: Stored) {
        K::map_mut(self).settled(key, obj, stored);
    }

    /// Whether changes are being made quietly (a bulk fill: no events are recorded).
    pub fn is_quiet(&self) -> bool {
        self.state.quiet
    }

    /// Stores the change and records it for watchers; the revision it replaces becomes
    /// the event's `before` (shared, not copied).
    fn put<K: Kind>(&mut self, rv: u64, change: Change, key: Key, obj: &K) {
        if self.state.quiet {
            match change {
                Change::Deleted => drop(K::map_mut(self).take(&key)),
                _ => K::map_mut(self).put_typed(key, obj.clone()),
            }
            return;
        }
        let stored = Stored::of(obj);
        let replaced = match change {
            Change::Deleted => K::map_mut(self).take(&key),
            _ => K::map_mut(self).put(key.clone(), stored.clone(), obj),
        };
        let (prev, before) = match (change, replaced) {
            (Change::Added, _) | (_, None) => (None, None),
            (Change::Modified, Some(r)) => (Some(r.sel), Some(r.bytes)),
            (Change::Deleted, Some(r)) => (None, Some(r.bytes)),
        };
        let (namespace, name) = key;
        let ev = Arc::new(WatchEvent {
            rv,
            res: K::RES,
            change,
            namespace,
            name,
            object: stored.bytes,
            now: stored.sel,
            prev,
            before,
        });
        if self.history.len() >= self.history_cap
            && let Some(dropped) = self.history.pop_front()
        {
            self.compacted = dropped.rv;
        }
        self.history.push_back(ev.clone());
        // No receivers is normal (nobody is watching).
        let _ = self.tx.send(ev);
    }

    /// Events after `rv` still in history, and a receiver for what comes next; or 410 Gone
    /// when `rv` is older than the history reaches.
    #[allow(clippy::type_complexity)]
    pub fn watch_from(
        &self,
        rv: u64,
    ) -> Result<(Vec<Arc<WatchEvent>>, broadcast::Receiver<Arc<WatchEvent>>), ApiError> {
        if rv > self.rv {
            return Err(ApiError::too_large_version(rv, self.rv));
        }
        let oldest = self.history.front().map_or(self.rv + 1, |e| e.rv);
        if rv + 1 < oldest && rv < self.rv {
            return Err(ApiError::gone(format!("too old resource version: {rv} ({})", oldest - 1)));
        }
        let replay = self.history.iter().filter(|e| e.rv > rv).cloned().collect();
        Ok((replay, self.tx.subscribe()))
    }

    /// How the objects of kind `K` that changed after `rv` looked at `rv` (`None`: absent
    /// then); the rest are as they are now. `None` once `rv` is compacted away.
    pub fn changed_since<K: Kind>(&self, rv: u64) -> Option<BTreeMap<Key, Option<Bytes>>> {
        if rv < self.compacted {
            return None;
        }
        let mut then = BTreeMap::new();
        for ev in self.history.iter().filter(|e| e.rv > rv && e.res == K::RES) {
            let key = (ev.namespace.clone(), ev.name.clone());
            then.entry(key).or_insert_with(|| match ev.change {
                Change::Added => None,
                Change::Modified | Change::Deleted => ev.before.clone(),
            });
        }
        Some(then)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.tx.subscribe()
    }

    /// Removes a terminating namespace once no pod is left in it, with its events.
    pub fn finalize_namespace(&mut self, ns: &str) {
        let key = (String::new(), ns.to_string());
        let terminating = self.namespaces.get(&key).is_some_and(|n| n.metadata.deletion_timestamp.is_some());
        if !terminating || self.pods.keys_in(ns).next().is_some() {
            return;
        }
        self.remove_all_in::<Event>(ns);
        self.remove_all_in::<ConfigMap>(ns);
        self.remove_all_in::<Secret>(ns);
        self.remove_all_in::<ServiceAccount>(ns);
        self.remove_all_in::<Service>(ns);
        self.remove::<Namespace>(&key);
    }

    fn remove_all_in<K: Kind>(&mut self, ns: &str) {
        let keys: Vec<Key> = K::map(self).keys_in(ns).cloned().collect();
        for k in keys {
            self.remove::<K>(&k);
        }
    }

    /// Whether the namespace exists (`None`) or why writes into it must fail.
    pub fn namespace_writable(&self, ns: &str, resource: &str, name: &str) -> Result<(), ApiError> {
        match self.namespaces.get(&(String::new(), ns.to_string())) {
            None => Err(ApiError::not_found("namespaces", ns)),
            Some(n) if n.metadata.deletion_timestamp.is_some() => Err(ApiError::forbidden(
                resource,
                name,
                &format!("unable to create new content in namespace {ns} because it is being terminated"),
            )),
            Some(_) => Ok(()),
        }
    }
}

/// The store key of an object.
pub fn key_of<K: Kind>(obj: &K) -> Key {
    let m = obj.metadata();
    (m.namespace.clone().unwrap_or_default(), m.name.clone().unwrap_or_default())
}

/// A random RFC 4122 version-4 UID, as the API server assigns.
pub fn new_uid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(x >> 4)] as char);
        out.push(HEX[usize::from(x & 0xf)] as char);
    }
    out
}

/// A random suffix from the alphabet `generateName` uses (no vowels, no confusable digits).
pub fn random_suffix(n: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..n).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// Now, truncated to whole seconds as `metav1.Time` serializes.
pub fn now_secs() -> k8s_openapi::jiff::Timestamp {
    let now = k8s_openapi::jiff::Timestamp::now();
    k8s_openapi::jiff::Timestamp::from_second(now.as_second()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_version_4_in_the_canonical_form() {
        let a = new_uid();
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{a}");
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)), "{a}");
        assert_eq!(a.as_bytes()[14], b'4', "{a}");
        assert!(b"89ab".contains(&a.as_bytes()[19]), "{a}");
        assert_ne!(a, new_uid());
    }
}
