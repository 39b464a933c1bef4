//! Go's `time.ParseDuration`, which kubectl's duration flags use (`--since=1h30m`,
//! `--timeout=90s`, `--since=1.5h`): a sign, then numbers with units `ns`, `us` (`µs`),
//! `ms`, `s`, `m`, `h`; a bare `0` is zero. Pure.

/// Nanoseconds in each unit Go accepts.
const UNITS: &[(&str, f64)] =
    &[("ns", 1.0), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)];

/// The duration in nanoseconds, or why `s` is not one (Go's wording).
pub fn parse(s: &str) -> Result<i128, String> {
    let bad = || format!("time: invalid duration {s:?}");
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        // An empty number or a lone "." does not parse either.
        let value: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {s:?}"));
        }
        let scale = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, n)| *n)
            .ok_or_else(|| format!("time: unknown unit {unit:?} in duration {s:?}"))?;
        total += value * scale;
        rest = &rest[unit_len..];
    }
    if total > i64::MAX as f64 {
        return Err(bad());
    }
    let ns = total.round() as i128;
    Ok(if neg { -ns } else { ns })
}

/// kubectl's words for a `--request-timeout` that is neither.
pub const BAD_TIMEOUT: &str = "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)";

/// A `--request-timeout` value as client-go reads it: a bare integer is seconds, anything
/// else a Go duration; zero (or less) means no timeout.
pub fn request_timeout(s: &str) -> Result<Option<std::time::Duration>, &'static str> {
    let ns = match s.parse::<i64>() {
        Ok(secs) => i128::from(secs) * 1_000_000_000,
        Err(_) => parse(s).map_err(|_| BAD_TIMEOUT)?,
    };
    Ok((ns > 0).then(|| std::time::Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))))
}

/// Whole seconds as Go's `d.Round(time.Second).Seconds()` gives them (halves away
/// from zero).
pub fn round_secs(ns: i128) -> i64 {
    let secs = (ns.abs() + 500_000_000) / 1_000_000_000;
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    if ns < 0 { -secs } else { secs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse("5s"), Ok(5_000_000_000));
        assert_eq!(parse("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse("300ms"), Ok(300_000_000));
        assert_eq!(parse("2us"), Ok(2_000));
        assert_eq!(parse("2µs"), Ok(2_000));
        assert_eq!(parse("7ns"), Ok(7));
        assert_eq!(parse("-2m"), Ok(-120_000_000_000));
        assert_eq!(parse("+1s"), Ok(1_000_000_000));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse(".5s"), Ok(500_000_000));
    }

    #[test]
    fn request_timeouts_are_seconds_or_durations() {
        use std::time::Duration;
        assert_eq!(request_timeout("5"), Ok(Some(Duration::from_secs(5))));
        assert_eq!(request_timeout("2s"), Ok(Some(Duration::from_secs(2))));
        assert_eq!(request_timeout("1m30s"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(request_timeout("250ms"), Ok(Some(Duration::from_millis(250))));
        assert_eq!(request_timeout("0"), Ok(None));
        assert_eq!(request_timeout("0s"), Ok(None));
        assert_eq!(request_timeout("-1s"), Ok(None));
        for bad in ["abc", "5x", "", "1.5"] {
            assert_eq!(request_timeout(bad), Err(BAD_TIMEOUT), "{bad}");
        }
    }

    #[test]
    fn go_duration_errors() {
        assert_eq!(parse("5"), Err("time: missing unit in duration \"5\"".into()));
        assert_eq!(parse("5x"), Err("time: unknown unit \"x\" in duration \"5x\"".into()));
        assert_eq!(parse(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(parse("-"), Err("time: invalid duration \"-\"".into()));
        assert_eq!(parse("h"), Err("time: invalid duration \"h\"".into()));
        assert_eq!(parse(".s"), Err("time: invalid duration \".s\"".into()));
        assert!(parse("1..5s").is_err());
        // Past Go's 2^63-1 nanoseconds (about 2,562,047 hours) is an invalid duration.
        assert_eq!(parse("2562047h"), Ok(2_562_047 * 3_600_000_000_000));
        assert_eq!(parse("3000000h"), Err("time: invalid duration \"3000000h\"".into()));
    }

    #[test]
    fn rounding_to_seconds() {
        assert_eq!(round_secs(1_499_999_999), 1);
        assert_eq!(round_secs(1_500_000_000), 2);
        assert_eq!(round_secs(-1_500_000_000), -2);
        assert_eq!(round_secs(0), 0);
        assert_eq!(round_secs(400_000_000), 0);
    }
}
