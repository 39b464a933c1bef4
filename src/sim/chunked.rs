//! Large list bodies as a stream of ~64 KB chunks, each written when the connection asks
//! for it: a list of 150,000 pods never exists as one buffer, and the store's lock is not
//! held while it is sent.

use axum::body::Body;
use bytes::Bytes;

const CHUNK: usize = 64 * 1024;

/// `head`'s encoding left open at an array field, `{...,"items":[`, for `body` to fill
/// and a `]}` tail to close.
pub fn opening(head: &serde_json::Value, field: &str) -> Vec<u8> {
    let mut out = serde_json::to_vec(head).unwrap_or_default();
    out.pop(); // the closing brace
    out.extend_from_slice(format!(",\"{field}\":[").as_bytes());
    out
}

/// `head`, then each item written by `write` (comma-separated; an item it refuses leaves
/// no trace), then `tail`.
pub fn body<T, W>(head: Vec<u8>, items: Vec<T>, tail: &'static [u8], write: W) -> Body
where
    T: Send + 'static,
    W: FnMut(&mut Vec<u8>, &T) -> bool + Send + 'static,
{
    let state = (Some(head), items.into_iter(), true, write, false);
    let stream = futures::stream::unfold(state, move |(head, mut items, mut first, mut write, done)| async move {
        if done {
            return None;
        }
        let mut buf = head.unwrap_or_default();
        buf.reserve(CHUNK + 4096);
        let mut finished = false;
        while buf.len() < CHUNK {
            let Some(item) = items.next() else {
                buf.extend_from_slice(tail);
                finished = true;
                break;
            };
            let mark = buf.len();
            if !first {
                buf.push(b',');
            }
            if write(&mut buf, &item) {
                first = false;
            } else {
                buf.truncate(mark);
            }
        }
        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), (None, items, first, write, finished)))
    });
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn collect(b: Body) -> Vec<u8> {
        b.collect().await.map(|c| c.to_bytes().to_vec()).unwrap_or_default()
    }

    #[tokio::test]
    async fn items_are_joined_between_head_and_tail_and_refused_ones_vanish() {
        let items: Vec<Bytes> = ["1", "x", "2", "3"].iter().map(|s| Bytes::from(s.to_string())).collect();
        let b = body(b"[".to_vec(), items, b"]", |out, item| {
            if item.as_ref() == b"x" {
                out.extend_from_slice(b"junk");
                return false;
            }
            out.extend_from_slice(item);
            true
        });
        assert_eq!(collect(b).await, b"[1,2,3]");
        let first_refused =
            body(b"[".to_vec(), vec![Bytes::from_static(b"x"), Bytes::from_static(b"1")], b"]", |o, i| {
                o.extend_from_slice(i);
                i.as_ref() != b"x"
            });
        assert_eq!(collect(first_refused).await, b"[1]");
        assert_eq!(collect(body(b"{".to_vec(), Vec::<Bytes>::new(), b"}", |_, _| true)).await, b"{}");
        let head = opening(&serde_json::json!({"kind": "List"}), "items");
        let items = vec![Bytes::from_static(b"{}")];
        let whole = collect(body(head, items, b"]}", |o, i| {
            o.extend_from_slice(i);
            true
        }))
        .await;
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&whole).ok(),
            Some(serde_json::json!({"kind": "List", "items": [{}]}))
        );
    }

    #[tokio::test]
    async fn a_long_list_arrives_in_bounded_chunks() {
        let item = Bytes::from(vec![b'a'; 10_000]);
        let b = body(b"[".to_vec(), vec![item; 100], b"]", |o, i| {
            o.extend_from_slice(i);
            true
        });
        let mut frames = Vec::new();
        let mut b = b;
        while let Some(Ok(f)) = b.frame().await {
            if let Ok(data) = f.into_data() {
                frames.push(data.len());
            }
        }
        assert!(frames.len() > 10, "{frames:?}");
        assert!(frames.iter().all(|n| *n < CHUNK + 20_000), "{frames:?}");
        assert_eq!(frames.iter().sum::<usize>(), 100 * 10_000 + 99 + 2);
    }
}
