//! The kinds the shell speaks to natively and where they live in the API: the URL path
//! of a collection (namespaced or cluster-wide) that kube's request builder starts from.

use kube::core::Request;

/// A core/v1 resource the shell reads or writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Pods,
    Namespaces,
    Nodes,
    Events,
}

/// Percent-encodes a path segment, so a name typed with odd characters reaches the
/// server (and gets its NotFound) instead of failing to build a URL.
pub(super) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Resource {
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Pods => "pods",
            Resource::Namespaces => "namespaces",
            Resource::Nodes => "nodes",
            Resource::Events => "events",
        }
    }

    /// The kind of one object (`Pod`), as the API names it.
    pub fn kind(self) -> &'static str {
        match self {
            Resource::Pods => "Pod",
            Resource::Namespaces => "Namespace",
            Resource::Nodes => "Node",
            Resource::Events => "Event",
        }
    }

    pub fn namespaced(self) -> bool {
        matches!(self, Resource::Pods | Resource::Events)
    }

    /// The collection's path: in `namespace`, or across all namespaces (and always for
    /// cluster-scoped kinds) with `None`.
    pub fn path(self, namespace: Option<&str>) -> String {
        match namespace.filter(|_| self.namespaced()) {
            Some(ns) => format!("/api/v1/namespaces/{}/{}", encode(ns), self.plural()),
            None => format!("/api/v1/{}", self.plural()),
        }
    }

    /// kube's request builder for the collection.
    pub(super) fn request(self, namespace: Option<&str>) -> Request {
        Request::new(self.path(namespace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(Resource::Pods.path(Some("default")), "/api/v1/namespaces/default/pods");
        assert_eq!(Resource::Pods.path(None), "/api/v1/pods");
        assert_eq!(Resource::Nodes.path(Some("default")), "/api/v1/nodes", "cluster-scoped");
        assert_eq!(Resource::Events.path(Some("a b")), "/api/v1/namespaces/a%20b/events");
        assert_eq!(encode("app in (a,b)"), "app%20in%20%28a%2Cb%29");
        assert_eq!((Resource::Namespaces.kind(), Resource::Namespaces.namespaced()), ("Namespace", false));
    }
}
