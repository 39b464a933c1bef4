//! Where a statement's output goes (its `Sink`, opened): the shell's output stream, a
//! file (`> f` is replaced atomically: written beside it and renamed only when the
//! command succeeds), a file appended to (`>> f`), or a host command's stdin (`| cmd`).
//! A closed pipe is not an error.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::thread::JoinHandle;

use crate::command::Sink;
use crate::error::{Error, Result};

pub enum Destination<'a> {
    /// The shell's own output stream.
    Out(&'a mut (dyn Write + Send)),
    Replace {
        file: File,
        tmp: PathBuf,
        path: PathBuf,
    },
    Append(File),
    Pipe {
        child: Child,
        stdin: Option<ChildStdin>,
        /// The command's output when it cannot inherit the process's stdout: read by a
        /// thread, then written to the shell's output stream when the command ends.
        captured: Option<(JoinHandle<Vec<u8>>, &'a mut (dyn Write + Send))>,
    },
}

fn expand(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => dirs::home_dir().map_or_else(|| PathBuf::from(path), |h| h.join(rest)),
        None => PathBuf::from(path),
    }
}

fn replace<'a>(path: &str) -> Result<Destination<'a>> {
    let p = expand(path);
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() || p.is_dir() {
        return Err(Error::msg(format!("cannot write to {path:?}: is a directory")));
    }
    let tmp = dir.join(format!(".{name}.podsh-{}.tmp", std::process::id()));
    let file = File::create(&tmp).map_err(|e| file_error(&p, e))?;
    Ok(Destination::Replace { file, tmp, path: p })
}

fn pipe<'a>(cmd: &str, out: &'a mut (dyn Write + Send), inherit: bool) -> Result<Destination<'a>> {
    let mut child = crate::hostshell::command(cmd)
        .stdin(Stdio::piped())
        .stdout(if inherit { Stdio::inherit() } else { Stdio::piped() })
        .spawn()
        .map_err(|e| Error::msg(format!("cannot run {cmd:?}: {e}")))?;
    let stdin = child.stdin.take();
    let captured = child.stdout.take().map(|mut reader| {
        let reading = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = reader.read_to_end(&mut bytes);
            bytes
        });
        (reading, out)
    });
    Ok(Destination::Pipe { child, stdin, captured })
}

impl<'a> Destination<'a> {
    /// Opens `sink`; `out` is the shell's output stream, which a pipe's command inherits
    /// when `inherit` says it is the process's own.
    pub fn open(sink: &Sink, out: &'a mut (dyn Write + Send), inherit: bool) -> Result<Self> {
        match sink {
            Sink::Stdout => Ok(Destination::Out(out)),
            Sink::File { path, append: true } => {
                let p = expand(path);
                let f = OpenOptions::new().create(true).append(true).open(&p).map_err(|e| file_error(&p, e))?;
                Ok(Destination::Append(f))
            }
            Sink::File { path, append: false } => replace(path),
            Sink::Pipe(cmd) => pipe(cmd, out, inherit),
        }
    }

    /// Completes the output: renames a replaced file only if `ok`, waits for a pipe and
    /// returns its exit status.
    pub fn finish(self, ok: bool) -> Result<Option<i32>> {
        match self {
            Destination::Replace { mut file, tmp, path } => {
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
            Destination::Pipe { mut child, stdin, captured } => {
                drop(stdin);
                let status = child.wait().map_err(|e| Error::msg(format!("pipe: {e}")))?;
                if let Some((reading, out)) = captured {
                    let bytes = reading.join().unwrap_or_default();
                    swallow_broken_pipe(out.write_all(&bytes).map(|_| bytes.len()), bytes.len())
                        .and_then(|_| out.flush())
                        .map_err(|e| Error::msg(format!("write: {e}")))?;
                }
                Ok(status.code())
            }
            Destination::Out(s) => {
                let _ = s.flush();
                Ok(None)
            }
            Destination::Append(mut f) => {
                f.flush().map_err(|e| Error::msg(format!("write: {e}")))?;
                Ok(None)
            }
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

fn quiet_flush(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

impl Write for Destination<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Destination::Out(s) => swallow_broken_pipe(s.write(buf), buf.len()),
            Destination::Replace { file, .. } => file.write(buf),
            Destination::Append(f) => f.write(buf),
            Destination::Pipe { stdin: Some(s), .. } => swallow_broken_pipe(s.write(buf), buf.len()),
            Destination::Pipe { stdin: None, .. } => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::Out(s) => quiet_flush(s.flush()),
            Destination::Replace { file, .. } => file.flush(),
            Destination::Append(f) => f.flush(),
            Destination::Pipe { stdin: Some(s), .. } => quiet_flush(s.flush()),
            Destination::Pipe { stdin: None, .. } => Ok(()),
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
        let mut out = std::io::sink();
        let mut o = Destination::open(&sink, &mut out, true).expect("opens");
        o.write_all(b"half").expect("writes");
        o.finish(false).expect("finishes");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "old\n", "a failed command leaves the file");
        let mut o = Destination::open(&sink, &mut out, true).expect("opens");
        o.write_all(b"new\n").expect("writes");
        o.finish(true).expect("finishes");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1, "no temp file left");
        let mut a = Destination::open(&Sink::File { path: p.to_string_lossy().into(), append: true }, &mut out, true)
            .expect("opens");
        a.write_all(b"more\n").expect("writes");
        a.finish(true).expect("finishes");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "new\nmore\n");
    }
}

#[cfg(test)]
mod pipe_tests {
    use super::*;

    #[test]
    fn a_pipe_that_cannot_inherit_writes_into_the_output_stream() {
        let mut out: Vec<u8> = Vec::new();
        let mut d = Destination::open(&Sink::Pipe("tr a-z A-Z".into()), &mut out, false).expect("opens");
        d.write_all(b"pod/web\n").expect("writes");
        assert_eq!(d.finish(true).expect("finishes"), Some(0));
        assert_eq!(String::from_utf8_lossy(&out), "POD/WEB\n");
        let mut out: Vec<u8> = Vec::new();
        let d = Destination::open(&Sink::Pipe("exit 3".into()), &mut out, false).expect("opens");
        assert_eq!(d.finish(true).expect("finishes"), Some(3), "the command's status");
    }
}
