//! The text primitives of `describe`: an indenting line accumulator, kubectl's `<none>`
//! for empty values, Go's RFC1123Z time format in the local zone, and how Go's `%v`
//! prints the values some describe lines show as they are (lists, maps, booleans,
//! object references).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::LocalObjectReference;
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};

/// Accumulates `describe` text, one `w` per `Write` of describe.go; `level` (plus the
/// writer's own nesting, for kubectl's nested writers) adds two spaces per step.
pub(super) struct Out(pub(super) String, pub(super) usize);

impl Out {
    pub(super) fn new() -> Self {
        Out(String::new(), 0)
    }

    /// A writer whose every write is indented `levels` further.
    pub(super) fn nested(levels: usize) -> Self {
        Out(String::new(), levels)
    }

    pub(super) fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level + self.1 {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
    }
}

/// Go's `time.RFC1123Z` in the local time zone, as kubectl prints times.
pub fn rfc1123z(t: &Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

pub(super) fn or_none(s: &str) -> &str {
    if s.is_empty() { "<none>" } else { s }
}

/// At most `max` bytes of `s` (on a character boundary), then `...` when cut.
pub(super) fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

/// `%v` of a `[]string`: `[a b]`.
pub(super) fn go_list(items: Option<&Vec<String>>) -> String {
    format!("[{}]", items.map(|v| v.join(" ")).unwrap_or_default())
}

/// `%v` of a `map[string]string`: `map[a:b c:d]`, keys sorted.
pub(super) fn go_map(m: Option<&BTreeMap<String, String>>) -> String {
    let pairs: Vec<String> = m.into_iter().flatten().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", pairs.join(" "))
}

/// `%v` of a `*LocalObjectReference`: its generated `String()`, or `nil`.
pub(super) fn go_ref(r: Option<&LocalObjectReference>) -> String {
    match r {
        Some(r) => format!("&LocalObjectReference{{Name:{},}}", r.name),
        None => "nil".into(),
    }
}

pub(super) fn go_bool(b: Option<bool>) -> bool {
    b.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_values() {
        assert_eq!(go_list(Some(&vec!["a".into(), "b".into()])), "[a b]");
        assert_eq!(go_list(None), "[]");
        let m: BTreeMap<String, String> = [("b".into(), "2".into()), ("a".into(), "1".into())].into();
        assert_eq!(go_map(Some(&m)), "map[a:1 b:2]");
        assert_eq!(go_map(None), "map[]");
        assert_eq!(go_ref(Some(&LocalObjectReference { name: "s".into() })), "&LocalObjectReference{Name:s,}");
        assert_eq!(go_ref(None), "nil");
        assert_eq!(shorten("abcdef", 3), "abc...");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(or_none(""), "<none>");
    }

    /// kubectl cuts at a byte count; where that falls inside a character it would print
    /// half of it (invalid UTF-8), so the cut moves back to the character's start.
    #[test]
    fn a_cut_inside_a_character_keeps_the_whole_character_out() {
        assert_eq!(shorten("xéé", 2), "x...");
        assert_eq!(shorten("xéé", 3), "xé...");
        assert_eq!(shorten("x🚀y", 4), "x...");
        assert_eq!(shorten("x🚀y", 5), "x🚀...");
        assert_eq!(shorten("éé", 4), "éé");
    }
}
