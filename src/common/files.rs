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
}
