//! How long the simulated cluster takes for each step (scheduling, pulls, kills,
//! back-off, node loss): one value the engine, the kubelet and the request handlers share.

use std::time::Duration;

/// Simulated delays. Defaults reach Running in well under a second.
#[derive(Debug, Clone)]
pub struct Timing {
    pub schedule: Duration,
    pub pull: Duration,
    pub kill: Duration,
    pub backoff: Duration,
    pub backoff_max: Duration,
    pub node_lost: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            schedule: Duration::from_millis(100),
            pull: Duration::from_millis(300),
            kill: Duration::from_millis(300),
            backoff: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            node_lost: Duration::from_secs(2),
        }
    }
}

impl Timing {
    pub(super) fn backoff(&self, n: u32) -> Duration {
        self.backoff.saturating_mul(1 << n.min(16)).min(self.backoff_max)
    }
}
