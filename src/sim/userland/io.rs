//! Where a container command reads and writes: the remote streams of an exec/attach
//! session (frames to the client, typed input from it), in-memory buffers between the
//! commands of a pipeline, or nothing. A terminal session turns `\n` into `\r\n` on output
//! as a tty's line discipline does.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

/// A chunk for the client: the stream number (1 stdout, 2 stderr) and its bytes.
pub type Frame = (u8, Vec<u8>);

/// What arrives from the client's side of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Data(Vec<u8>),
    /// End of input for the current reader (Ctrl-D on a terminal).
    Eof,
    /// Ctrl-C on a terminal.
    Interrupt,
    /// The client closed stdin or went away: no more input ever.
    Closed,
}

/// The client's input, with what was read ahead but not used yet.
pub struct Inbox {
    rx: UnboundedReceiver<Input>,
    buf: VecDeque<u8>,
    closed: bool,
}

/// What a blocked reader was woken by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    Data,
    Eof,
    Interrupt,
}

impl Inbox {
    pub fn new(rx: UnboundedReceiver<Input>) -> Self {
        Inbox { rx, buf: VecDeque::new(), closed: false }
    }

    /// Waits for more input.
    async fn fill(&mut self) -> Wake {
        if self.closed {
            return Wake::Eof;
        }
        match self.rx.recv().await {
            Some(Input::Data(d)) => {
                self.buf.extend(d);
                Wake::Data
            }
            Some(Input::Eof) => Wake::Eof,
            Some(Input::Interrupt) => Wake::Interrupt,
            Some(Input::Closed) | None => {
                self.closed = true;
                Wake::Eof
            }
        }
    }

    /// One line with its `\n`; `Err` when input ended or was interrupted first (what was
    /// typed before an end of input is still returned as a last line).
    pub async fn line(&mut self) -> Result<Vec<u8>, Wake> {
        loop {
            if let Some(i) = self.buf.iter().position(|b| *b == b'\n') {
                return Ok(self.buf.drain(..=i).collect());
            }
            match self.fill().await {
                Wake::Data => {}
                Wake::Eof if !self.buf.is_empty() => return Ok(self.buf.drain(..).collect()),
                w => return Err(w),
            }
        }
    }

    /// Everything until end of input; `Err` when interrupted.
    pub async fn all(&mut self) -> Result<Vec<u8>, Wake> {
        loop {
            match self.fill().await {
                Wake::Data => {}
                Wake::Eof => return Ok(self.buf.drain(..).collect()),
                Wake::Interrupt => return Err(Wake::Interrupt),
            }
        }
    }

    /// Waits for an interrupt, keeping typed-ahead data for later readers; returns when
    /// input is closed for good, too (nothing can interrupt any more).
    pub async fn interrupted(&mut self) {
        loop {
            match self.fill().await {
                Wake::Interrupt => return,
                Wake::Eof if self.closed => std::future::pending::<()>().await,
                _ => {}
            }
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed && self.buf.is_empty()
    }
}

/// A place output goes. Every kind can be shared (`2>&1`, `>&2`): the copies write to
/// the same place, in the order they write.
pub enum Sink {
    Remote { tx: UnboundedSender<Frame>, stream: u8, tty: bool },
    Buffer(Arc<Mutex<Vec<u8>>>),
    Null,
}

impl Sink {
    pub fn buffer() -> Sink {
        Sink::Buffer(Arc::default())
    }

    pub fn write(&mut self, data: &[u8]) {
        match self {
            Sink::Remote { tx, stream, tty } => {
                let bytes = if *tty { onlcr(data) } else { data.to_vec() };
                // A client that went away just stops receiving; the command still finishes.
                let _ = tx.send((*stream, bytes));
            }
            Sink::Buffer(b) => b.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(data),
            Sink::Null => {}
        }
    }

    pub fn say(&mut self, text: &str) {
        self.write(text.as_bytes());
    }

