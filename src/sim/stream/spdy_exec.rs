//! `exec` and `attach` over plain SPDY (remote command `v4.channel.k8s.io` and older), as
//! kubectl speaks it when WebSockets are off (`KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`)
//! and as clients before 1.30 do: the client opens one SPDY stream per channel (`error`,
//! `stdin`, `stdout`, `stderr`, `resize`, named by the `streamtype` header); the job runs
//! with the same ends as over a WebSocket; at the end the error stream carries the Status.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::mpsc::unbounded_channel;

use super::link::{Rx, Tx};
use super::session::{ERROR, Ending, Ends, STDERR, STDOUT, Streams, conclude, typed};
use super::spdy::{Codec, Frame, data_frame};
use super::tty::Discipline;
use crate::sim::userland::io::{Frame as Chunk, Input};

/// The remote-command versions served over SPDY, best first.
pub const PROTOCOLS: [&str; 4] = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

/// How long the client has to open the streams it asked for.
const OPENING: Duration = Duration::from_secs(10);

/// The streams the client must open for what it asked (the error stream always).
fn expected(s: Streams) -> Vec<&'static str> {
    let mut v = vec!["error"];
    if s.stdin {
        v.push("stdin");
    }
    if s.stdout {
        v.push("stdout");
    }
    if s.stderr && !s.tty {
        v.push("stderr");
    }
    if s.tty {
        v.push("resize");
    }
    v
}

/// Reads frames until every expected stream is open, accepting each; returns their ids
/// and the bytes read past them.
async fn open_streams(
    rx: &mut Rx,
    tx: &mut Tx,
    codec: &mut Codec,
    want: &[&str],
) -> Option<(HashMap<String, u32>, Vec<u8>)> {
    let mut ids = HashMap::new();
    let mut buf = Vec::new();
    while want.iter().any(|w| !ids.contains_key(*w)) {
        match codec.decode(&mut buf).ok()? {
            Some(Frame::SynStream { id, headers, .. }) => {
                let kind = headers.iter().find(|(k, _)| k == "streamtype").map(|(_, v)| v.clone()).unwrap_or_default();
                let reply = codec.encode(&Frame::SynReply { id, fin: false, headers: Vec::new() });
                if !tx.send(reply).await {
                    return None;
                }
                ids.insert(kind, id);
            }
            Some(Frame::Ping(n)) => {
                let pong = codec.encode(&Frame::Ping(n));
                tx.send(pong).await;
            }
            Some(_) => {}
            None => buf.extend(rx.recv().await?),
        }
    }
    Some((ids, buf))
}

/// Runs `job` over a SPDY connection until it ends, then reports its ending.
pub async fn run<F, Fut>(mut rx: Rx, mut tx: Tx, streams: Streams, argv: Vec<String>, job: F)
where
    F: FnOnce(Ends) -> Fut,
    Fut: Future<Output = Ending>,
{
    let mut codec = Codec::default();
    let opened = tokio::time::timeout(OPENING, open_streams(&mut rx, &mut tx, &mut codec, &expected(streams))).await;
    let Ok(Some((ids, mut pending))) = opened else {
        tx.close().await;
        return;
    };
    let id = |name: &str| ids.get(name).copied();
    let (stdin, resize) = (id("stdin"), id("resize"));
    let (frames, mut frames_rx) = unbounded_channel::<Chunk>();
    let (input_tx, input) = unbounded_channel::<Input>();
    let (raw_tx, mut raw_rx) = unbounded_channel::<Vec<u8>>();
    let (width_tx, width_rx) = tokio::sync::oneshot::channel::<usize>();
    let tty = streams.tty;

    let echo = frames.clone();
    let reader = tokio::spawn(async move {
        let mut discipline = Discipline::default();
        let mut width_tx = Some(width_tx);
        loop {
            let frame = match codec.decode(&mut pending) {
                Ok(Some(f)) => f,
                Ok(None) => match rx.recv().await {
                    Some(b) => {
                        pending.extend(b);
                        continue;
                    }
                    None => break,
                },
                Err(_) => break,
            };
            match frame {
                Frame::Data { id, fin, data } if Some(id) == stdin => {
                    typed(tty.then_some(&mut discipline), &data, &echo, &input_tx);
                    if fin {
                        let _ = input_tx.send(Input::Closed);
                    }
                }
                Frame::Data { id, data, .. } if Some(id) == resize => {
                    // One JSON object per message: {"Width":80,"Height":24}.
                    for size in serde_json::Deserializer::from_slice(&data).into_iter::<serde_json::Value>().flatten() {
                        if let (Some(w), Some(tx)) = (size["Width"].as_u64(), width_tx.take()) {
                            let _ = tx.send(w as usize);
                        }
                    }
                }
                Frame::Ping(n) => {
                    let _ = raw_tx.send(codec.encode(&Frame::Ping(n)));
                }
                _ => {}
            }
        }
        let _ = input_tx.send(Input::Closed);
    });

    let channel_ids: HashMap<u8, u32> = [(STDOUT, id("stdout")), (STDERR, id("stderr")), (ERROR, id("error"))]
        .into_iter()
        .filter_map(|(c, i)| Some((c, i?)))
        .collect();
    let (finish_tx, mut finish_rx) = tokio::sync::oneshot::channel::<()>();
    let writer_ids = channel_ids.clone();
    let writer = tokio::spawn(async move {
        let to_frame = |(ch, data): Chunk| writer_ids.get(&ch).map(|id| data_frame(*id, false, &data));
        loop {
            tokio::select! {
                f = frames_rx.recv() => match f {
                    Some(f) => if let Some(bytes) = to_frame(f) && !tx.send(bytes).await { return tx },
                    None => break,
                },
                r = raw_rx.recv() => if let Some(bytes) = r && !tx.send(bytes).await { return tx },
                _ = &mut finish_rx => break,
            }
        }
        while let Ok(f) = frames_rx.try_recv() {
            if let Some(bytes) = to_frame(f) {
                tx.send(bytes).await;
            }
        }
        // Every stream of ours ends, the error stream last, and the connection closes.
        for ch in [STDOUT, STDERR, ERROR] {
            if let Some(id) = writer_ids.get(&ch) {
                tx.send(data_frame(*id, true, &[])).await;
            }
        }
        tx.close().await;
        tx
    });

    conclude(job, tty, width_rx, frames, input, &argv, finish_tx).await;
    let _ = writer.await;
    reader.abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streams_a_client_opens() {
        let s = |stdin, stdout, stderr, tty| Streams { stdin, stdout, stderr, tty };
        assert_eq!(expected(s(false, true, true, false)), ["error", "stdout", "stderr"]);
        assert_eq!(expected(s(true, true, true, true)), ["error", "stdin", "stdout", "resize"]);
        assert_eq!(expected(s(true, false, false, false)), ["error", "stdin"]);
    }
}
