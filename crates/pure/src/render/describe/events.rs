//! The events section of `describe`: kubectl flushes the tabwriter before it, so the
//! table is aligned on its own (describe.go `DescribeEvents`).

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::jiff::Timestamp;

use super::text::Out;
use crate::common::duration::age;
use crate::render::tabwriter::{DESCRIBE, align};

/// The events table, as its own tabwriter block.
pub fn events_table(events: &[Event], now: Timestamp) -> String {
    if events.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&Event> = events.iter().collect();
    // By last timestamp with Go's unstable sort, so ties come out as kubectl prints them.
    let at = |e: &&Event| e.last_timestamp.as_ref().map(|t| t.0);
    crate::common::gosort::sort(&mut sorted, |a, b| at(a) < at(b));
    let mut o = Out(String::from("Events:\n  Type\tReason\tAge\tFrom\tMessage\n"), 0);
    o.w(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = match &e.event_time {
            Some(t) => age(Some(&t.0), now),
            None => age(e.first_timestamp.as_ref().map(|t| &t.0), now),
        };
        let count = e.count.unwrap_or(0);
        let interval = if let Some(s) = &e.series {
            format!(
                "{} (x{} over {first})",
                age(s.last_observed_time.as_ref().map(|t| &t.0), now),
                s.count.unwrap_or(0)
            )
        } else if count > 1 {
            format!("{} (x{count} over {first})", age(e.last_timestamp.as_ref().map(|t| &t.0), now))
        } else {
            first
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| e.reporting_component.clone())
            .unwrap_or_default();
        o.w(
            1,
            &format!(
                "{}\t{}\t{interval}\t{source}\t{}\n",
                e.type_.as_deref().unwrap_or(""),
                e.reason.as_deref().unwrap_or(""),
                e.message.as_deref().unwrap_or("").trim()
            ),
        );
    }
    align(DESCRIBE, &o.0)
}
