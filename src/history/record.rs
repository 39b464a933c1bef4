//! The history file's lines, read and written (pure): an entry is its line, escaped
//! (`\n` and `\\`), optionally preceded by a `#:` metadata line (when, where, which
//! session); a `#=` line written after the command ends adds its exit status and
//! duration. Files from before the annotations are plain lines and read the same.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// What is known about an entry besides its line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// `SESSION.SEQ`: the session that ran it and its place there.
    pub id: String,
    /// When it was entered (RFC 3339, UTC).
    pub at: String,
    pub ctx: String,
    pub ns: String,
    /// The shell's working directory (relative paths on the line are relative to it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cwd: String,
    /// The kubeconfig list the session read (`KUBECONFIG`'s form).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kubeconfig: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// The line as it ran, when that differs from the line typed (`@1` replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ran: Option<String>,
}

impl Meta {
    /// The session part of the id.
    pub fn session(&self) -> &str {
        self.id.rsplit_once('.').map_or(self.id.as_str(), |(s, _)| s)
    }
}

/// The result line written when a command ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Outcome {
    id: String,
    status: i32,
    ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ran: Option<String>,
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: String,
    pub meta: Option<Meta>,
}

const META: &str = "#:";
const OUTCOME: &str = "#=";

pub fn escape(line: &str) -> String {
    let text = line.replace('\\', "\\\\").replace('\n', "\\n");
    // A typed line that looks like a record line is kept apart by a backslash.
    if text.starts_with(META) || text.starts_with(OUTCOME) { format!("\\{text}") } else { text }
}

pub fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The file text for an entry as it is entered (metadata, then the line).
pub fn entry_text(line: &str, meta: Option<&Meta>) -> String {
    let head = meta.and_then(|m| serde_json::to_string(m).ok()).map_or(String::new(), |j| format!("{META}{j}\n"));
    format!("{head}{}\n", escape(line))
}

/// The file text recording how entry `id` ended.
pub fn outcome_text(id: &str, status: i32, ms: u64, ran: Option<&str>) -> String {
    let o = Outcome { id: id.to_string(), status, ms, ran: ran.map(str::to_string) };
    serde_json::to_string(&o).map_or(String::new(), |j| format!("{OUTCOME}{j}\n"))
}

/// Every entry of a file's text, oldest first, with outcomes joined to their entries.
/// Malformed record lines are read as plain entries, so nothing typed is dropped.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut pending: Option<Meta> = None;
    for raw in text.lines().filter(|l| !l.is_empty()) {
        if let Some(json) = raw.strip_prefix(META)
            && let Ok(m) = serde_json::from_str::<Meta>(json)
        {
            pending = Some(m);
            continue;
        }
        if let Some(json) = raw.strip_prefix(OUTCOME)
            && let Ok(o) = serde_json::from_str::<Outcome>(json)
        {
            if let Some(m) = by_id.get(&o.id).and_then(|&i| entries[i].meta.as_mut()) {
                m.status = Some(o.status);
                m.ms = Some(o.ms);
                m.ran = o.ran;
            }
            continue;
        }
        let meta = pending.take();
        if let Some(m) = &meta {
            by_id.insert(m.id.clone(), entries.len());
        }
        entries.push(Entry { line: unescape(raw), meta });
    }
    entries
}

/// The file text of `entries` (outcomes folded into their metadata), for trimming.
pub fn render(entries: &[Entry]) -> String {
    entries.iter().map(|e| entry_text(&e.line, e.meta.as_ref())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> Meta {
        Meta {
            id: id.into(),
            at: "2026-11-29T01:00:00Z".into(),
            ctx: "sim".into(),
            ns: "default".into(),
            ..Meta::default()
        }
    }

    #[test]
    fn old_plain_files_read_as_before() {
        let e = parse("get pods\n\nrun x --image=y -- sh -c 'a\\nb'\nback\\\\slash\n");
        let lines: Vec<&str> = e.iter().map(|e| e.line.as_str()).collect();
        assert_eq!(lines, ["get pods", "run x --image=y -- sh -c 'a\nb'", "back\\slash"]);
        assert!(e.iter().all(|e| e.meta.is_none()));
    }

    #[test]
    fn outcomes_join_their_entries_across_interleaved_sessions() {
        let mut text = entry_text("get pods", Some(&meta("a.1")));
        text += &entry_text("logs x", Some(&meta("b.1")));
        text += &outcome_text("b.1", 1, 40, Some("logs web"));
        text += &outcome_text("a.1", 0, 12, None);
        text += &outcome_text("zzz.9", 0, 1, None);
        let e = parse(&text);
        assert_eq!(e.len(), 2);
        let m0 = e[0].meta.as_ref().expect("meta");
        assert_eq!((m0.status, m0.ms, m0.session()), (Some(0), Some(12), "a"));
        let m1 = e[1].meta.as_ref().expect("meta");
        assert_eq!((m1.status, m1.ms, m1.ran.as_deref()), (Some(1), Some(40), Some("logs web")));
        assert_eq!(parse(&render(&e)), e, "rendering keeps everything");
    }

    #[test]
    fn typed_lines_that_look_like_records_survive() {
        for line in ["#:{\"id\":\"x\"}", "#={}", "#={\"id\":\"s.1\",\"status\":0,\"ms\":1}", "#: not json", "# comment"]
        {
            let text = entry_text(line, Some(&meta("s.1")));
            let e = parse(&text);
            assert_eq!(e.len(), 1, "{line}");
            assert_eq!(e[0].line, line);
        }
        let bad = parse("#:{broken\nget pods\n");
        assert_eq!(bad.iter().map(|e| e.line.as_str()).collect::<Vec<_>>(), ["#:{broken", "get pods"]);
    }
}
