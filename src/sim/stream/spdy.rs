//! SPDY/3.1 framing, as far as a port-forward server needs it: control frames (SYN_STREAM,
//! SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE) and data frames,
//! with name/value header blocks compressed by one zlib stream per direction primed with
//! the SPDY/3 dictionary. kubectl speaks this inside a WebSocket (`SPDY/3.1+portforward.k8s.io`).

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

const VERSION: u16 = 3;
pub const FLAG_FIN: u8 = 0x01;

const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const PING: u16 = 6;

/// Largest frame accepted (a header block or data chunk larger than this is an attack).
const MAX_FRAME: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    SynStream {
        id: u32,
        fin: bool,
        headers: Vec<(String, String)>,
    },
    SynReply {
        id: u32,
        fin: bool,
        headers: Vec<(String, String)>,
    },
    RstStream {
        id: u32,
        status: u32,
    },
    Ping(u32),
    Data {
        id: u32,
        fin: bool,
        data: Vec<u8>,
    },
    /// A control frame this server has no use for (SETTINGS, GOAWAY, WINDOW_UPDATE, ...).
    Other(u16),
}

/// The words of the SPDY/3 header dictionary, each written with a 4-byte length.
const DICTIONARY_WORDS: &[&str] = &[
    "options",
    "head",
    "post",
    "put",
    "delete",
    "trace",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "age",
    "allow",
    "authorization",
    "cache-control",
    "connection",
    "content-base",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "content-type",
    "date",
    "etag",
    "expect",
    "expires",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "range",
    "referer",
    "retry-after",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "method",
    "get",
    "status",
    "200 OK",
    "version",
    "HTTP/1.1",
    "url",
    "public",
    "set-cookie",
    "keep-alive",
    "origin",
];

/// The text that ends the SPDY/3 dictionary, written as is.
const DICTIONARY_TAIL: &str = concat!(
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505",
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized",
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable",
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT",
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,",
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.",
);

