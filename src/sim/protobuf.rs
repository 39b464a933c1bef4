//! Just enough protobuf to read what `kubectl create namespace` sends: client-go's typed
//! clients post built-in kinds as `k8s\0` + `runtime.Unknown`, with no JSON fallback.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Reads `(field number, payload)` pairs of length-delimited and varint fields.
fn fields(mut b: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (tag, rest) = varint(b)?;
        b = rest;
        match tag & 7 {
            0 => {
                let (_, rest) = varint(b)?;
                b = rest;
            }
            2 => {
                let (len, rest) = varint(b)?;
                let len = usize::try_from(len).ok()?;
                if rest.len() < len {
                    return None;
                }
                out.push((tag >> 3, &rest[..len]));
                b = &rest[len..];
            }
            1 => b = b.get(8..)?,
            5 => b = b.get(4..)?,
            _ => return None,
        }
    }
    Some(out)
}

fn varint(b: &[u8]) -> Option<(u64, &[u8])> {
    let mut v = 0u64;
    for (i, byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, &b[i + 1..]));
        }
    }
    None
}

fn text(b: &[u8]) -> Option<String> {
    String::from_utf8(b.to_vec()).ok()
}

fn string_map(entries: &[&[u8]]) -> BTreeMap<String, String> {
    entries
        .iter()
        .filter_map(|e| {
            let f = fields(e)?;
            let k = f.iter().find(|(n, _)| *n == 1).and_then(|(_, v)| text(v))?;
            let v = f.iter().find(|(n, _)| *n == 2).and_then(|(_, v)| text(v)).unwrap_or_default();
            Some((k, v))
        })
        .collect()
}

/// Decodes a protobuf-encoded Namespace into its JSON form (name, labels, annotations).
pub fn namespace_from_protobuf(body: &[u8]) -> Option<Value> {
    let unknown = fields(body.strip_prefix(b"k8s\0")?)?;
    let raw = unknown.iter().find(|(n, _)| *n == 2)?.1;
    let ns = fields(raw)?;
    let meta = fields(ns.iter().find(|(n, _)| *n == 1)?.1)?;
    let get = |n: u64| meta.iter().find(|(f, _)| *f == n).and_then(|(_, v)| text(v));
    let collect = |n: u64| -> Vec<&[u8]> { meta.iter().filter(|(f, _)| *f == n).map(|(_, v)| *v).collect() };
    let mut m = json!({});
    if let Some(name) = get(1) {
        m["name"] = json!(name);
    }
    if let Some(g) = get(2) {
        m["generateName"] = json!(g);
    }
    let labels = string_map(&collect(11));
    if !labels.is_empty() {
        m["labels"] = json!(labels);
    }
    let ann = string_map(&collect(12));
    if !ann.is_empty() {
        m["annotations"] = json!(ann);
    }
    Some(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": m}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(field: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![(field << 3) | 2, payload.len() as u8];
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn decodes_a_namespace() {
        let meta = ld(1, b"dev");
        let ns = ld(1, &meta);
        let mut body = b"k8s\0".to_vec();
        let mut unknown = ld(1, &[ld(1, b"v1"), ld(2, b"Namespace")].concat());
        unknown.extend(ld(2, &ns));
        body.extend(unknown);
        let v = namespace_from_protobuf(&body).expect("decodes");
        assert_eq!(v["metadata"]["name"], "dev");
        assert!(namespace_from_protobuf(b"garbage").is_none());
        assert!(namespace_from_protobuf(b"k8s\0\x12\xff").is_none());
    }
}
