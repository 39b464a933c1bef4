//! The store's objects of one kind, each held as its JSON encoding (what lists and
//! watches send as is) beside what selectors read; decoded only when the engine or a
//! write needs the typed object. A typed k8s-openapi Pod costs ~14 KB of heap (a
//! `Volume` alone is kilobytes of inline optional sources); its encoding is ~2.5 KB.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::RangeBounds;
use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::packed::{Fields, Labels};
use super::row::Printed;

/// `(namespace, name)`; the namespace is empty for cluster-scoped kinds.
pub type Key = (String, String);

/// What selectors look at, captured when the change happened; shared by the stored
/// revision, its watch events and the lists that send it, which is why the revision's
/// Table row is kept here too, once a Table has printed it.
#[derive(Debug, Clone, Default)]
pub struct Selectable {
    pub labels: Labels,
    pub fields: Fields,
    pub row: Printed,
}

/// What the store needs of a kind (every `Kind` is one, see `kinds`): it encodes and
/// decodes, says what selectors read, and whether its typed object is kept too.
pub trait Stores: Clone + Serialize + DeserializeOwned {
    /// Kinds the engine reads on every scheduling pass (nodes) keep the typed object
    /// beside the encoding: 5,000 nodes decoded per pending pod would be 50 ms.
    const KEEP_TYPED: bool = false;
    fn selectable(&self) -> Selectable;
}

/// One stored revision: the encoding and its selectable fields, shared with the watch
/// history and every list that sends it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub bytes: Bytes,
    pub sel: Arc<Selectable>,
}

impl Stored {
    pub fn of<K: Stores>(obj: &K) -> Self {
        Self { bytes: encode(obj), sel: Arc::new(obj.selectable()) }
    }
}

/// An object's JSON encoding, allocated to its exact length (objects of these types
/// always serialize).
pub fn encode<K: Serialize>(obj: &K) -> Bytes {
    Bytes::from(serde_json::to_vec(obj).unwrap_or_default().into_boxed_slice())
}

#[derive(Debug, Clone)]
enum Slot<K> {
    Encoded(Stored),
    /// Written during a quiet bulk fill, encoded once when it ends (see `Store::quietly`).
    /// Shared, so the engine reads it without copying a pod.
    Typed(Arc<K>),
    /// Both, for `Stores::KEEP_TYPED` kinds.
    Both(Stored, Arc<K>),
}

/// Objects of kind `K` by `(namespace, name)`, in key order.
#[derive(Debug, Clone)]
pub struct Objects<K> {
    map: BTreeMap<Key, Slot<K>>,
    /// How many objects each namespace holds: a first list page says how many items
    /// remain without walking the namespace.
    per_namespace: HashMap<String, usize>,
}

impl<K> Default for Objects<K> {
    fn default() -> Self {
        Self { map: BTreeMap::new(), per_namespace: HashMap::new() }
    }
}

impl<K: Stores> Objects<K> {
    /// The object at `key`, decoded.
    pub fn get(&self, key: &Key) -> Option<K> {
        match self.map.get(key)? {
            Slot::Encoded(s) => serde_json::from_slice(&s.bytes).ok(),
            Slot::Typed(o) | Slot::Both(_, o) => Some(o.as_ref().clone()),
        }
    }

    /// The object at `key` to read: the kept typed object where there is one (no copy),
    /// else decoded.
    pub fn shared(&self, key: &Key) -> Option<Arc<K>> {
        match self.map.get(key)? {
            Slot::Encoded(s) => serde_json::from_slice(&s.bytes).ok().map(Arc::new),
            Slot::Typed(o) | Slot::Both(_, o) => Some(o.clone()),
        }
    }

    /// The typed object a quiet fill left, shared (to encode elsewhere).
    pub(super) fn typed_shared(&self, key: &Key) -> Option<Arc<K>> {
        match self.map.get(key)? {
            Slot::Typed(o) => Some(o.clone()),
            _ => None,
        }
    }

    /// Installs `stored`, the encoding of `obj`, if the slot still holds exactly `obj`
    /// (typed, unchanged since it was handed out).
    pub(super) fn settled(&mut self, key: &Key, obj: &Arc<K>, stored: Stored) {
        if let Some(slot) = self.map.get_mut(key)
            && let Slot::Typed(o) = slot
            && Arc::ptr_eq(o, obj)
        {
            let typed = o.clone();
            *slot = Slot::encoded(stored, || typed);
        }
    }

