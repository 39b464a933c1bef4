//! Where a statement's output goes: the terminal, a file (`> f` is replaced atomically:
//! written beside it and renamed only when the command succeeds), a file appended to
//! (`>> f`), or a host command's stdin (`| cmd`). A closed pipe is not an error.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

use crate::command::Sink;
use crate::error::{Error, Result};

pub enum Output {
    Stdout(io::Stdout),
    Replace {
        file: File,
        tmp: PathBuf,
        path: PathBuf,
    },
    Append(File),
    Pipe {
        child: Child,
        stdin: Option<ChildStdin>,
    },
    /// Collects output in memory (tests, `-c` capture).
    Buffer(Vec<u8>),
}

fn expand(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => dirs::home_dir().map_or_else(|| PathBuf::from(path), |h| h.join(rest)),
        None => PathBuf::from(path),
    }
}

impl Output {
    pub fn open(sink: &Sink) -> Result<Self> {
        match sink {
            Sink::Stdout => Ok(Output::Stdout(io::stdout())),
            Sink::File { path, append: true } => {
                let p = expand(path);
                let f = OpenOptions::new().create(true).append(true).open(&p).map_err(|e| file_error(&p, e))?;
                Ok(Output::Append(f))
            }
            Sink::File { path, append: false } => {
                let p = expand(path);
                let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if name.is_empty() || p.is_dir() {
                    return Err(Error::msg(format!("cannot write to {path:?}: is a directory")));
                }
                let tmp = dir.join(format!(".{name}.podsh-{}.tmp", std::process::id()));
                let file = File::create(&tmp).map_err(|e| file_error(&p, e))?;
                Ok(Output::Replace { file, tmp, path: p })
            }
            Sink::Pipe(cmd) => {
                let mut child = Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .stdin(Stdio::piped())
                    .spawn()
                    .map_err(|e| Error::msg(format!("cannot run {cmd:?}: {e}")))?;
                let stdin = child.stdin.take();
                Ok(Output::Pipe { child, stdin })
            }
        }
    }

    pub fn buffer() -> Self {
        Output::Buffer(Vec::new())
    }

    /// Whether output reaches a terminal (for colour decisions).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Output::Stdout(s) if std::io::IsTerminal::is_terminal(s))
    }

    /// Completes the output: renames a replaced file only if `ok`, waits for a pipe.
    pub fn finish(self, ok: bool) -> Result<Option<i32>> {
        match self {
            Output::Replace { mut file, tmp, path } => {
                let flushed = file.flush().and_then(|_| file.sync_all());
                drop(file);
                if ok && flushed.is_ok() {
                    std::fs::rename(&tmp, &path).map_err(|e| {
                        let _ = std::fs::remove_file(&tmp);
                        file_error(&path, e)
                    })?;
                } else {
                    let _ = std::fs::remove_file(&tmp);
                }
                Ok(None)
            }
            Output::Pipe { mut child, stdin } => {
                drop(stdin);
                let status = child.wait().map_err(|e| Error::msg(format!("pipe: {e}")))?;
                Ok(status.code())
            }
            Output::Stdout(mut s) => {
                let _ = s.flush();
                Ok(None)
            }
            Output::Append(mut f) => {
                f.flush().map_err(|e| Error::msg(format!("write: {e}")))?;
                Ok(None)
            }
            Output::Buffer(_) => Ok(None),
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Output::Buffer(b) => b,
            _ => Vec::new(),
        }
    }
}

fn file_error(p: &Path, e: io::Error) -> Error {
    Error::msg(format!("cannot write {}: {e}", p.display()))
}

/// Treats a closed reader (`| head`) as the end of output, not a failure.
fn swallow_broken_pipe(r: io::Result<usize>, len: usize) -> io::Result<usize> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(len),
        other => other,
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(s) => swallow_broken_pipe(s.write(buf), buf.len()),
            Output::Replace { file, .. } => file.write(buf),
            Output::Append(f) => f.write(buf),
            Output::Pipe { stdin: Some(s), .. } => swallow_broken_pipe(s.write(buf), buf.len()),
            Output::Pipe { stdin: None, .. } => Ok(buf.len()),
            Output::Buffer(b) => b.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(s) => match s.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
            Output::Replace { file, .. } => file.flush(),
            Output::Append(f) => f.flush(),
            Output::Pipe { stdin: Some(s), .. } => match s.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_is_atomic() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("out.yaml");
        std::fs::write(&p, "old\n").expect("seed");
        let sink = Sink::File { path: p.to_string_lossy().into(), append: false };
        let mut o = Output::open(&sink).expect("opens");
        o.write_all(b"half").expect("writes");
        o.finish(false).expect("finishes");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "old\n", "a failed command leaves the file");
        let mut o = Output::open(&sink).expect("opens");
        o.write_all(b"new\n").expect("writes");
        o.finish(true).expect("finishes");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1, "no temp file left");
        let mut a = Output::open(&Sink::File { path: p.to_string_lossy().into(), append: true }).expect("opens");
        a.write_all(b"more\n").expect("writes");
        a.finish(true).expect("finishes");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new\nmore\n");
    }
}
