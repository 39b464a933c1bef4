//! `why POD` (pure): the facts gathered about a pod (its status, its events, the images
//! the namespace pulled, the last lines of crashed containers, its node) run through one
//! rule per cause, each saying in plain words what is wrong and what usually fixes it.
//! In the manner of k8sgpt's analyzers, without any AI service. `rules` holds the rules;
//! `exits` what exit codes usually mean.

mod exits;
mod rules;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Event, Node, Pod};
use k8s_openapi::jiff::Timestamp;

pub use exits::meaning;

/// What `why` knows about a pod.
#[derive(Debug, Clone)]
pub struct Facts {
    pub pod: Pod,
    /// The pod's events, oldest first.
    pub events: Vec<Event>,
    /// Images the namespace's events show pulled (or already present), for tag hints.
    pub pulled: Vec<String>,
    /// The last lines of each crashed container's previous instance (or, for a
    /// container that ended, of its current one).
    pub last_logs: BTreeMap<String, Vec<String>>,
    /// The pod's node as the API has it; `None` when gone or unscheduled.
    pub node: Option<Node>,
    pub now: Timestamp,
}

/// One cause found: a headline and the lines that explain it and say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub headline: String,
    pub details: Vec<String>,
}

/// Everything found wrong with the pod, in the order the rules run.
pub fn diagnose(f: &Facts) -> Vec<Finding> {
    rules::ALL.iter().flat_map(|rule| rule(f)).collect()
}

/// The report `why` prints.
pub fn report(f: &Facts) -> String {
    let name = f.pod.metadata.name.as_deref().unwrap_or("");
    let found = diagnose(f);
    if found.is_empty() {
        return format!("pod/{name}: {}\n", rules::healthy_summary(f));
    }
    let mut text = format!("pod/{name}: {}\n", rules::status_word(f));
    for finding in found {
        text.push_str(&format!("- {}\n", finding.headline));
        for d in finding.details {
            text.push_str(&format!("  {d}\n"));
        }
    }
    text
}
