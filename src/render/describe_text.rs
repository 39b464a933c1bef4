//! The text primitives of `describe`: an indenting line accumulator, kubectl's `<none>`
//! for empty values, and Go's RFC1123Z time format in the local zone.

use k8s_openapi::jiff::{Timestamp, tz::TimeZone};

/// Accumulates `describe` lines; `level` adds two spaces per step.
pub(super) struct Out(pub(super) String);

impl Out {
    pub(super) fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
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
