//! Persistent history: one line per entry in `$XDG_STATE_HOME/kubectl-podsh/history`
//! (`PODSH_HISTORY` overrides), mode 0600, appended the moment a line is entered with a
//! single `O_APPEND` write so concurrent sessions interleave instead of overwriting.
//! Lines starting with a space are private; consecutive duplicates are kept once; the
//! file is trimmed to the newest 10,000 entries.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MAX_ENTRIES: usize = 10_000;

/// The history file: `PODSH_HISTORY`, else the state directory's `history`.
pub fn default_path(state_dir: Option<&Path>) -> Option<PathBuf> {
    match std::env::var_os("PODSH_HISTORY") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => state_dir.map(|d| d.join("history")),
    }
}

fn escape(line: &str) -> String {
    line.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// All entries, oldest first.
pub fn load(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| t.lines().filter(|l| !l.is_empty()).map(unescape).collect())
        .unwrap_or_default()
}

/// Appends entries to one history file.
pub struct History {
    path: PathBuf,
    last: Option<String>,
    appended: usize,
}

impl History {
    pub fn open(path: PathBuf) -> Self {
        let last = load(&path).pop();
        let h = Self { path, last, appended: 0 };
        h.trim();
        h
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves `line` now; returns whether it was kept.
    pub fn add(&mut self, line: &str) -> bool {
        if line.trim().is_empty() || line.starts_with(' ') || self.last.as_deref() == Some(line) {
            return false;
        }
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let Ok(mut f) = opts.open(&self.path) else { return false };
        let record = format!("{}\n", escape(line));
        if f.write_all(record.as_bytes()).is_err() {
            return false;
        }
        self.last = Some(line.to_string());
        self.appended += 1;
        if self.appended.is_multiple_of(500) {
            self.trim();
        }
        true
    }

    /// Keeps the newest entries once the file holds well over the limit. Another
    /// session's append during the rewrite can be lost, so it runs rarely.
    fn trim(&self) {
        let entries = load(&self.path);
        if entries.len() <= MAX_ENTRIES + MAX_ENTRIES / 10 {
            return;
        }
        let keep = &entries[entries.len() - MAX_ENTRIES..];
        let text: String = keep.iter().map(|l| format!("{}\n", escape(l))).collect();
        let tmp = self.path.with_extension(format!("trim.{}", std::process::id()));
        if crate::common::files::write_private(&tmp, text.as_bytes()).is_ok() {
            let _ = std::fs::rename(&tmp, &self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_privately_and_dedups() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("state").join("history");
        let mut h = History::open(p.clone());
        assert!(h.add("get pods"));
        assert!(!h.add("get pods"), "consecutive duplicate");
        assert!(!h.add(" secret --token=x"), "space-prefixed");
        assert!(h.add("run x --image=y --command -- sh -c 'a\nb'"));
        assert!(h.add("get pods"));
        assert_eq!(load(&p), vec!["get pods", "run x --image=y --command -- sh -c 'a\nb'", "get pods"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let mut other = History::open(p.clone());
        assert!(!other.add("get pods"), "the file's last line counts as the previous entry");
    }

    #[test]
    fn concurrent_sessions_keep_every_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("history");
        let writers: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|who| {
                let p = p.clone();
                std::thread::spawn(move || {
                    let mut h = History::open(p);
                    for i in 0..300 {
                        h.add(&format!("{who} {i}"));
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("writer finished");
        }
        let lines = load(&p);
        assert_eq!(lines.len(), 600);
        for who in ["a", "b"] {
            let mine: Vec<&String> = lines.iter().filter(|l| l.starts_with(who)).collect();
            assert_eq!(mine.len(), 300);
            assert!(mine.windows(2).all(|w| w[0] < w[1] || w[0].len() < w[1].len()), "each session's order is kept");
        }
    }

    #[test]
    fn trims_to_the_limit() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("history");
        let text: String = (0..MAX_ENTRIES + 2000).map(|i| format!("cmd {i}\n")).collect();
        std::fs::write(&p, text).expect("seed");
        let _ = History::open(p.clone());
        let left = load(&p);
        assert_eq!(left.len(), MAX_ENTRIES);
        assert_eq!(left.last().map(String::as_str), Some(format!("cmd {}", MAX_ENTRIES + 1999).as_str()));
    }
}
