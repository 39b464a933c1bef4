//! One remote-command session over a WebSocket (`v5.channel.k8s.io`, or `v4`): every
//! binary message is a channel byte and data (0 stdin, 1 stdout, 2 stderr, 3 error,
//! 4 resize; 255 closes a channel in v5). The job's output goes out as it is written; at
//! the end the error channel carries the Status kubectl turns into its exit code, and the
//! socket closes normally.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

use super::tty::Discipline;
use crate::sim::userland::io::{Frame, Input};

pub const STDIN: u8 = 0;
pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;
pub const ERROR: u8 = 3;
pub const RESIZE: u8 = 4;
pub const CLOSE: u8 = 255;

/// The subprotocols served, best first.
pub const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

/// What the client asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Streams {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Exit(i32),
    /// The process could not start; the message goes to the client as an error.
    Failed(String),
}

/// The job's ends of the session.
pub struct Ends {
    pub frames: UnboundedSender<Frame>,
    pub input: UnboundedReceiver<Input>,
    /// The terminal width once the client has said it.
    pub width: Option<usize>,
}

/// The Status the error channel carries for an ending.
pub fn status_of(ending: &Ending, argv: &[String]) -> serde_json::Value {
    match ending {
        Ending::Exit(0) => json!({"metadata": {}, "status": "Success"}),
        Ending::Exit(code) => json!({
            "metadata": {},
            "status": "Failure",
            "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {code}", argv.join(" ")),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]}
        }),
        Ending::Failed(message) => json!({
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": "InternalError",
            "details": {"causes": [{"message": message}]},
            "code": 500
        }),
    }
}

/// Runs `job` on the socket until it ends, then reports its ending and closes.
pub async fn run<F, Fut>(socket: WebSocket, streams: Streams, argv: Vec<String>, job: F)
where
    F: FnOnce(Ends) -> Fut,
    Fut: Future<Output = Ending>,
{
    let (mut tx_ws, mut rx_ws) = socket.split();
    let (frames, mut frames_rx) = unbounded_channel::<Frame>();
    let (input_tx, input) = unbounded_channel::<Input>();
    let (width_tx, width_rx) = oneshot::channel::<usize>();
    let (finish_tx, mut finish_rx) = oneshot::channel::<()>();

    let writer = tokio::spawn(async move {
        let send = |(ch, data): Frame| {
            let mut msg = Vec::with_capacity(data.len() + 1);
            msg.push(ch);
            msg.extend_from_slice(&data);
            Message::Binary(msg.into())
        };
        loop {
            tokio::select! {
                f = frames_rx.recv() => match f {
                    Some(f) => if tx_ws.send(send(f)).await.is_err() { return },
                    None => break,
                },
                _ = &mut finish_rx => break,
            }
        }
        while let Ok(f) = frames_rx.try_recv() {
            if tx_ws.send(send(f)).await.is_err() {
                return;
            }
        }
        let close = CloseFrame { code: 1000, reason: "".into() };
        let _ = tx_ws.send(Message::Close(Some(close))).await;
        let _ = tx_ws.close().await;
    });

    let echo = frames.clone();
    let tty = streams.tty;
    let reader = tokio::spawn(async move {
        let mut discipline = Discipline::default();
        let mut width_tx = Some(width_tx);
        while let Some(Ok(msg)) = rx_ws.next().await {
            let data = match msg {
                Message::Binary(d) => d,
                Message::Close(_) => break,
                _ => continue,
            };
            let Some((&ch, rest)) = data.split_first() else { continue };
            match ch {
                STDIN => typed(tty.then_some(&mut discipline), rest, &echo, &input_tx),
                RESIZE => {
                    let size: serde_json::Value = serde_json::from_slice(rest).unwrap_or_default();
                    if let (Some(w), Some(tx)) = (size["Width"].as_u64(), width_tx.take()) {
                        let _ = tx.send(w as usize);
                    }
                }
                CLOSE if rest.first() == Some(&STDIN) => {
                    let _ = input_tx.send(Input::Closed);
                }
                _ => {}
            }
        }
        let _ = input_tx.send(Input::Closed);
    });

    // A process takes a moment to start in a container, and client-go creates its channel
    // streams only after the handshake: data that arrives before them is dropped ("Unknown
    // stream id 1, discarding message"), which a simulator answering at once provoked.
    tokio::time::sleep(PROCESS_START).await;
    conclude(job, tty, width_rx, frames, input, &argv, finish_tx).await;
    let _ = writer.await;
    reader.abort();
}

/// How long after the handshake a session's process starts.
const PROCESS_START: Duration = Duration::from_millis(100);

/// Typed stdin bytes: on a terminal through its line discipline (echoed back), else as they are.
pub fn typed(
    terminal: Option<&mut Discipline>,
    data: &[u8],
    echo: &UnboundedSender<Frame>,
    input: &UnboundedSender<Input>,
) {
    match terminal {
        Some(d) => {
            let (back, inputs) = d.feed(data);
            if !back.is_empty() {
                let _ = echo.send((STDOUT, back));
            }
            for i in inputs {
                let _ = input.send(i);
            }
        }
        None if data.is_empty() => {}
        None => {
            let _ = input.send(Input::Data(data.to_vec()));
        }
    }
}

/// Runs the job (once a terminal client has said its size, which `ls` lays out columns
/// by), reports its ending on the error channel, and tells the writer to finish.
pub async fn conclude<F, Fut>(
    job: F,
    tty: bool,
    width_rx: oneshot::Receiver<usize>,
    frames: UnboundedSender<Frame>,
    input: UnboundedReceiver<Input>,
    argv: &[String],
    finish: oneshot::Sender<()>,
) where
    F: FnOnce(Ends) -> Fut,
    Fut: Future<Output = Ending>,
{
    let width = if tty {
        tokio::time::timeout(Duration::from_millis(300), width_rx).await.ok().and_then(Result::ok)
    } else {
        None
    };
    let ending = job(Ends { frames: frames.clone(), input, width }).await;
    let _ = frames.send((ERROR, status_of(&ending, argv).to_string().into_bytes()));
    let _ = finish.send(());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_kubectl_reads() {
        let argv = vec!["sh".to_string(), "-c".to_string(), "exit 3".to_string()];
        assert_eq!(status_of(&Ending::Exit(0), &argv), json!({"metadata": {}, "status": "Success"}));
        let s = status_of(&Ending::Exit(3), &argv);
        assert_eq!(s["reason"], "NonZeroExitCode");
        assert_eq!(s["details"]["causes"][0], json!({"reason": "ExitCode", "message": "3"}));
        assert_eq!(
            s["message"],
            "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3"
        );
        let f = status_of(&Ending::Failed("no".into()), &argv);
        assert_eq!((f["status"].as_str(), f["code"].as_i64()), (Some("Failure"), Some(500)));
    }
}
