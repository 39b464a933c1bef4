//! When a request is sent again, as client-go's rules have it: the server asked for it
//! (`Retry-After` on a 429 or 5xx: the request was turned away, not carried out), or a
//! read lost its connection (sending a read twice is harmless; a write is never sent
//! twice on a guess). At most `MAX` times, each wait bounded.

use std::time::Duration;

/// client-go's default `maxRetries`.
pub const MAX: u32 = 10;

/// The longest the shell waits on one `Retry-After` (a server asking for minutes gets
/// the answer "failed" sooner, which a person at a prompt prefers).
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// How long the server asked to wait before sending the request again, if it did.
pub fn after(status: u16, headers: &http::HeaderMap) -> Option<Duration> {
    if status != 429 && !(500..600).contains(&status) {
        return None;
    }
    let secs: u64 = headers.get("retry-after")?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs).min(LONGEST_WAIT))
}

/// The wait before sending a read again after its connection broke: 100 ms, doubling,
/// at most 2 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << attempt.min(5))).min(Duration::from_secs(2))
}

/// Whether the request's connection broke (reset, closed early, cut mid-answer), as
/// opposed to a refusal, a certificate failure or a timeout.
pub fn broken(e: &kube::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut depth = 0;
    while let Some(c) = next {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof) {
                return true;
            }
        }
        if c.downcast_ref::<hyper::Error>().is_some_and(|h| h.is_incomplete_message() || h.is_canceled()) {
            return true;
        }
        depth += 1;
        next = if depth > 32 { None } else { c.source() };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: Option<&str>) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        if let Some(v) = retry_after {
            h.insert("retry-after", v.parse().expect("header"));
        }
        h
    }

    #[test]
    fn the_server_asks_for_a_retry_with_retry_after_on_429_and_5xx_only() {
        assert_eq!(after(429, &headers(Some("1"))), Some(Duration::from_secs(1)));
        assert_eq!(after(503, &headers(Some("2"))), Some(Duration::from_secs(2)));
        assert_eq!(after(500, &headers(Some(" 0 "))), Some(Duration::ZERO));
        assert_eq!(after(429, &headers(Some("3600"))), Some(LONGEST_WAIT), "bounded");
        assert_eq!(after(429, &headers(None)), None);
        assert_eq!(after(503, &headers(None)), None);
        assert_eq!(after(429, &headers(Some("Wed, 21 Oct 2026 07:28:00 GMT"))), None);
        for status in [200, 404, 409, 410, 499, 600] {
            assert_eq!(after(status, &headers(Some("1"))), None, "{status}");
        }
    }

    #[test]
    fn backoff_doubles_and_is_bounded() {
        let waits: Vec<u128> = (0..8).map(|a| backoff(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
        assert_eq!(backoff(u32::MAX), Duration::from_secs(2));
    }

    #[test]
    fn only_broken_connections_count_as_broken() {
        use std::io::{Error, ErrorKind};
        let wrap = |k: ErrorKind| kube::Error::Service(Box::new(Error::from(k)));
        assert!(broken(&wrap(ErrorKind::ConnectionReset)));
        assert!(broken(&wrap(ErrorKind::UnexpectedEof)));
        assert!(broken(&wrap(ErrorKind::BrokenPipe)));
        assert!(!broken(&wrap(ErrorKind::ConnectionRefused)), "nothing was sent: the caller says refused");
        assert!(!broken(&wrap(ErrorKind::TimedOut)));
        assert!(!broken(&kube::Error::Service("timed out".into())));
    }
}