    /// A second handle on the same destination.
    pub fn share(&self) -> Sink {
        match self {
            Sink::Remote { tx, stream, tty } => Sink::Remote { tx: tx.clone(), stream: *stream, tty: *tty },
            Sink::Buffer(b) => Sink::Buffer(Arc::clone(b)),
            Sink::Null => Sink::Null,
        }
    }

    /// What a buffer holds (emptying it); nothing for other sinks.
    pub fn take_buffer(&mut self) -> Vec<u8> {
        match self {
            Sink::Buffer(b) => std::mem::take(&mut *b.lock().unwrap_or_else(|e| e.into_inner())),
            _ => Vec::new(),
        }
    }
}

/// `\n` -> `\r\n`, leaving existing `\r\n` alone.
fn onlcr(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 8);
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Where a command reads from.
pub enum Source<'a> {
    Remote(&'a mut Inbox),
    Bytes(VecDeque<u8>),
    Empty,
}

impl Source<'_> {
    pub async fn line(&mut self) -> Result<Vec<u8>, Wake> {
        match self {
            Source::Remote(inbox) => inbox.line().await,
            Source::Bytes(b) if b.is_empty() => Err(Wake::Eof),
            Source::Bytes(b) => {
                let n = b.iter().position(|c| *c == b'\n').map_or(b.len(), |i| i + 1);
                Ok(b.drain(..n).collect())
            }
            Source::Empty => Err(Wake::Eof),
        }
    }

    pub async fn all(&mut self) -> Result<Vec<u8>, Wake> {
        match self {
            Source::Remote(inbox) => inbox.all().await,
            Source::Bytes(b) => Ok(b.drain(..).collect()),
            Source::Empty => Ok(Vec::new()),
        }
    }

    /// Resolves on Ctrl-C from the client; never for other sources.
    pub async fn interrupted(&mut self) {
        match self {
            Source::Remote(inbox) => inbox.interrupted().await,
            _ => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_output_gets_carriage_returns() {
        assert_eq!(onlcr(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    }

    #[tokio::test]
    async fn lines_end_of_input_and_interrupts() {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut inbox = Inbox::new(rx);
        tx.send(Input::Data(b"one\ntw".to_vec())).unwrap();
        tx.send(Input::Data(b"o\nthree".to_vec())).unwrap();
        tx.send(Input::Eof).unwrap();
        tx.send(Input::Interrupt).unwrap();
        tx.send(Input::Data(b"four\n".to_vec())).unwrap();
        tx.send(Input::Closed).unwrap();
        assert_eq!(inbox.line().await.unwrap(), b"one\n");
        assert_eq!(inbox.line().await.unwrap(), b"two\n");
        assert_eq!(inbox.line().await.unwrap(), b"three");
        assert_eq!(inbox.line().await, Err(Wake::Interrupt));
        assert_eq!(inbox.all().await.unwrap(), b"four\n");
        assert!(inbox.is_closed());
        assert_eq!(inbox.line().await, Err(Wake::Eof));
    }

    #[tokio::test]
    async fn buffers_and_sinks() {
        let mut src = Source::Bytes(b"a\nb".iter().copied().collect());
        assert_eq!(src.line().await.unwrap(), b"a\n");
        assert_eq!(src.line().await.unwrap(), b"b");
        assert_eq!(src.line().await, Err(Wake::Eof));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut s = Sink::Remote { tx, stream: 1, tty: true };
        s.say("x\n");
        s.share().say("y");
        assert_eq!(rx.recv().await.unwrap(), (1, b"x\r\n".to_vec()));
        assert_eq!(rx.recv().await.unwrap(), (1, b"y".to_vec()));
        let mut b = Sink::buffer();
        b.say("z");
        b.share().say("!");
        assert_eq!(b.take_buffer(), b"z!");
        assert!(b.take_buffer().is_empty());
        assert!(matches!(Sink::Null.share(), Sink::Null));
    }
}
