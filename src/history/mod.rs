//! Persistent history in `$XDG_STATE_HOME/kubectl-podsh/history` (`PODSH_HISTORY`
//! overrides), mode 0600. Each entry is appended the moment its line is entered, with
//! its context, namespace and time, and its exit status and duration when it ends; each
//! record is a single `O_APPEND` write, so concurrent sessions interleave instead of
//! overwriting (`record` holds the format). Lines starting with a space are private;
//! consecutive duplicates are kept once; the file is trimmed to the newest 10,000
//! entries. `recall` expands `!!` and `!N`, `view` lists, `export` writes scripts.

pub mod export;
pub mod recall;
pub mod record;
pub mod view;

pub use record::{Entry, Meta};

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

/// All entries, oldest first, with what is known about them.
pub fn entries(path: &Path) -> Vec<Entry> {
    std::fs::read_to_string(path).map(|t| record::parse(&t)).unwrap_or_default()
}

/// All entries' lines, oldest first.
pub fn load(path: &Path) -> Vec<String> {
    entries(path).into_iter().map(|e| e.line).collect()
}

/// Where and when a line is entered, for its metadata.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub ctx: String,
    pub ns: String,
    pub cwd: String,
    pub kubeconfig: String,
}

/// A name for this run of the shell, unique enough among the sessions sharing a file.
fn session_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{:x}", std::process::id(), nanos % 0xffff_ffff)
}

/// Appends entries to one history file.
pub struct History {
    path: PathBuf,
    last: Option<String>,
    /// The id of the last entry written, which a consecutive duplicate reuses.
    last_id: Option<String>,
    appended: usize,
    session: String,
}

impl History {
    pub fn open(path: PathBuf) -> Self {
        let last = load(&path).pop();
        let h = Self { path, last, last_id: None, appended: 0, session: session_name() };
        h.trim();
        h
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This run's session name, as entry ids carry it.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// Appends `text` in one write.
    fn append(&self, text: &str) -> bool {
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
        f.write_all(text.as_bytes()).is_ok()
    }

    /// Saves a bare `line` now (no metadata); returns whether it was kept.
    pub fn add(&mut self, line: &str) -> bool {
        self.last.as_deref() != Some(line) && self.enter(line, None).is_some()
    }

    /// Saves `line` now with where it runs; returns the entry's id for `finish`. A
    /// consecutive duplicate is not written again: its outcome updates the entry before.
    pub fn enter(&mut self, line: &str, place: Option<&Place>) -> Option<String> {
        if line.trim().is_empty() || line.starts_with(' ') {
            return None;
        }
        if self.last.as_deref() == Some(line) {
            return self.last_id.clone();
        }
        let meta = place.map(|p| Meta {
            id: format!("{}.{}", self.session, self.appended + 1),
            at: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ctx: p.ctx.clone(),
            ns: p.ns.clone(),
            cwd: p.cwd.clone(),
            kubeconfig: p.kubeconfig.clone(),
            status: None,
            ms: None,
            ran: None,
        });
        if !self.append(&record::entry_text(line, meta.as_ref())) {
            return None;
        }
        self.last = Some(line.to_string());
        self.last_id = meta.map(|m| m.id);
        self.appended += 1;
        if self.appended.is_multiple_of(500) {
            self.trim();
        }
        self.last_id.clone().or(Some(String::new()))
    }

    /// Records how entry `id` ended.
    /// `ran` is the line as it ran when that differs (its `@` references replaced).
    pub fn finish(&self, id: &str, status: i32, elapsed: std::time::Duration, ran: Option<&str>) {
        if !id.is_empty() {
            let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
            self.append(&record::outcome_text(id, status, ms, ran));
        }
    }

    /// Keeps the newest entries once the file holds well over the limit. Another
    /// session's append during the rewrite can be lost, so it runs rarely.
    fn trim(&self) {
        let entries = entries(&self.path);
        if entries.len() <= MAX_ENTRIES + MAX_ENTRIES / 10 {
            return;
        }
        let text = record::render(&entries[entries.len() - MAX_ENTRIES..]);
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
