//! API shapes the shell reads that k8s-openapi does not carry: the `meta.k8s.io/v1`
//! Table that `get` prints, and the events of a watch stream (an `ERROR` event arrives
//! as the stream's error, not as an event). Data only.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ListMeta, ObjectMeta};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads an absent or `null` field as the type's default (Go writes empty lists as null).
fn null_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A server-side Table (`Accept: application/json;as=Table;...`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    #[serde(default, deserialize_with = "null_default")]
    pub column_definitions: Vec<TableColumn>,
    #[serde(default, deserialize_with = "null_default")]
    pub rows: Vec<TableRow>,
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: ListMeta,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TableColumn {
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// 0 for the columns `get` shows; higher only with `-o wide`.
    #[serde(default, deserialize_with = "null_default")]
    pub priority: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TableRow {
    #[serde(default, deserialize_with = "null_default")]
    pub cells: Vec<Value>,
    /// The row's object (with `includeObject=Metadata`, its metadata only).
    #[serde(default)]
    pub object: Option<RowObject>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RowObject {
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
}

impl Table {
    /// The list's resourceVersion, where a watch continues from.
    pub fn resource_version(&self) -> Option<&str> {
        self.metadata.resource_version.as_deref().filter(|v| !v.is_empty())
    }
}

/// One event of a watch stream, with its object decoded as `T`.
#[derive(Debug, Clone)]
pub enum Watched<T> {
    Added(T),
    Modified(T),
    Deleted(T),
    /// The server's progress marker; carries no object change.
    Bookmark,
}

impl<T> Watched<T> {
    /// kubectl's word for the event (`--output-watch-events`).
    pub fn word(&self) -> &'static str {
        match self {
            Watched::Added(_) => "ADDED",
            Watched::Modified(_) => "MODIFIED",
            Watched::Deleted(_) => "DELETED",
            Watched::Bookmark => "BOOKMARK",
        }
    }

    /// The object of an added, modified or deleted event.
    pub fn object(&self) -> Option<&T> {
        match self {
            Watched::Added(o) | Watched::Modified(o) | Watched::Deleted(o) => Some(o),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_read_go_nulls_as_empty() {
        let t: Table = serde_json::from_str(
            r#"{"columnDefinitions":null,"rows":[{"cells":["a",1],"object":{"metadata":{"name":"a"}}}],"metadata":{"resourceVersion":"7"}}"#,
        )
        .expect("a table");
        assert!(t.column_definitions.is_empty());
        assert_eq!(t.rows[0].cells.len(), 2);
        assert_eq!(t.rows[0].object.as_ref().and_then(|o| o.metadata.name.as_deref()), Some("a"));
        assert_eq!(t.resource_version(), Some("7"));
        let empty: Table = serde_json::from_str(r#"{"rows":null,"metadata":{"resourceVersion":""}}"#).expect("a table");
        assert_eq!((empty.rows.len(), empty.resource_version()), (0, None));
    }

    #[test]
    fn watch_events_carry_kubectls_words_and_their_objects() {
        let cases = [
            (Watched::Added(1), "ADDED", Some(&1)),
            (Watched::Modified(2), "MODIFIED", Some(&2)),
            (Watched::Deleted(3), "DELETED", Some(&3)),
            (Watched::Bookmark, "BOOKMARK", None),
        ];
        for (event, word, object) in &cases {
            assert_eq!((event.word(), event.object()), (*word, *object));
        }
    }
}
