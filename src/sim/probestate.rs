//! A container's probes as the kubelet tracks them: each probe's spec, when it is due
//! next and its run of successes or failures. Pure state; `probes` runs them.

use std::time::Duration;

use k8s_openapi::api::core::v1::{Container, Probe};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Startup = 0,
    Readiness = 1,
    Liveness = 2,
}

pub const KINDS: [Kind; 3] = [Kind::Startup, Kind::Readiness, Kind::Liveness];

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Startup => "Startup",
            Kind::Readiness => "Readiness",
            Kind::Liveness => "Liveness",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Slot {
    pub spec: Option<Box<Probe>>,
    pub next: Option<Instant>,
    pub oks: i32,
    pub fails: i32,
}

/// A container's probes and where each stands.
#[derive(Debug, Clone, Default)]
pub struct Probes {
    pub slots: [Slot; 3],
}

pub fn secs(v: Option<i32>, default: i32) -> Duration {
    Duration::from_secs(v.unwrap_or(default).max(0) as u64)
}

impl Probes {
    pub fn of(c: &Container) -> Probes {
        let mut p = Probes::default();
        p.slots[0].spec = c.startup_probe.clone().map(Box::new);
        p.slots[1].spec = c.readiness_probe.clone().map(Box::new);
        p.slots[2].spec = c.liveness_probe.clone().map(Box::new);
        p
    }

    pub fn has_startup(&self) -> bool {
        self.slots[0].spec.is_some()
    }

    pub fn has_readiness(&self) -> bool {
        self.slots[1].spec.is_some()
    }

    /// A new container instance: counters reset, the first probes after their initial delay
    /// (readiness and liveness only once a startup probe has passed).
    pub fn restart(&mut self, now: Instant) {
        let gated = self.has_startup();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            slot.oks = 0;
            slot.fails = 0;
            slot.next = match &slot.spec {
                Some(p) if i == 0 || !gated => Some(now + secs(p.initial_delay_seconds, 0)),
                _ => None,
            };
        }
    }

    pub fn open_after_startup(&mut self, now: Instant) {
        for slot in &mut self.slots[1..] {
            if let Some(p) = &slot.spec {
                slot.next = Some(now + secs(p.initial_delay_seconds, 0));
            }
        }
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.slots.iter().filter_map(|s| s.next).min()
    }

    pub fn stop(&mut self) {
        for slot in &mut self.slots {
            slot.next = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(delay: i32) -> Probe {
        Probe { initial_delay_seconds: Some(delay), ..Default::default() }
    }

    #[test]
    fn startup_gates_the_other_probes() {
        let c = Container {
            startup_probe: Some(probe(2)),
            readiness_probe: Some(probe(1)),
            liveness_probe: Some(probe(0)),
            ..Default::default()
        };
        let mut p = Probes::of(&c);
        let now = Instant::now();
        p.restart(now);
        assert_eq!(p.next_due(), Some(now + Duration::from_secs(2)));
        assert!(p.slots[1].next.is_none() && p.slots[2].next.is_none());
        p.open_after_startup(now);
        assert_eq!(p.slots[1].next, Some(now + Duration::from_secs(1)));
        assert_eq!(p.next_due(), Some(now));
        p.stop();
        assert_eq!(p.next_due(), None);
        let plain = Probes::of(&Container { readiness_probe: Some(probe(3)), ..Default::default() });
        assert!(plain.has_readiness() && !plain.has_startup());
    }
}