    /// The typed object to change in place (quiet fills only: a change outside one must
    /// be encoded and announced); copied first only if a reader still holds it.
    pub(super) fn typed_mut(&mut self, key: &Key) -> Option<&mut K> {
        match self.map.get_mut(key)? {
            Slot::Typed(o) => Some(Arc::make_mut(o)),
            _ => None,
        }
    }

    /// Every object in key order, borrowed where the typed object is kept.
    pub fn each(&self) -> impl Iterator<Item = Cow<'_, K>> + '_ {
        self.map.values().filter_map(|slot| match slot {
            Slot::Encoded(s) => serde_json::from_slice(&s.bytes).ok().map(Cow::Owned),
            Slot::Typed(o) | Slot::Both(_, o) => Some(Cow::Borrowed(o.as_ref())),
        })
    }

    /// The object's encoding as stored.
    pub fn encoded(&self, key: &Key) -> Option<Bytes> {
        match self.map.get(key)? {
            Slot::Encoded(s) | Slot::Both(s, _) => Some(s.bytes.clone()),
            Slot::Typed(o) => Some(encode(o.as_ref())),
        }
    }

    /// The stored revision at `key` (its encoding and what is kept beside it).
    pub fn stored(&self, key: &Key) -> Option<Stored> {
        match self.map.get(key)? {
            Slot::Encoded(s) | Slot::Both(s, _) => Some(s.clone()),
            Slot::Typed(o) => Some(Stored::of(o.as_ref())),
        }
    }

