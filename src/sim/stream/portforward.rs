//! `pods/portforward` as kubectl uses it: SPDY/3.1 carried in WebSocket binary messages
//! (subprotocol `SPDY/3.1+portforward.k8s.io`, kubectl 1.30+) or over a connection
//! upgraded to plain SPDY (its fallback). Each forwarded connection opens an
//! error stream and a data stream sharing a `requestid`; the data stream's bytes reach the
//! web server a container of the pod runs on port 80 (nginx, httpd); every other port is
//! refused with the runtime's words on the error stream, as the kubelet reports it.

use std::collections::HashMap;

use super::Target;
use super::link::{Rx, Tx};
use super::spdy::{Codec, Frame};
use crate::sim::userland::process::Host;
use crate::sim::userland::web;

/// The stream protocol of port-forward, as the SPDY upgrade names it.
pub const PROTOCOL: &str = "portforward.k8s.io";

/// The WebSocket subprotocol kubectl 1.30+ asks for: SPDY tunnelled in the WebSocket.
pub const TUNNEL: &str = "SPDY/3.1+portforward.k8s.io";

/// Largest data frame written.
const CHUNK: usize = 16 * 1024;

#[derive(Debug)]
enum Kind {
    Error,
    Data { port: u16, buffered: Vec<u8> },
}

#[derive(Debug)]
struct Stream {
    kind: Kind,
    request: String,
}

/// The runtime's complaint when nothing listens on `port` in the pod.
fn refused(sandbox: &str, port: u16) -> String {
    format!(
        "error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward in network namespace \"/var/run/netns/cni-{ns}\": failed to connect to localhost:{port} inside namespace \"{sandbox}\", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection refused ",
        ns = netns(sandbox)
    )
}

/// The CNI network namespace's name: a UUID, here made from the sandbox id.
fn netns(sandbox: &str) -> String {
    let hex: String = sandbox.chars().chain(std::iter::repeat('0')).take(32).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

struct Session<'a> {
    t: &'a Target,
    host: &'a dyn Host,
    codec: Codec,
    streams: HashMap<u32, Stream>,
    sandbox: String,
    out: Vec<u8>,
}

impl Session<'_> {
    fn send(&mut self, frame: Frame) {
        let bytes = self.codec.encode(&frame);
        self.out.extend(bytes);
    }

    fn data(&mut self, id: u32, data: &[u8], fin: bool) {
        let mut chunks = data.chunks(CHUNK).peekable();
        if chunks.peek().is_none() {
            self.send(Frame::Data { id, fin, data: Vec::new() });
        }
        while let Some(c) = chunks.next() {
            let last = chunks.peek().is_none();
            self.send(Frame::Data { id, fin: fin && last, data: c.to_vec() });
        }
    }

    /// The error stream of a request, if the client opened one.
    fn error_stream(&self, request: &str) -> Option<u32> {
        self.streams.iter().find(|(_, s)| s.request == request && matches!(s.kind, Kind::Error)).map(|(id, _)| *id)
    }

    fn serves(&self, port: u16) -> bool {
        web::listening(&self.t.network, port).is_some()
    }

    fn opened(&mut self, id: u32, headers: &[(String, String)]) {
        let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        self.send(Frame::SynReply { id, fin: false, headers: Vec::new() });
        let request = get("requestid");
        let kind = match get("streamtype").as_str() {
            "error" => Kind::Error,
            _ => Kind::Data { port: get("port").parse().unwrap_or(0), buffered: Vec::new() },
        };
        let refused_port = match &kind {
            Kind::Data { port, .. } if !self.serves(*port) => Some(*port),
            _ => None,
        };
        self.streams.insert(id, Stream { kind, request: request.clone() });
        if let Some(port) = refused_port {
            if let Some(err) = self.error_stream(&request) {
                let message = refused(&self.sandbox, port);
                self.data(err, message.as_bytes(), true);
            }
            self.data(id, &[], true);
        }
    }

    /// Bytes from the client on a data stream: complete requests are answered in order.
    fn received(&mut self, id: u32, bytes: &[u8], fin: bool) {
        let mut replies = Vec::new();
        let Some(Stream { kind: Kind::Data { port, buffered }, request }) = self.streams.get_mut(&id) else { return };
        let (port, request) = (*port, request.clone());
        buffered.extend_from_slice(bytes);
        while let Some((req, used)) = web::parse_request(buffered) {
            buffered.drain(..used);
            replies.push(req);
        }
        let Some(server) = web::listening(&self.t.network, port).cloned() else { return };
        for req in replies {
            if let Some(r) = server.answer(&req, "127.0.0.1") {
                self.host.log_line(&server.ctr.name, r.log.clone());
                self.data(id, &r.bytes(), false);
            }
        }
        if fin {
            self.data(id, &[], true);
            if let Some(err) = self.error_stream(&request) {
                self.data(err, &[], true);
            }
        }
    }

    fn frame(&mut self, frame: Frame) {
        match frame {
            Frame::SynStream { id, headers, .. } => self.opened(id, &headers),
            Frame::Data { id, fin, data } => self.received(id, &data, fin),
            Frame::Ping(n) => self.send(Frame::Ping(n)),
            Frame::RstStream { id, .. } => {
                self.streams.remove(&id);
            }
            Frame::SynReply { .. } | Frame::Other(_) => {}
        }
    }
}

/// Serves one port-forward connection until the client closes it.
pub async fn run(mut rx: Rx, mut tx: Tx, t: Target, host: &dyn Host) {
    let uid = t.shared.lock().pods.get(&t.key).and_then(|p| p.metadata.uid.clone()).unwrap_or_default();
    let sandbox = crate::sim::kubelet::digest(&uid);
    let mut s = Session { t: &t, host, codec: Codec::default(), streams: HashMap::new(), sandbox, out: Vec::new() };
    let mut inbound = Vec::new();
    while let Some(bytes) = rx.recv().await {
        inbound.extend_from_slice(&bytes);
        loop {
            match s.codec.decode(&mut inbound) {
                Ok(Some(frame)) => s.frame(frame),
                Ok(None) => break,
                // A peer that breaks the framing gets the connection closed, as a SPDY server does.
                Err(_) => return,
            }
        }
        if !s.out.is_empty() && !tx.send(std::mem::take(&mut s.out)).await {
            return;
        }
    }
    tx.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_port_both_ways() {
        let m = refused(&"ab".repeat(32), 81);
        assert!(m.starts_with("error forwarding port 81 to pod abab"));
        assert!(m.contains("\"/var/run/netns/cni-abababab-abab-abab-abab-abababababab\""));
        assert!(m.contains("IPv4: dial tcp4 127.0.0.1:81: connect: connection refused IPv6 dial tcp6 [::1]:81: connect: connection refused "));
    }
}
