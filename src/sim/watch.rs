//! Watch streams: newline-delimited `{"type", "object"}` events over a chunked response.
//! Without a resourceVersion (or with "0") the stream starts with ADDED for what exists;
//! with one, it replays history after it, or answers 410 Gone when that is too old.
//! Selector watches turn objects that start or stop matching into ADDED or DELETED.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::objects::Stored;
use super::read::Selectors;
use super::request::Req;
use super::request::Target;
use super::shared::Shared;
use super::status::ApiError;
use super::store::{Change, WatchEvent};
use super::table::{self, Include, Printable};

/// How one watcher wants its events.
struct Spec {
    namespace: Option<String>,
    sel: Selectors,
    as_table: bool,
    include: Include,
    bookmarks: bool,
}

impl Spec {
    /// The change this watcher sees, if any, given selector transitions.
    fn view(&self, ev: &WatchEvent) -> Option<Change> {
        if self.namespace.as_ref().is_some_and(|n| *n != ev.namespace) {
            return None;
        }
        let now = self.sel.matches_captured(&ev.now);
        let before = ev.prev.as_ref().map_or(now, |p| self.sel.matches_captured(p));
        match (ev.change, before, now) {
            (Change::Added, _, true) => Some(Change::Added),
            (Change::Deleted, _, true) => Some(Change::Deleted),
            (Change::Modified, true, true) => Some(Change::Modified),
            (Change::Modified, false, true) => Some(Change::Added),
            (Change::Modified, true, false) => Some(Change::Deleted),
            _ => None,
        }
    }
}

/// One event line. A plain watch splices the object's stored encoding into the line, so
/// a hundred watchers cost a hundred copies, not a hundred serializations.
fn encode<K: Printable>(spec: &Spec, change: Change, stored: &Stored, first: &mut bool) -> Option<Bytes> {
    let table;
    let object: &[u8] = if spec.as_table {
        table = table::single::<K>(&stored.bytes, Some(&stored.sel.row), spec.include, *first)?;
        *first = false;
        &table
    } else {
        &stored.bytes
    };
    let mut line = Vec::with_capacity(object.len() + 32);
    line.extend_from_slice(b"{\"type\":\"");
    line.extend_from_slice(change.wire().as_bytes());
    line.extend_from_slice(b"\",\"object\":");
    line.extend_from_slice(object);
    line.extend_from_slice(b"}\n");
    Some(Bytes::from(line))
}

pub fn watch_list<K: Printable>(shared: &Arc<Shared>, req: &Req, t: &Target) -> Response {
    match start::<K>(shared, req, t) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn start<K: Printable>(shared: &Arc<Shared>, req: &Req, t: &Target) -> Result<Response, ApiError> {
    let spec = Spec {
        namespace: t.namespace.clone(),
        sel: Selectors::from_req::<K>(req)?,
        as_table: table::wants_table(req.accept()),
        include: Include::parse(req.q("includeObject"))?,
        bookmarks: req.flag("allowWatchBookmarks"),
    };
    let timeout =
        req.int("timeoutSeconds")?.and_then(|s| u64::try_from(s).ok()).filter(|s| *s > 0).map(Duration::from_secs);
    let from = req.q("resourceVersion").filter(|s| !s.is_empty() && *s != "0");
    let (initial, rx, rv) = {
        let store = shared.lock();
        match from {
            None => {
                let current: Vec<(Change, Stored)> =
                    super::read::selected::<K>(&store, spec.namespace.as_deref(), &spec.sel)
                        .filter_map(|k| K::map(&store).stored(k))
                        .map(|v| (Change::Added, v))
                        .collect();
                (current, store.subscribe(), store.revision())
            }
            Some(rv) => {
                let rv: u64 =
                    rv.parse().map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?;
                let (replay, rx) = match store.watch_from(rv) {
                    Ok(found) => found,
                    // An expired version is not refused: the watch opens and its one event
                    // is the ERROR carrying the 410 Status, as the watch cache answers.
                    Err(e) if e.code == 410 => return Ok(streamed(Body::from(error_line(&e)))),
                    Err(e) => return Err(e),
                };
                let initial = replay
                    .iter()
                    .filter(|e| e.res == K::RES)
                    .filter_map(|e| spec.view(e).map(|c| (c, e.stored())))
                    .collect();
                (initial, rx, store.revision())
            }
        }
    };
    let (tx, out) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    tokio::spawn(pump::<K>(shared.clone(), spec, initial, rx, rv, timeout, tx));
    Ok(streamed(Body::from_stream(ReceiverStream::new(out))))
}

/// A 200 watch response.
fn streamed(body: Body) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

fn error_line(e: &ApiError) -> Bytes {
    Bytes::from(format!("{}\n", json!({"type": "ERROR", "object": e.body()})))
}

/// The watch cache's bookmark cadence: one a minute, and one about two seconds before the
/// watch's deadline so a client can resume from the latest version; none once that is past.
fn next_bookmark_time(
    now: tokio::time::Instant,
    deadline: Option<tokio::time::Instant>,
) -> Option<tokio::time::Instant> {
    let heartbeat = now + BOOKMARK_FREQUENCY;
    let Some(deadline) = deadline else { return Some(heartbeat) };
    let before_deadline = deadline.checked_sub(Duration::from_secs(2))?;
    let at = heartbeat.min(before_deadline);
    (at > now).then_some(at)
}

const BOOKMARK_FREQUENCY: Duration = Duration::from_secs(60);

async fn pump<K: Printable>(
    shared: Arc<Shared>,
    spec: Spec,
    initial: Vec<(Change, Stored)>,
    mut rx: broadcast::Receiver<Arc<WatchEvent>>,
    mut last_rv: u64,
    timeout: Option<Duration>,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let mut first = true;
    for (change, obj) in &initial {
        if let Some(line) = encode::<K>(&spec, *change, obj, &mut first)
            && tx.send(Ok(line)).await.is_err()
        {
            return;
        }
    }
    let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
    let cut = shared.stream_cut();
    tokio::pin!(cut);
    let mut next_bookmark = next_bookmark_time(tokio::time::Instant::now(), deadline);
    loop {
        let bookmark_due = async {
            match next_bookmark {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = sleep => return,
            _ = tx.closed() => return,
            _ = shared.closed() => return,
            _ = &mut cut => {
                // Ends the body without its last chunk: the client sees the stream break.
                let _ = tx.send(Err(std::io::Error::other("stream cut (injected fault)"))).await;
                return;
            }
            _ = bookmark_due, if spec.bookmarks => {
                next_bookmark = next_bookmark_time(tokio::time::Instant::now(), deadline);
                let obj = json!({"kind": K::KIND, "apiVersion": K::API_VERSION, "metadata": {"resourceVersion": last_rv.to_string()}});
                let line = Bytes::from(format!("{}\n", json!({"type": "BOOKMARK", "object": obj})));
                if tx.send(Ok(line)).await.is_err() { return; }
            }
            ev = rx.recv() => match ev {
                Ok(ev) => {
                    if ev.res != K::RES {
                        continue;
                    }
                    last_rv = ev.rv;
                    let Some(change) = spec.view(&ev) else { continue };
                    if let Some(line) = encode::<K>(&spec, change, &ev.stored(), &mut first)
                        && tx.send(Ok(line)).await.is_err() { return; }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let gone = ApiError::gone(format!("too old resource version: {last_rv}"));
                    let _ = tx.send(Ok(error_line(&gone))).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}
