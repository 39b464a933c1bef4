//! Kubernetes' `HumanDuration` (apimachinery `pkg/util/duration`), the AGE column rule.

use std::time::Duration;

/// Formats a signed number of seconds the way `duration.HumanDuration` does.
/// Negative values of more than one second print `<invalid>`, as upstream.
pub fn human_secs(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    // A second in the future (clock skew) reads as now.
    human(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

/// Formats a non-negative duration as `HumanDuration`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s < 120 {
        return format!("{s}s");
    }
    let minutes = s / 60;
    if minutes < 10 {
        let rem = s % 60;
        return if rem == 0 { format!("{minutes}m") } else { format!("{minutes}m{rem}s") };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = s / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let (d, h) = (hours / 24, hours % 24);
        return if h == 0 { format!("{d}d") } else { format!("{d}d{h}h") };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = hours / 24;
        let (y, dd) = (days / 365, days % 365);
        return if dd == 0 { format!("{y}y") } else { format!("{y}y{dd}d") };
    }
    format!("{}y", hours / 24 / 365)
}

/// Age of a timestamp relative to `now`, or `<unknown>` when absent (a zero time upstream).
pub fn age(ts: Option<&jiff::Timestamp>, now: jiff::Timestamp) -> String {
    match ts {
        None => "<unknown>".to_string(),
        Some(t) => human_secs(now.as_second() - t.as_second()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings are the table in apimachinery's duration_test.go, and the first
    // second past each of HumanDuration's bounds (601s is past "minutes < 10").
    #[test]
    fn matches_upstream_table() {
        let cases: &[(i64, &str)] = &[
            (-2, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (59, "59s"),
            (60, "60s"),
            (119, "119s"),
            (120, "2m"),
            (190, "3m10s"),
            (301, "5m1s"),
            (599, "9m59s"),
            (600, "10m"),
            (601, "10m"),
            (86 * 60, "86m"),
            (179 * 60 + 59, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 5 * 60, "3h5m"),
            (7 * 3600 + 59 * 60, "7h59m"),
            (8 * 3600, "8h"),
            (8 * 3600 + 60, "8h"),
            (47 * 3600 + 59 * 60, "47h"),
            (48 * 3600, "2d"),
            (49 * 3600, "2d1h"),
            (8 * 86400 - 1, "7d23h"),
            (8 * 86400, "8d"),
            (367 * 86400, "367d"),
            (2 * 365 * 86400, "2y"),
            (2 * 365 * 86400 + 70 * 86400, "2y70d"),
            (8 * 365 * 86400, "8y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_secs(*secs), *want, "for {secs}s");
        }
    }
}
