//! The simulated registry's answer to a pull: listed official images have only the tags
//! of their patterns (`registry.txt`), the rest have every tag, and a name carrying
//! `MISSING_IMAGE_MARK` never exists.

use crate::common::glob::glob;

const TAGS: &str = include_str!("registry.txt");

/// The repository and tag of a reference as Docker Hub names them (`docker.io/library/`
/// dropped, `latest` when there is no tag); `None` for a digest reference.
fn repo_tag(image: &str) -> Option<(&str, &str)> {
    if image.contains('@') {
        return None;
    }
    let short = image.strip_prefix("docker.io/").unwrap_or(image);
    let short = short.strip_prefix("library/").unwrap_or(short);
    Some(match short.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (short, "latest"),
    })
}

/// `registry.txt` read once: each listed repository's tag patterns (a start-up fill asks
/// about the same image 150,000 times).
fn listed(repo: &str) -> Option<&'static [&'static str]> {
    static LISTED: std::sync::LazyLock<std::collections::HashMap<&'static str, Vec<&'static str>>> =
        std::sync::LazyLock::new(|| {
            TAGS.lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let mut words = l.split_whitespace();
                    Some((words.next()?, words.collect()))
                })
                .collect()
        });
    LISTED.get(repo).map(Vec::as_slice)
}

/// Whether the registry holds `image`.
pub fn has(image: &str) -> bool {
    if image.contains(super::MISSING_IMAGE_MARK) {
        return false;
    }
    let Some((repo, tag)) = repo_tag(image) else { return true };
    listed(repo).is_none_or(|patterns| patterns.iter().any(|p| glob(p, tag)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_images_have_their_tags_only() {
        for ok in [
            "nginx",
            "nginx:1.14.2",
            "docker.io/library/nginx:1.25",
            "nginx:1.16.1",
            "nginx:1.27.3-alpine",
            "busybox:1.36",
            "busybox",
            "registry.k8s.io/pause:3.9",
            "example.com/team/app:v7",
            "nginx@sha256:0123",
            "localhost:5000/nginx",
            "nginx:5000/team/app",
        ] {
            assert!(has(ok), "{ok}");
        }
        for missing in
            ["nginx:1.14.22", "nginx:latets", "docker.io/library/nginx:v1", "busybox:lates", "app:doesnotexist"]
        {
            assert!(!has(missing), "{missing}");
        }
    }
}
