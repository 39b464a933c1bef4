//! The byte pipe a SPDY session runs over: a WebSocket carrying SPDY in binary messages
//! (kubectl 1.30+'s tunnel) or a connection upgraded to plain `SPDY/3.1` (its fallback,
//! and older clients). Either is split into a receiving and a sending half.

use axum::extract::ws::{Message, WebSocket};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};

pub enum Rx {
    Ws(SplitStream<WebSocket>),
    Raw(ReadHalf<TokioIo<Upgraded>>),
}

pub enum Tx {
    Ws(SplitSink<WebSocket, Message>),
    Raw(WriteHalf<TokioIo<Upgraded>>),
}

pub fn websocket(ws: WebSocket) -> (Rx, Tx) {
    let (tx, rx) = ws.split();
    (Rx::Ws(rx), Tx::Ws(tx))
}

pub fn upgraded(io: Upgraded) -> (Rx, Tx) {
    let (rx, tx) = tokio::io::split(TokioIo::new(io));
    (Rx::Raw(rx), Tx::Raw(tx))
}

impl Rx {
    /// The next bytes from the peer; `None` once it has closed.
    pub async fn recv(&mut self) -> Option<Vec<u8>> {
        match self {
            Rx::Ws(s) => loop {
                match s.next().await? {
                    Ok(Message::Binary(b)) => return Some(b.to_vec()),
                    Ok(Message::Close(_)) | Err(_) => return None,
                    Ok(_) => {}
                }
            },
            Rx::Raw(r) => {
                let mut buf = vec![0u8; 16 * 1024];
                match r.read(&mut buf).await {
                    Ok(0) | Err(_) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some(buf)
                    }
                }
            }
        }
    }
}

impl Tx {
    /// Sends bytes; false once the peer has gone.
    pub async fn send(&mut self, bytes: Vec<u8>) -> bool {
        match self {
            Tx::Ws(s) => s.send(Message::Binary(bytes.into())).await.is_ok(),
            Tx::Raw(w) => w.write_all(&bytes).await.is_ok() && w.flush().await.is_ok(),
        }
    }

    pub async fn close(&mut self) {
        match self {
            Tx::Ws(s) => {
                let _ = s.close().await;
            }
            Tx::Raw(w) => {
                let _ = w.shutdown().await;
            }
        }
    }
}
