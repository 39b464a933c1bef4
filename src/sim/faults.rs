//! Fault injection: the simulator as an overloaded, slow or flaky API server. A share of
//! requests is answered 500, 503 or 429 (with `Retry-After`, as API Priority and Fairness
//! answers), every request can be delayed, some are accepted and never answered, and
//! watch and log streams can be cut off mid-stream. Tests change the knobs while the
//! simulator runs (`Simulator::set_faults`); `kubectl-podsh sim` takes them as flags.

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::status::ApiError;

/// How the simulator misbehaves; the default is not at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Share of requests answered 500, 503 or 429 instead of served.
    pub fault_rate: f64,
    /// Which of those answers (empty: all three, chosen at random).
    pub answers: Vec<u16>,
    /// Added to every request, plus up to `jitter` more.
    pub latency: Duration,
    pub jitter: Duration,
    /// Watch and followed-log streams end abruptly this long after they start.
    pub drop_streams_after: Option<Duration>,
    /// Share of requests accepted and never answered.
    pub stall_rate: f64,
}

/// What one request gets.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Serve,
    Fail(u16),
    Stall,
}

/// How long a stalled request is held before the connection is let go (the client has
/// long given up by then).
pub const STALL: Duration = Duration::from_secs(600);

impl Faults {
    /// `N` or `N:JITTER`, in milliseconds.
    pub fn parse_latency(s: &str) -> Result<(Duration, Duration), String> {
        let ms = |v: &str| {
            v.trim()
                .parse::<u64>()
                .map(Duration::from_millis)
                .map_err(|_| "expected milliseconds, N or N:JITTER (e.g. 20:20)".to_string())
        };
        match s.split_once(':') {
            Some((base, jitter)) => Ok((ms(base)?, ms(jitter)?)),
            None => Ok((ms(s)?, Duration::ZERO)),
        }
    }

    /// A share between 0 and 1.
    pub fn parse_rate(s: &str) -> Result<f64, String> {
        match s.trim().parse::<f64>() {
            Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
            _ => Err("expected a share between 0 and 1 (e.g. 0.2)".to_string()),
        }
    }

    pub fn is_off(&self) -> bool {
        *self == Faults::default()
    }
}

/// The faults in force and the dice they are rolled with (seeded, so a failing run can
/// be repeated).
pub struct Injector {
    faults: Mutex<Faults>,
    dice: Mutex<StdRng>,
}

impl Injector {
    pub fn new(faults: Faults, seed: u64) -> Self {
        Self { faults: Mutex::new(faults), dice: Mutex::new(StdRng::seed_from_u64(seed)) }
    }

    pub fn set(&self, faults: Faults) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = faults;
    }

    pub fn get(&self) -> Faults {
        self.faults.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// This request's delay and fate.
    pub fn roll(&self) -> (Duration, Verdict) {
        let f = self.get();
        if f.is_off() {
            return (Duration::ZERO, Verdict::Serve);
        }
        let mut dice = self.dice.lock().unwrap_or_else(|e| e.into_inner());
        let jitter_ms = u64::try_from(f.jitter.as_millis()).unwrap_or(u64::MAX);
        let delay = f.latency + Duration::from_millis(if jitter_ms > 0 { dice.random_range(0..=jitter_ms) } else { 0 });
        let verdict = if f.stall_rate > 0.0 && dice.random_bool(f.stall_rate) {
            Verdict::Stall
        } else if f.fault_rate > 0.0 && dice.random_bool(f.fault_rate) {
            let answers: &[u16] = if f.answers.is_empty() { &[500, 503, 429] } else { &f.answers };
            Verdict::Fail(answers[dice.random_range(0..answers.len())])
        } else {
            Verdict::Serve
        };
        (delay, verdict)
    }
}

/// The API server's answer for an injected failure.
pub fn failure(code: u16) -> ApiError {
    match code {
        429 => ApiError::too_many_requests(),
        503 => ApiError::unavailable(),
        _ => ApiError::internal("etcdserver: request timed out"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_bad_values_say_what_is_expected() {
        assert_eq!(Faults::parse_latency("20:20"), Ok((Duration::from_millis(20), Duration::from_millis(20))));
        assert_eq!(Faults::parse_latency("5"), Ok((Duration::from_millis(5), Duration::ZERO)));
        assert!(Faults::parse_latency("fast").is_err_and(|e| e.contains("N:JITTER")));
        assert!(Faults::parse_latency("1:x").is_err());
        assert_eq!(Faults::parse_rate("0.2"), Ok(0.2));
        assert_eq!(Faults::parse_rate("1"), Ok(1.0));
        assert_eq!(Faults::parse_rate("0"), Ok(0.0));
        for bad in ["1.5", "-0.1", "lots", "NaN", ""] {
            assert!(Faults::parse_rate(bad).is_err_and(|e| e.contains("between 0 and 1")), "{bad}");
        }
    }

    #[test]
    fn rolls_follow_the_rates_and_the_seed() {
        let quiet = Injector::new(Faults::default(), 1);
        assert!((0..1000).all(|_| quiet.roll() == (Duration::ZERO, Verdict::Serve)));
        let faults = Faults {
            fault_rate: 0.2,
            stall_rate: 0.05,
            latency: Duration::from_millis(20),
            jitter: Duration::from_millis(20),
            ..Faults::default()
        };
        let a = Injector::new(faults.clone(), 7);
        let rolls: Vec<(Duration, Verdict)> = (0..4000).map(|_| a.roll()).collect();
        let failed = rolls.iter().filter(|(_, v)| matches!(v, Verdict::Fail(_))).count();
        let stalled = rolls.iter().filter(|(_, v)| *v == Verdict::Stall).count();
        assert!((650..870).contains(&failed), "{failed} of 4000 at 0.2 (after 5% stalls)");
        assert!((140..270).contains(&stalled), "{stalled} of 4000 at 0.05");
        for code in [500, 503, 429] {
            assert!(rolls.iter().any(|(_, v)| *v == Verdict::Fail(code)), "{code} is one of the answers");
        }
        assert!(rolls.iter().all(|(d, _)| (20..=40).contains(&d.as_millis())));
        assert!(rolls.iter().any(|(d, _)| d.as_millis() > 30), "jitter varies the delay");
        let b = Injector::new(faults, 7);
        assert_eq!(rolls, (0..4000).map(|_| b.roll()).collect::<Vec<_>>(), "the same seed, the same run");
        let busy = Injector::new(Faults { fault_rate: 1.0, answers: vec![429], ..Faults::default() }, 1);
        assert!((0..200).all(|_| busy.roll() == (Duration::ZERO, Verdict::Fail(429))));
    }

    #[test]
    fn failures_are_the_api_servers_statuses() {
        let busy = failure(429);
        assert_eq!((busy.code, busy.reason), (429, "TooManyRequests"));
        assert_eq!(busy.details.as_ref().map(|d| d["retryAfterSeconds"].clone()), Some(serde_json::json!(1)));
        assert_eq!((failure(503).code, failure(503).reason), (503, "ServiceUnavailable"));
        let internal = failure(500);
        assert_eq!(internal.message, "Internal error occurred: etcdserver: request timed out");
    }
}