/// The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00, 2.6.10.1).
pub fn dictionary() -> Vec<u8> {
    let mut d = Vec::with_capacity(1424);
    for w in DICTIONARY_WORDS {
        d.extend_from_slice(&(w.len() as u32).to_be_bytes());
        d.extend_from_slice(w.as_bytes());
    }
    d.extend_from_slice(DICTIONARY_TAIL.as_bytes());
    d
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// One direction's state each way: the header (de)compressors live as long as the session.
pub struct Codec {
    inflate: Decompress,
    deflate: Compress,
    dict: Vec<u8>,
    primed: bool,
}

impl Default for Codec {
    fn default() -> Self {
        Codec {
            inflate: Decompress::new(true),
            deflate: Compress::new(Compression::default(), true),
            dict: dictionary(),
            primed: false,
        }
    }
}

impl Codec {
    /// Takes one complete frame off the front of `buf`; `Ok(None)` until one has arrived.
    pub fn decode(&mut self, buf: &mut Vec<u8>) -> Result<Option<Frame>, String> {
        if buf.len() < 8 {
            return Ok(None);
        }
        let len = (u32::from(buf[5]) << 16 | u32::from(buf[6]) << 8 | u32::from(buf[7])) as usize;
        if len > MAX_FRAME {
            return Err(format!("frame of {len} bytes is too large"));
        }
        if buf.len() < 8 + len {
            return Ok(None);
        }
        let frame: Vec<u8> = buf.drain(..8 + len).collect();
        let (head, body) = frame.split_at(8);
        let flags = head[4];
        let fin = flags & FLAG_FIN != 0;
        if head[0] & 0x80 == 0 {
            let id = be32(head) & 0x7fff_ffff;
            return Ok(Some(Frame::Data { id, fin, data: body.to_vec() }));
        }
        let kind = u16::from_be_bytes([head[2], head[3]]);
        let need = |n: usize| if body.len() < n { Err(format!("control frame {kind} is truncated")) } else { Ok(()) };
        Ok(Some(match kind {
            SYN_STREAM => {
                need(10)?;
                Frame::SynStream { id: be32(body) & 0x7fff_ffff, fin, headers: self.inflate_headers(&body[10..])? }
            }
            SYN_REPLY => {
                need(4)?;
                Frame::SynReply { id: be32(body) & 0x7fff_ffff, fin, headers: self.inflate_headers(&body[4..])? }
            }
            RST_STREAM => {
                need(8)?;
                Frame::RstStream { id: be32(body) & 0x7fff_ffff, status: be32(&body[4..]) }
            }
            PING => {
                need(4)?;
                Frame::Ping(be32(body))
            }
            other => Frame::Other(other),
        }))
    }

    fn inflate_headers(&mut self, block: &[u8]) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::with_capacity(block.len() * 4 + 64);
        let mut input = block;
        loop {
            let before = self.inflate.total_in();
            let result = self.inflate.decompress_vec(input, &mut out, FlushDecompress::Sync);
            let used = (self.inflate.total_in() - before) as usize;
            input = &input[used..];
            match result {
                Ok(Status::BufError) | Ok(Status::Ok) if input.is_empty() && out.len() < out.capacity() => break,
                Ok(Status::StreamEnd) => break,
                Ok(_) => out.reserve(out.capacity().max(256)),
                Err(e) if e.needs_dictionary().is_some() && !self.primed => {
                    self.inflate.set_dictionary(&self.dict).map_err(|e| format!("header dictionary: {e}"))?;
                    self.primed = true;
                }
                Err(e) => return Err(format!("header block: {e}")),
            }
            if out.len() > MAX_FRAME {
                return Err("header block too large".into());
            }
        }
        parse_block(&out)
    }

    fn deflate_headers(&mut self, headers: &[(String, String)]) -> Vec<u8> {
        let mut raw = (headers.len() as u32).to_be_bytes().to_vec();
        for (k, v) in headers {
            for s in [k, v] {
                raw.extend_from_slice(&(s.len() as u32).to_be_bytes());
                raw.extend_from_slice(s.as_bytes());
            }
        }
        if self.deflate.total_in() == 0 {
            let _ = self.deflate.set_dictionary(&self.dict);
        }
        let mut out = Vec::with_capacity(raw.len() + 64);
        let mut input = &raw[..];
        loop {
            let before = self.deflate.total_in();
            let _ = self.deflate.compress_vec(input, &mut out, FlushCompress::Sync);
            input = &input[(self.deflate.total_in() - before) as usize..];
            if input.is_empty() && out.len() < out.capacity() {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    }

    pub fn encode(&mut self, frame: &Frame) -> Vec<u8> {
        let control = |kind: u16, flags: u8, body: Vec<u8>| {
            let mut f = Vec::with_capacity(body.len() + 8);
            f.extend_from_slice(&(0x8000 | VERSION).to_be_bytes());
            f.extend_from_slice(&kind.to_be_bytes());
            f.push(flags);
            f.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
            f.extend_from_slice(&body);
            f
        };
        let fin = |b: bool| if b { FLAG_FIN } else { 0 };
        match frame {
            Frame::SynReply { id, fin: f, headers } => {
                let mut body = id.to_be_bytes().to_vec();
                body.extend(self.deflate_headers(headers));
                control(SYN_REPLY, fin(*f), body)
            }
            Frame::SynStream { id, fin: f, headers } => {
                let mut body = id.to_be_bytes().to_vec();
                body.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
                body.extend(self.deflate_headers(headers));
                control(SYN_STREAM, fin(*f), body)
            }
            Frame::RstStream { id, status } => {
                let mut body = id.to_be_bytes().to_vec();
                body.extend_from_slice(&status.to_be_bytes());
                control(RST_STREAM, 0, body)
            }
            Frame::Ping(id) => control(PING, 0, id.to_be_bytes().to_vec()),
            Frame::Data { id, fin: f, data } => data_frame(*id, *f, data),
            Frame::Other(kind) => control(*kind, 0, Vec::new()),
        }
    }
}

/// A data frame (it needs no header compression, so any task may build one).
pub fn data_frame(id: u32, fin: bool, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 8);
    out.extend_from_slice(&(id & 0x7fff_ffff).to_be_bytes());
    out.push(if fin { FLAG_FIN } else { 0 });
    out.extend_from_slice(&(data.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(data);
    out
}

/// The pairs of an uncompressed header block (names are lower case on the wire).
fn parse_block(b: &[u8]) -> Result<Vec<(String, String)>, String> {
    let bad = || "malformed header block".to_string();
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8], String> {
        let s = b.get(at..at + n).ok_or_else(bad)?;
        at += n;
        Ok(s)
    };
    let count = be32(take(4)?) as usize;
    let mut out = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let k = be32(take(4)?) as usize;
        let name = String::from_utf8_lossy(take(k)?).into_owned();
        let v = be32(take(4)?) as usize;
        let value = String::from_utf8_lossy(take(v)?).into_owned();
        out.push((name, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_is_the_one_spdy3_peers_check() {
        let d = dictionary();
        assert_eq!(d.len(), 1423);
        assert_eq!(&d[..11], b"\0\0\0\x07options");
        // zlib names a dictionary by its Adler-32; this is the id in every SPDY/3 header stream.
        let (mut a, mut b) = (1u32, 0u32);
        for byte in &d {
            a = (a + u32::from(*byte)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(b << 16 | a, 0xe3c6a7c2);
    }

    #[test]
    fn frames_round_trip_between_two_peers() {
        let (mut client, mut server) = (Codec::default(), Codec::default());
        let headers = vec![("streamtype".to_string(), "data".to_string()), ("port".into(), "80".into())];
        let mut wire = client.encode(&Frame::SynStream { id: 1, fin: false, headers: headers.clone() });
        wire.extend(client.encode(&Frame::SynStream {
            id: 3,
            fin: true,
            headers: vec![("requestid".into(), "0".into())],
        }));
        wire.extend(client.encode(&Frame::Data { id: 1, fin: true, data: b"GET / HTTP/1.1\r\n\r\n".to_vec() }));
        wire.extend(client.encode(&Frame::Ping(7)));
        let partial = wire.split_off(5);
        let mut buf = wire;
        assert_eq!(server.decode(&mut buf), Ok(None), "a partial frame waits");
        buf.extend(partial);
        assert_eq!(server.decode(&mut buf), Ok(Some(Frame::SynStream { id: 1, fin: false, headers })));
        assert!(matches!(server.decode(&mut buf), Ok(Some(Frame::SynStream { id: 3, fin: true, .. }))));
        assert_eq!(
            server.decode(&mut buf),
            Ok(Some(Frame::Data { id: 1, fin: true, data: b"GET / HTTP/1.1\r\n\r\n".to_vec() }))
        );
        assert_eq!(server.decode(&mut buf), Ok(Some(Frame::Ping(7))));
        assert!(buf.is_empty());
        let mut back = server.encode(&Frame::SynReply { id: 1, fin: false, headers: Vec::new() });
        back.extend(server.encode(&Frame::RstStream { id: 3, status: 5 }));
        assert_eq!(client.decode(&mut back), Ok(Some(Frame::SynReply { id: 1, fin: false, headers: Vec::new() })));
        assert_eq!(client.decode(&mut back), Ok(Some(Frame::RstStream { id: 3, status: 5 })));
    }

    #[test]
    fn hostile_frames_are_refused() {
        let mut c = Codec::default();
        let mut huge = vec![0x80, 0x03, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff];
        assert!(c.decode(&mut huge).is_err());
        let mut short = vec![0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0, 0];
        assert!(c.decode(&mut short).is_err());
        let mut garbage = vec![0x80, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 1, 1, 2, 3, 4];
        assert!(c.decode(&mut garbage).is_err());
        assert!(parse_block(&[0, 0, 0, 1, 0, 0, 0, 9, b'x']).is_err());
    }
}
