//! Where the kubeconfig comes from: the files kubectl would read, in its order
//! (`--kubeconfig`, else each file of `KUBECONFIG`, else `~/.kube/config`), read and
//! merged the way kubectl merges them (the first file to name an entry wins). The shell
//! reads these files and never writes them; kubectl gets the same list.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kube::config::Kubeconfig;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    files: Vec<PathBuf>,
}

impl Sources {
    /// Exactly these files, in this order.
    pub fn files(files: Vec<PathBuf>) -> Self {
        Self { files }
    }

    /// kubectl's choice: `explicit` (`--kubeconfig`), else `KUBECONFIG`'s list, else
    /// `~/.kube/config`; an error with a hint when there is none at all.
    pub fn locate(explicit: Option<PathBuf>) -> Result<Self> {
        if let Some(p) = explicit {
            return Ok(Self::files(vec![p]));
        }
        if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
            let files: Vec<PathBuf> = std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()).collect();
            return Ok(Self::files(files));
        }
        let home = dirs::home_dir().map(|h| h.join(".kube").join("config"));
        match home.filter(|p| p.exists()) {
            Some(p) => Ok(Self::files(vec![p])),
            None => Err(Error::with_hint(
                "no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist",
                "try the built-in cluster: kubectl podsh --playground",
            )),
        }
    }

    pub fn paths(&self) -> &[PathBuf] {
        &self.files
    }

    /// What the files hold now, to tell whether they changed since (a missing file is
    /// `None`). Read whole: a rotated token can keep the length and the second.
    pub fn fingerprint(&self) -> Vec<Option<u64>> {
        use std::hash::{Hash, Hasher};
        self.files
            .iter()
            .map(|p| {
                let bytes = std::fs::read(p).ok()?;
                let mut h = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut h);
                Some(h.finish())
            })
            .collect()
    }

    /// The files as a `KUBECONFIG` value, for kubectl.
    pub fn env_value(&self) -> OsString {
        std::env::join_paths(&self.files).unwrap_or_default()
    }

    /// Reads and merges the files (missing files in a list are skipped, as kubectl does;
    /// a single named file must exist).
    pub fn load(&self) -> Result<Kubeconfig> {
        let mut merged: Option<Kubeconfig> = None;
        for path in &self.files {
            if self.files.len() > 1 && !path.exists() {
                continue;
            }
            let kc = read_one(path)?;
            merged = Some(match merged {
                None => kc,
                Some(m) => m.merge(kc).map_err(|e| Error::msg(format!("cannot merge {}: {e}", path.display())))?,
            });
        }
        merged.ok_or_else(|| Error::msg("none of the kubeconfig files in KUBECONFIG exists"))
    }
}

/// The largest kubeconfig read (real ones are kilobytes; a few megabytes with hundreds
/// of clusters).
const MAX_KUBECONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// One kubeconfig file, or why not in one line.
fn read_one(path: &Path) -> Result<Kubeconfig> {
    let shown = path.display();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_KUBECONFIG_BYTES {
        return Err(Error::msg(format!(
            "cannot read kubeconfig {shown}: it is {:.1} MB, over the {} MB a kubeconfig may be",
            size as f64 / 1e6,
            MAX_KUBECONFIG_BYTES >> 20
        )));
    }
    // kube's reader also makes the files a kubeconfig names absolute, relative to it.
    Kubeconfig::read_from(path)
        .map_err(|e| Error::msg(format!("cannot read kubeconfig {shown}: {}", one_line(&e.to_string()))))
}

/// A kubeconfig's text as kube parses it (what `read_one` does after reading the file);
/// the reason for a refusal in one line.
pub fn parse(text: &str) -> std::result::Result<Kubeconfig, String> {
    Kubeconfig::from_yaml(text).map_err(|e| one_line(&e.to_string()))
}

/// A multi-line parser message as one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u, namespace: dev}\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: u\n  user: {token: t}\n";
    const TWO: &str = "apiVersion: v1\nkind: Config\ncurrent-context: b\ncontexts:\n- name: a\n  context: {cluster: c, user: u, namespace: other}\n- name: b\n  context: {cluster: c, user: u}\n";

    #[test]
    fn merges_in_order_and_skips_missing_list_entries() {
        let dir = tempfile::tempdir().expect("tmp");
        let (one, two) = (dir.path().join("one"), dir.path().join("two"));
        std::fs::write(&one, ONE).expect("one");
        std::fs::write(&two, TWO).expect("two");
        let s = Sources::files(vec![one.clone(), dir.path().join("missing"), two.clone()]);
        let kc = s.load().expect("merged");
        assert_eq!(kc.current_context.as_deref(), Some("a"), "the first file's current context wins");
        let ns = kc.contexts.iter().find(|c| c.name == "a").and_then(|c| c.context.as_ref()?.namespace.clone());
        assert_eq!(ns.as_deref(), Some("dev"), "the first file's context wins");
        assert_eq!(kc.contexts.len(), 2);
        assert!(Sources::files(vec![dir.path().join("missing")]).load().is_err(), "one named file must exist");
        assert_eq!(s.env_value(), std::env::join_paths([&one, &dir.path().join("missing"), &two]).expect("joins"));
    }
}
