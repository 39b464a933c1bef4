//! How much memory a simulated container's program tries to use, compared with its
//! limit: stress tools (`stress`, `stress-ng`, the `polinux/stress` image) say it in
//! `--vm-bytes`; asking for more than `resources.limits.memory` gets the container
//! OOMKilled (exit 137), as the kernel's OOM killer would.

use k8s_openapi::api::core::v1::Container;

use crate::common::quantity::Quantity;

/// Bytes the container's command line asks to allocate, if it says.
fn asked(c: &Container) -> Option<i128> {
    let argv: Vec<&String> = c.command.iter().flatten().chain(c.args.iter().flatten()).collect();
    let words: Vec<&str> = argv.iter().flat_map(|a| a.split_whitespace()).collect();
    let at = words.iter().position(|w| *w == "--vm-bytes" || w.starts_with("--vm-bytes="))?;
    let value = match words[at].split_once('=') {
        Some((_, v)) => v,
        None => words.get(at + 1)?,
    };
    // stress writes sizes as 250M, 1G (binary units); Kubernetes quantities as 250Mi.
    let normalized = match value.chars().last() {
        Some(u) if "KMGT".contains(u) && !value.ends_with('i') => format!("{value}i"),
        _ => value.to_string(),
    };
    Quantity::parse(&normalized).map(|q| q.value())
}

/// Whether the program would be OOM-killed under the container's memory limit.
pub fn exceeds_limit(c: &Container) -> bool {
    let limit = c
        .resources
        .as_ref()
        .and_then(|r| r.limits.as_ref())
        .and_then(|l| l.get("memory"))
        .and_then(|q| Quantity::parse(&q.0))
        .map(|q| q.value());
    matches!((asked(c), limit), (Some(a), Some(l)) if a > l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ResourceRequirements;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity as Q;

    fn stress(bytes: &str, limit: Option<&str>) -> Container {
        Container {
            command: Some(vec!["stress".into()]),
            args: Some(vec![
                "--vm".into(),
                "1".into(),
                "--vm-bytes".into(),
                bytes.into(),
                "--vm-hang".into(),
                "1".into(),
            ]),
            resources: limit.map(|l| ResourceRequirements {
                limits: Some([("memory".to_string(), Q(l.into()))].into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn allocations_against_limits() {
        assert!(exceeds_limit(&stress("250M", Some("100Mi"))));
        assert!(!exceeds_limit(&stress("150M", Some("200Mi"))));
        assert!(!exceeds_limit(&stress("250M", None)));
        assert!(exceeds_limit(&stress("2G", Some("1Gi"))));
        let inline = Container {
            command: Some(vec!["sh".into(), "-c".into(), "stress --vm 1 --vm-bytes=300Mi".into()]),
            ..stress("1", Some("100Mi"))
        };
        assert!(exceeds_limit(&inline));
        assert!(!exceeds_limit(&Container::default()));
    }
}
