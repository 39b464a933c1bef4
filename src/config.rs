//! The optional config file, `$XDG_CONFIG_HOME/kubectl-podsh/config.toml`, read once at
//! start-up. A malformed file, or a key the shell does not know, stops the start with
//! the file's name and the problem: a typo in a safety setting must not pass silently.
//!
//! ```toml
//! protected = ["prod*", "*-live"]   # writes there need the context typed to confirm
//! unattended = ["staging-live"]     # protected contexts scripts may write without --yes-i-mean-CONTEXT
//! read-only = false                 # start in read-only mode
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Context name patterns (`*`, `?`) whose writes need confirming.
    #[serde(default)]
    pub protected: Vec<String>,
    /// Protected context patterns scripts may write to without `--yes-i-mean-CONTEXT`.
    #[serde(default)]
    pub unattended: Vec<String>,
    #[serde(default)]
    pub read_only: bool,
}

/// Where the config file lives.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("kubectl-podsh").join("config.toml"))
}

/// Reads the config; a missing file is the default config.
pub fn load(path: &Path) -> Result<Config> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(Error::msg(format!("cannot read {}: {e}", path.display()))),
    };
    parse(&text).map_err(|e| {
        Error::with_hint(
            format!("{}: {e}", path.display()),
            "keys: protected = [\"prod*\"], unattended = [...], read-only = true|false",
        )
    })
}

/// The config in `text`, or the parser's one-line complaint.
pub fn parse(text: &str) -> std::result::Result<Config, String> {
    toml::from_str(text).map_err(|e: toml::de::Error| {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: {message}")
            }
            None => message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_keys() {
        let c = parse("protected = [\"prod*\", \"*-live\"]\nunattended = [\"staging-live\"]\nread-only = true\n")
            .expect("valid");
        assert_eq!(c.protected, ["prod*", "*-live"]);
        assert_eq!(c.unattended, ["staging-live"]);
        assert!(c.read_only);
        assert_eq!(parse("").expect("empty"), Config::default());
    }

    #[test]
    fn complaints_name_the_line_and_problem() {
        let e = parse("protected = [\"prod*\"]\nprotect = [\"x\"]\n").expect_err("unknown key");
        assert!(e.starts_with("line 2: unknown field `protect`"), "{e}");
        let e = parse("protected = \"prod*\"\n").expect_err("wrong type");
        assert!(e.starts_with("line 1: invalid type: string"), "{e}");
        let e = parse("protected = [\n").expect_err("unclosed");
        assert!(e.starts_with("line "), "{e}");
    }

    #[test]
    fn lives_in_the_config_directory() {
        let p = default_path().expect("a config directory");
        assert!(p.ends_with("kubectl-podsh/config.toml"), "{}", p.display());
    }

    #[test]
    fn a_missing_file_is_the_default() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(load(&dir.path().join("none.toml")).expect("default"), Config::default());
        let unreadable = load(dir.path()).expect_err("a directory is not a config file");
        assert!(unreadable.to_string().starts_with("cannot read "), "{unreadable}");
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "read-only = maybe\n").expect("write");
        let e = load(&bad).expect_err("malformed");
        assert!(e.to_string().contains("bad.toml: line 1:"), "{e}");
    }
}
