//! Records v1 Events about pods the way the scheduler and kubelet do: one object per
//! (pod, reason, message), with `count` and `lastTimestamp` bumped on repeats.

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::store::{Store, now_secs};

/// What happened, before it becomes an Event object.
#[derive(Debug, Clone)]
pub struct Note {
    pub warning: bool,
    pub reason: &'static str,
    pub component: &'static str,
    pub host: Option<String>,
    pub message: String,
    pub field_path: Option<String>,
}

impl Note {
    pub fn kubelet(host: Option<&String>, reason: &'static str, field_path: Option<String>, message: String) -> Self {
        Self { warning: false, reason, component: "kubelet", host: host.cloned(), message, field_path }
    }
    pub fn warn(mut self) -> Self {
        self.warning = true;
        self
    }
}

/// The pod an event is about.
pub struct Subject<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub uid: &'a str,
    pub resource_version: Option<String>,
}

pub fn record(store: &mut Store, who: &Subject, note: Note) {
    // A bulk fill stands for pods that have been running longer than an event lives
    // (the API server's default event TTL is one hour), so it leaves none.
    if store.is_quiet() {
        return;
    }
    let now = Time(now_secs());
    let id = format!("{}\0{}\0{}\0{}\0{:?}", who.namespace, who.uid, note.reason, note.message, note.field_path);
    let existing = store.event_index.get(&id).and_then(|k| store.events.get(k));
    if let Some(mut e) = existing {
        e.count = Some(e.count.unwrap_or(1) + 1);
        e.last_timestamp = Some(now);
        store.update(e);
        return;
    }
    let nanos = k8s_openapi::jiff::Timestamp::now().as_nanosecond();
    let event = Event {
        metadata: ObjectMeta {
            name: Some(format!("{}.{:x}", who.name, nanos)),
            namespace: Some(who.namespace.into()),
            uid: Some(super::store::new_uid()),
            creation_timestamp: Some(now.clone()),
            ..Default::default()
        },
        involved_object: ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("Pod".into()),
            name: Some(who.name.into()),
            namespace: Some(who.namespace.into()),
            uid: Some(who.uid.into()),
            resource_version: who.resource_version.clone(),
            field_path: note.field_path,
        },
        reason: Some(note.reason.into()),
        message: Some(note.message),
        source: Some(EventSource { component: Some(note.component.into()), host: note.host.clone() }),
        first_timestamp: Some(now.clone()),
        last_timestamp: Some(now),
        count: Some(1),
        type_: Some(if note.warning { "Warning" } else { "Normal" }.into()),
        reporting_component: Some(note.component.into()),
        reporting_instance: Some(note.host.unwrap_or_default()),
        ..Default::default()
    };
    let key = super::store::key_of(&event);
    store.create(event);
    store.event_index.insert(id, key);
}