    /// What selectors read of the object at `key`.
    pub fn selectable(&self, key: &Key) -> Option<Cow<'_, Selectable>> {
        match self.map.get(key)? {
            Slot::Encoded(s) | Slot::Both(s, _) => Some(Cow::Borrowed(s.sel.as_ref())),
            Slot::Typed(o) => Some(Cow::Owned(o.selectable())),
        }
    }

    pub fn contains_key(&self, key: &Key) -> bool {
        self.map.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// How many objects `ns` holds (every namespace's with `None`), without a walk.
    pub fn count_in(&self, ns: Option<&str>) -> usize {
        match ns {
            None => self.map.len(),
            Some(ns) => self.per_namespace.get(ns).copied().unwrap_or(0),
        }
    }

    fn counted(&mut self, ns: &str, added: bool) {
        if added {
            *self.per_namespace.entry(ns.to_string()).or_default() += 1;
        } else if let Some(n) = self.per_namespace.get_mut(ns) {
            *n -= 1;
            if *n == 0 {
                self.per_namespace.remove(ns);
            }
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &Key> {
        self.map.keys()
    }

    /// Keys in a range, in order.
    pub fn range_keys<R: RangeBounds<Key>>(&self, range: R) -> impl Iterator<Item = &Key> {
        self.map.range(range).map(|(k, _)| k)
    }

    /// The keys of one namespace, in order: a key range, so the cost is the namespace's.
    pub fn keys_in<'a>(&'a self, ns: &'a str) -> impl Iterator<Item = &'a Key> + 'a {
        self.map.range((ns.to_string(), String::new())..).map(|(k, _)| k).take_while(move |k| k.0 == ns)
    }

    /// Stores an encoded revision of `obj`; returns the one it replaces.
    pub(super) fn put(&mut self, key: Key, stored: Stored, obj: &K) -> Option<Stored> {
        let ns = key.0.clone();
        let replaced = self.map.insert(key, Slot::encoded(stored, || Arc::new(obj.clone())));
        if replaced.is_none() {
            self.counted(&ns, true);
        }
        replaced.map(Slot::into_stored)
    }

    /// Stores a typed object without encoding it (quiet fills only).
    pub(super) fn put_typed(&mut self, key: Key, obj: K) {
        let ns = key.0.clone();
        if self.map.insert(key, Slot::Typed(Arc::new(obj))).is_none() {
            self.counted(&ns, true);
        }
    }

    /// Takes the object out; returns its last stored revision.
    pub(super) fn take(&mut self, key: &Key) -> Option<Stored> {
        let taken = self.map.remove(key);
        if taken.is_some() {
            self.counted(&key.0, false);
        }
        taken.map(Slot::into_stored)
    }

    /// Encodes what a quiet fill left typed.
    pub(super) fn settle(&mut self) {
        self.map.values_mut().for_each(Slot::settle);
    }
}

impl<K: Stores> Slot<K> {
    /// The slot for an encoded revision; `typed` is asked only for `KEEP_TYPED` kinds.
    fn encoded(stored: Stored, typed: impl FnOnce() -> Arc<K>) -> Self {
        if K::KEEP_TYPED { Slot::Both(stored, typed()) } else { Slot::Encoded(stored) }
    }

    /// Encodes a typed slot in place.
    fn settle(&mut self) {
        if let Slot::Typed(o) = self {
            let stored = Stored::of(o.as_ref());
            if let Slot::Typed(typed) = std::mem::replace(self, Slot::Encoded(stored.clone())) {
                *self = Slot::encoded(stored, || typed);
            }
        }
    }

    fn into_stored(self) -> Stored {
        match self {
            Slot::Encoded(s) | Slot::Both(s, _) => s,
            Slot::Typed(o) => Stored::of(o.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Pod;

    fn pod(name: &str, phase: &str) -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name, "namespace": "ns", "labels": {"app": "web"}},
            "status": {"phase": phase},
        }))
        .expect("pod")
    }

    #[test]
    fn typed_and_encoded_slots_read_the_same() {
        let key = ("ns".to_string(), "a".to_string());
        let mut typed = Objects::<Pod>::default();
        typed.put_typed(key.clone(), pod("a", "Running"));
        let mut encoded = Objects::<Pod>::default();
        assert!(encoded.put(key.clone(), Stored::of(&pod("a", "Running")), &pod("a", "Running")).is_none());
        assert_eq!(typed.get(&key), encoded.get(&key));
        assert_eq!(typed.encoded(&key), encoded.encoded(&key));
        assert_eq!(
            typed.selectable(&key).map(|s| s.labels.clone()),
            encoded.selectable(&key).map(|s| s.labels.clone())
        );
        assert_eq!(
            typed.selectable(&key).map(|s| s.fields.clone()),
            encoded.selectable(&key).map(|s| s.fields.clone())
        );
        typed.settle();
        assert_eq!(typed.get(&key), encoded.get(&key));
        assert!(matches!(typed.map.get(&key), Some(Slot::Encoded(_))));
    }

    #[test]
    fn an_encoding_made_elsewhere_is_installed_only_over_the_object_it_encodes() {
        let key = ("ns".to_string(), "a".to_string());
        let mut objs = Objects::<Pod>::default();
        objs.put_typed(key.clone(), pod("a", "Pending"));
        let handed = objs.typed_shared(&key).expect("typed");
        let stale = Arc::new(pod("a", "Pending"));
        objs.settled(&key, &stale, Stored::of(stale.as_ref()));
        assert!(matches!(objs.map.get(&key), Some(Slot::Typed(_))), "an equal but different object is not it");
        if let Some(p) = objs.typed_mut(&key) {
            p.status = None;
        }
        objs.settled(&key, &handed, Stored::of(handed.as_ref()));
        assert!(matches!(objs.map.get(&key), Some(Slot::Typed(_))), "changed since it was handed out");
        let now = objs.typed_shared(&key).expect("typed");
        objs.settled(&key, &now, Stored::of(now.as_ref()));
        assert!(matches!(objs.map.get(&key), Some(Slot::Encoded(_))));
        assert_eq!(objs.get(&key).as_ref(), Some(now.as_ref()));
        assert!(objs.typed_shared(&key).is_none());
    }

    #[test]
    fn put_returns_the_replaced_revision_and_take_the_last() {
        let key = ("ns".to_string(), "a".to_string());
        let mut objs = Objects::<Pod>::default();
        objs.put(key.clone(), Stored::of(&pod("a", "Pending")), &pod("a", "Pending"));
        let before = objs.put(key.clone(), Stored::of(&pod("a", "Running")), &pod("a", "Running")).expect("replaced");
        assert_eq!(serde_json::from_slice::<Pod>(&before.bytes).expect("pod"), pod("a", "Pending"));
        assert_eq!(before.sel.fields.get("status.phase"), Some("Pending"));
        let last = objs.take(&key).expect("taken");
        assert_eq!(serde_json::from_slice::<Pod>(&last.bytes).expect("pod"), pod("a", "Running"));
        assert!(objs.is_empty() && objs.get(&key).is_none());
    }

    #[test]
    fn namespace_keys_are_a_range() {
        let mut objs = Objects::<Pod>::default();
        for (ns, n) in [("a", "x"), ("b", "y"), ("b", "z"), ("bb", "w"), ("c", "v")] {
            objs.put((ns.into(), n.into()), Stored::of(&pod(n, "Running")), &pod(n, "Running"));
        }
        let b: Vec<&str> = objs.keys_in("b").map(|k| k.1.as_str()).collect();
        assert_eq!(b, ["y", "z"]);
        assert_eq!(objs.keys_in("nope").count(), 0);
        assert_eq!(objs.len(), 5);
        assert!(objs.encoded(&("a".into(), "x".into())).is_some_and(|b| b.len() == b.as_ref().len()));
    }
}
