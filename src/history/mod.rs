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
pub mod redact;
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

/// All entries, oldest first, with what is known about them (of a file that is not all
/// text, what reads as text).
pub fn entries(path: &Path) -> Vec<Entry> {
    read(path).map(|(t, _)| record::parse(&t)).unwrap_or_default()
}

/// The file's text, and whether it was all text; nothing for what is not a regular file
/// (a device such as `/dev/full` would read forever).
fn read(path: &Path) -> Option<(String, bool)> {
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(t) => (t, true),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
    })
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
    /// What went wrong with the file, to say once (`take_warning`).
    warning: Option<String>,
    warned: bool,
}

impl History {
    pub fn open(path: PathBuf) -> Self {
        let text = read(&path);
        let last = text.as_ref().and_then(|(t, _)| record::parse(t).pop()).map(|e| e.line);
        let mut h =
            Self { path, last, last_id: None, appended: 0, session: session_name(), warning: None, warned: false };
        if text.is_some_and(|(_, clean)| !clean) {
            h.warn(format!("the history file {} is not all text; what is not is skipped", h.path.display()));
        }
        h.trim();
        h
    }

    /// A problem with the history file, once per session (every line after would repeat it).
    pub fn take_warning(&mut self) -> Option<String> {
        self.warning.take().map(|w| format!("warning: {w}\n"))
    }

    fn warn(&mut self, text: String) {
        if !self.warned {
            self.warned = true;
            self.warning = Some(text);
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This run's session name, as entry ids carry it.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// Appends `text` in one write (a symlinked file is appended to at its target).
    fn append(&mut self, text: &str) -> bool {
        match self.try_append(text) {
            Ok(()) => true,
            Err(e) => {
                let path = self.path.display().to_string();
                self.warn(format!("cannot save history to {path} ({e}); this session's lines are not kept"));
                false
            }
        }
    }

    fn try_append(&self, text: &str) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::common::files::private_dir(dir)?;
        }
        let mut opts = OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&self.path)?;
        f.write_all(text.as_bytes())?;
        f.flush()
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
        if !self.append(&record::entry_text(&redact::redact(line), meta.as_ref())) {
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
    pub fn finish(&mut self, id: &str, status: i32, elapsed: std::time::Duration, ran: Option<&str>) {
        if !id.is_empty() {
            let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
            let ran = ran.map(redact::redact);
            self.append(&record::outcome_text(id, status, ms, ran.as_deref()));
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
        // Rewritten where the file really is: a symlinked history (dotfile managers
        // link it) keeps its link, and the rename stays within one file system.
        let target = std::fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone());
        let tmp = target.with_extension(format!("trim.{}", std::process::id()));
        if crate::common::files::write_private(&tmp, text.as_bytes()).is_ok() && std::fs::rename(&tmp, &target).is_err()
        {
            let _ = std::fs::remove_file(&tmp);
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

    #[test]
    fn secrets_are_redacted_in_the_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("history");
        let mut h = History::open(p.clone());
        let place = Place::default();
        let id = h.enter("get pods --token=abc123", Some(&place)).expect("kept");
        h.finish(&id, 0, std::time::Duration::ZERO, Some("get pods --token=abc123 -o name"));
        let text = std::fs::read_to_string(&p).expect("reads");
        assert!(!text.contains("abc123"), "{text}");
        assert_eq!(load(&p), ["get pods --token=REDACTED"]);
        assert_eq!(
            entries(&p)[0].meta.as_ref().and_then(|m| m.ran.clone()).as_deref(),
            Some("get pods --token=REDACTED -o name")
        );
        assert!(h.take_warning().is_none());
    }

    #[test]
    fn a_file_that_is_not_text_is_read_as_far_as_it_is_and_said_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("history");
        std::fs::write(&p, b"get pods\n\xff\xfe\x00garbage\nlogs web\n").expect("seed");
        let mut h = History::open(p.clone());
        let w = h.take_warning().expect("a warning");
        assert!(
            w.starts_with("warning: the history file") && w.ends_with("is not all text; what is not is skipped\n"),
            "{w}"
        );
        assert!(h.take_warning().is_none(), "once");
        assert!(h.add("describe pod web"));
        let lines = load(&p);
        assert_eq!(lines.first().map(String::as_str), Some("get pods"));
        assert_eq!(lines.last().map(String::as_str), Some("describe pod web"));
    }

    #[cfg(unix)]
    #[test]
    fn an_unwritable_place_or_a_full_disk_is_said_once_and_the_session_goes_on() {
        let dir = tempfile::tempdir().expect("tmp");
        let blocked = dir.path().join("file-not-dir");
        std::fs::write(&blocked, "x").expect("a file where a directory should be");
        let mut h = History::open(blocked.join("history"));
        assert!(!h.add("get pods"));
        let w = h.take_warning().expect("a warning");
        assert!(
            w.starts_with("warning: cannot save history to") && w.contains("this session's lines are not kept"),
            "{w}"
        );
        assert!(!h.add("logs web"));
        assert!(h.take_warning().is_none(), "said once");
        if std::path::Path::new("/dev/full").exists() {
            let mut full = History::open(PathBuf::from("/dev/full"));
            assert!(!full.add("get pods"));
            assert!(full.take_warning().is_some_and(|w| w.contains("No space left on device")));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_history_stays_a_link_and_its_target_is_trimmed() {
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("dotfiles").join("podsh_history");
        std::fs::create_dir_all(target.parent().expect("parent")).expect("dir");
        let text: String = (0..MAX_ENTRIES + 2000).map(|i| format!("cmd {i}\n")).collect();
        std::fs::write(&target, text).expect("seed");
        let link = dir.path().join("history");
        std::os::unix::fs::symlink(&target, &link).expect("link");
        let mut h = History::open(link.clone());
        assert!(h.add("get pods"));
        assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "still a link");
        let lines = load(&target);
        assert_eq!(lines.len(), MAX_ENTRIES + 1);
        assert_eq!(lines.last().map(String::as_str), Some("get pods"));
    }

    #[cfg(unix)]
    #[test]
    fn the_directories_it_makes_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("state").join("kubectl-podsh").join("history");
        assert!(History::open(p.clone()).add("get pods"));
        for d in [dir.path().join("state"), dir.path().join("state").join("kubectl-podsh")] {
            assert_eq!(std::fs::metadata(&d).expect("meta").permissions().mode() & 0o777, 0o700, "{}", d.display());
        }
    }
}
