//! The shell's standard streams as a value: where output and errors go, where input
//! comes from, and the terminal facts that decide colour, confirmations and whether a
//! child process may inherit them. The binary passes the process's own; tests pass
//! memory buffers and read what each line printed.

use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};

/// Which streams are terminals, and whether they are the process's own (so a child
/// such as kubectl may inherit them instead of having its output copied).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// The streams are the process's stdin, stdout and stderr.
    pub inherited: bool,
}

pub struct Streams {
    pub out: Box<dyn Write + Send>,
    pub err: Box<dyn Write + Send>,
    pub input: Box<dyn BufRead + Send>,
    pub terminal: Terminal,
}

impl Streams {
    /// The process's own streams. Input is read a byte at a time, so a confirmation
    /// never swallows what the user typed ahead for the line editor.
    pub fn process() -> Self {
        use std::io::IsTerminal;
        let terminal = Terminal {
            stdin: io::stdin().is_terminal(),
            stdout: io::stdout().is_terminal(),
            stderr: io::stderr().is_terminal(),
            inherited: true,
        };
        Streams {
            out: Box::new(io::stdout()),
            err: Box::new(io::stderr()),
            input: Box::new(io::BufReader::with_capacity(1, io::stdin())),
            terminal,
        }
    }

    /// Streams in memory: `input` to read, and a capture of what is written.
    pub fn memory(input: &str) -> (Self, Captured) {
        let captured = Captured::default();
        let streams = Streams {
            out: Box::new(captured.out.clone()),
            err: Box::new(captured.err.clone()),
            input: Box::new(io::Cursor::new(input.as_bytes().to_vec())),
            terminal: Terminal::default(),
        };
        (streams, captured)
    }
}

/// A shared in-memory buffer that can be written from the shell and read by a test.
#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    /// Takes what was written so far, as text.
    pub fn take(&self) -> String {
        let mut b = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&std::mem::take(&mut *b)).into_owned()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What memory streams captured.
#[derive(Clone, Default)]
pub struct Captured {
    pub out: Buffer,
    pub err: Buffer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_streams_capture_and_feed() {
        let (mut s, cap) = Streams::memory("y\nrest");
        s.out.write_all(b"out").expect("writes");
        s.err.write_all(b"err").expect("writes");
        let mut line = String::new();
        s.input.read_line(&mut line).expect("reads");
        assert_eq!((cap.out.take(), cap.err.take(), line.as_str()), ("out".into(), "err".into(), "y\n"));
        assert_eq!(cap.out.take(), "", "taken");
        assert!(!s.terminal.inherited && !s.terminal.stdout);
    }
}
