//! Writing files that hold credentials or private history: created with mode 0600 on
//! Unix, so nothing the shell or the simulator writes is readable by other users.

use std::io::Write;
use std::path::Path;

/// Writes (replacing) a file with mode 0600 on Unix.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)
}

/// Creates `dir` and any missing parents, each new one with mode 0700 on Unix.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_replaced() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("f");
        write_private(&p, b"one two").expect("writes");
        write_private(&p, b"x").expect("replaces");
        assert_eq!(std::fs::read(&p).expect("reads"), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).expect("meta").permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn private_dirs_are_made_with_their_parents() {
        let dir = tempfile::tempdir().expect("tmp");
        let deep = dir.path().join("a").join("b");
        private_dir(&deep).expect("made");
        private_dir(&deep).expect("already there is fine");
        #[cfg(unix)]
        for d in [dir.path().join("a"), deep] {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&d).expect("meta").permissions().mode() & 0o777, 0o700);
        }
    }
}
