//! A Table row printed once per stored revision and kept beside it (see
//! `objects::Selectable::row`): server-side printing is what a `kubectl get` costs at
//! scale, and a revision's cells do not change, only the clock does. The row holds its
//! cells as JSON text with the clock's cells (ages, the last restart) left as holes, filled
//! in when the row is sent, and where the metadata sits in the object's encoding.

use std::ops::Range;

use crate::common::duration::human_secs;
use crate::common::podstatus::restarts_cell;

/// Where a stored revision keeps its row once printed (boxed: most revisions are never
/// printed, and an empty box costs a pointer).
pub type Printed = std::sync::OnceLock<Box<Row>>;

/// One cell as a kind's printer computes it; the clock's cells carry the time they count from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Time since the instant (seconds since the epoch); `<unknown>` without one.
    Age(Option<i64>),
    /// A restart count and when the last restart ended (`3 (5m ago)`).
    Restarts(i64, Option<i64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    Age(Option<i64>),
    Restarts(i64, Option<i64>),
}

/// A printed row: `{"cells":[...],"conditions":[...]` with holes, ready for its object.
#[derive(Debug, Clone)]
pub struct Row {
    text: Box<[u8]>,
    /// Where each clock cell goes in `text`, in order.
    holes: Box<[(u32, Hole)]>,
    /// The byte range of `metadata` in the encoding the row was printed from.
    meta: Option<(u32, u32)>,
    /// That encoding's resourceVersion (a one-row Table is at it).
    rv: Box<str>,
}

impl Row {
    pub fn new(cells: &[Cell], conditions: Option<&serde_json::Value>, meta: Option<Range<usize>>, rv: &str) -> Self {
        let mut text = b"{\"cells\":[".to_vec();
        let mut holes = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            match cell {
                // A string always serializes.
                Cell::Text(s) => {
                    let _ = serde_json::to_writer(&mut text, s);
                }
                Cell::Int(n) => text.extend_from_slice(n.to_string().as_bytes()),
                Cell::Age(at) => holes.push((text.len() as u32, Hole::Age(*at))),
                Cell::Restarts(n, at) => holes.push((text.len() as u32, Hole::Restarts(*n, *at))),
            }
        }
        text.push(b']');
        if let Some(c) = conditions {
            text.extend_from_slice(b",\"conditions\":");
            let _ = serde_json::to_writer(&mut text, c);
        }
        let meta = meta.and_then(|r| Some((u32::try_from(r.start).ok()?, u32::try_from(r.end).ok()?)));
        Self { text: text.into_boxed_slice(), holes: holes.into_boxed_slice(), meta, rv: rv.into() }
    }

    /// The resourceVersion of the encoding the row was printed from.
    pub fn revision(&self) -> &str {
        &self.rv
    }

    /// Writes the row up to where its object goes, the clock's cells as of `now` (seconds).
    pub fn write(&self, out: &mut Vec<u8>, now: i64) {
        let mut from = 0usize;
        for (at, hole) in self.holes.iter() {
            let at = *at as usize;
            out.extend_from_slice(&self.text[from..at]);
            let cell = match *hole {
                Hole::Age(None) => "<unknown>".to_string(),
                Hole::Age(Some(t)) => human_secs(now - t),
                Hole::Restarts(n, last) => restarts_cell(n, last, now),
            };
            let _ = serde_json::to_writer(&mut *out, &cell);
            from = at;
        }
        out.extend_from_slice(&self.text[from..]);
    }

    /// The object's metadata as it sits in `bytes` (the encoding the row was printed from).
    pub fn metadata<'a>(&self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let (start, end) = self.meta?;
        bytes.get(start as usize..end as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(row: &Row, now: i64) -> String {
        let mut out = Vec::new();
        row.write(&mut out, now);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn clock_cells_are_filled_in_when_the_row_is_written() {
        let cells = [
            Cell::Text("we\"b".into()),
            Cell::Age(Some(1_000)),
            Cell::Restarts(3, Some(1_100)),
            Cell::Restarts(0, Some(1_100)),
            Cell::Restarts(2, None),
            Cell::Int(7),
            Cell::Age(None),
        ];
        let row = Row::new(&cells, None, None, "1");
        assert_eq!(written(&row, 1_300), r#"{"cells":["we\"b","5m","3 (3m20s ago)","0","2",7,"<unknown>"]"#);
        assert_eq!(written(&row, 1_010), r#"{"cells":["we\"b","10s","3 (<invalid> ago)","0","2",7,"<unknown>"]"#);
        let conds = serde_json::json!([{"type": "Completed"}]);
        let row = Row::new(&[Cell::Age(Some(0))], Some(&conds), None, "2");
        assert_eq!(written(&row, 60), r#"{"cells":["60s"],"conditions":[{"type":"Completed"}]"#);
        assert_eq!(written(&Row::new(&[], None, None, ""), 0), r#"{"cells":[]"#);
    }

    #[test]
    fn the_metadata_is_read_back_by_its_range() {
        let whole = br#"{"metadata":{"name":"a"},"spec":{}}"#;
        let row = Row::new(&[], None, Some(12..24), "9");
        assert_eq!(row.metadata(whole), Some(&br#"{"name":"a"}"#[..]));
        assert_eq!(row.metadata(b"short"), None);
        assert_eq!(row.revision(), "9");
        assert_eq!(Row::new(&[], None, None, "").metadata(whole), None);
    }
}
