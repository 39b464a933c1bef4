//! Just enough protobuf to read what `kubectl create namespace|configmap|secret|serviceaccount|service` sends: client-go's typed
//! clients post built-in kinds as `k8s\0` + `runtime.Unknown`, with no JSON fallback.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// One field's value on the wire.
#[derive(Clone, Copy)]
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// Reads every `(field number, value)` of a message; fixed-width fields are skipped.
fn parse(mut b: &[u8]) -> Option<Vec<(u64, Wire<'_>)>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (tag, rest) = varint(b)?;
        b = rest;
        match tag & 7 {
            0 => {
                let (v, rest) = varint(b)?;
                out.push((tag >> 3, Wire::Varint(v)));
                b = rest;
            }
            2 => {
                let (len, rest) = varint(b)?;
                let len = usize::try_from(len).ok()?;
                if rest.len() < len {
                    return None;
                }
                out.push((tag >> 3, Wire::Bytes(&rest[..len])));
                b = &rest[len..];
            }
            1 => b = b.get(8..)?,
            5 => b = b.get(4..)?,
            _ => return None,
        }
    }
    Some(out)
}

/// The length-delimited fields of a message.
fn fields(b: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let all = parse(b)?;
    Some(all.into_iter().filter_map(|(n, w)| if let Wire::Bytes(x) = w { Some((n, x)) } else { None }).collect())
}

/// The varint field numbered `n` of a message, as a signed 32-bit number.
fn int(b: &[u8], n: u64) -> Option<i64> {
    parse(b)?.into_iter().find_map(|(k, w)| match w {
        Wire::Varint(v) if k == n => Some(i64::from(v as i32)),
        _ => None,
    })
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

/// A protobuf map (entries of key 1, value 2), each value read by `value`.
fn map_of<V>(entries: &[&[u8]], value: impl Fn(&[u8]) -> V) -> BTreeMap<String, V> {
    entries
        .iter()
        .filter_map(|e| {
            let f = fields(e)?;
            let k = one(&f, 1).and_then(text)?;
            Some((k, value(one(&f, 2).unwrap_or_default())))
        })
        .collect()
}

fn string_map(entries: &[&[u8]]) -> BTreeMap<String, String> {
    map_of(entries, |v| text(v).unwrap_or_default())
}

/// Bytes values, as JSON carries them (base64).
fn bytes_map(entries: &[&[u8]]) -> BTreeMap<String, Value> {
    map_of(entries, |v| serde_json::to_value(k8s_openapi::ByteString(v.to_vec())).unwrap_or(Value::Null))
}

/// The repeated length-delimited fields numbered `n`.
fn all<'a>(f: &[(u64, &'a [u8])], n: u64) -> Vec<&'a [u8]> {
    f.iter().filter(|(k, _)| *k == n).map(|(_, v)| *v).collect()
}

fn one<'a>(f: &[(u64, &'a [u8])], n: u64) -> Option<&'a [u8]> {
    f.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

/// ObjectMeta's name, generateName, namespace, labels and annotations.
fn metadata(raw: &[u8]) -> Option<Value> {
    let meta = fields(raw)?;
    let mut m = json!({});
    for (n, key) in [(1, "name"), (2, "generateName"), (3, "namespace")] {
        if let Some(v) = one(&meta, n).and_then(text) {
            m[key] = json!(v);
        }
    }
    for (n, key) in [(11, "labels"), (12, "annotations")] {
        let map = string_map(&all(&meta, n));
        if !map.is_empty() {
            m[key] = json!(map);
        }
    }
    Some(m)
}

/// Decodes what client-go's typed clients post for the kinds `kubectl create <kind>` makes
/// (Namespace, ConfigMap, Secret, ServiceAccount, Service) into its JSON form: metadata and data.
/// `None` for other kinds and for bodies that are not protobuf.
pub fn object_from_protobuf(kind: &str, body: &[u8]) -> Option<Value> {
    let unknown = fields(body.strip_prefix(b"k8s\0")?)?;
    let obj = fields(one(&unknown, 2)?)?;
    let mut out = json!({"apiVersion": "v1", "kind": kind, "metadata": metadata(one(&obj, 1)?)?});
    let mut put = |key: &str, v: Value, present: bool| {
        if present {
            out[key] = v;
        }
    };
    match kind {
        "Namespace" | "ServiceAccount" => {}
        "Service" => {
            if let Some(spec) = one(&obj, 2) {
                put("spec", service_spec(spec)?, true);
            }
        }
        "ConfigMap" => {
            let data = string_map(&all(&obj, 2));
            let binary = bytes_map(&all(&obj, 3));
            put("data", json!(data), !data.is_empty());
            put("binaryData", json!(binary), !binary.is_empty());
        }
        "Secret" => {
            let data = bytes_map(&all(&obj, 2));
            put("data", json!(data), !data.is_empty());
            let type_ = one(&obj, 3).and_then(text);
            put("type", json!(type_), type_.is_some());
            let strings = string_map(&all(&obj, 4));
            put("stringData", json!(strings), !strings.is_empty());
        }
        _ => return None,
    }
    Some(out)
}

/// A SelfSubjectAccessReview's spec: resource attributes (namespace, verb, group,
/// version, resource, subresource, name) or non-resource ones (path, verb).
pub fn access_review_from_protobuf(body: &[u8]) -> Option<Value> {
    let unknown = fields(body.strip_prefix(b"k8s\0")?)?;
    let review = fields(one(&unknown, 2)?)?;
    let spec = fields(one(&review, 2)?)?;
    let attrs = |raw: &[u8], names: &[(u64, &str)]| -> Option<Value> {
        let f = fields(raw)?;
        let mut out = json!({});
        for (n, key) in names {
            if let Some(v) = one(&f, *n).and_then(text).filter(|v| !v.is_empty()) {
                out[*key] = json!(v);
            }
        }
        Some(out)
    };
    let mut out = json!({"spec": {}});
    if let Some(raw) = one(&spec, 1) {
        let names = [
            (1, "namespace"),
            (2, "verb"),
            (3, "group"),
            (4, "version"),
            (5, "resource"),
            (6, "subresource"),
            (7, "name"),
        ];
        out["spec"]["resourceAttributes"] = attrs(raw, &names)?;
    }
    if let Some(raw) = one(&spec, 2) {
        out["spec"]["nonResourceAttributes"] = attrs(raw, &[(1, "path"), (2, "verb")])?;
    }
    Some(out)
}

/// ServiceSpec: ports, selector, clusterIP(s), type, externalIPs, externalName.
fn service_spec(raw: &[u8]) -> Option<Value> {
    let f = fields(raw)?;
    let mut spec = json!({});
    let ports: Vec<Value> = all(&f, 1).into_iter().filter_map(service_port).collect();
    if !ports.is_empty() {
        spec["ports"] = json!(ports);
    }
    let selector = string_map(&all(&f, 2));
    if !selector.is_empty() {
        spec["selector"] = json!(selector);
    }
    for (n, key) in [(3, "clusterIP"), (4, "type"), (10, "externalName")] {
        if let Some(v) = one(&f, n).and_then(text).filter(|v| !v.is_empty()) {
            spec[key] = json!(v);
        }
    }
    for (n, key) in [(18, "clusterIPs"), (5, "externalIPs")] {
        let list: Vec<String> = all(&f, n).into_iter().filter_map(text).collect();
        if !list.is_empty() {
            spec[key] = json!(list);
        }
    }
    Some(spec)
}

/// ServicePort: name, protocol, port, targetPort (IntOrString), nodePort.
fn service_port(raw: &[u8]) -> Option<Value> {
    let f = fields(raw)?;
    let mut port = json!({"port": int(raw, 3).unwrap_or(0)});
    for (n, key) in [(1, "name"), (2, "protocol"), (6, "appProtocol")] {
        if let Some(v) = one(&f, n).and_then(text).filter(|v| !v.is_empty()) {
            port[key] = json!(v);
        }
    }
    if let Some(target) = one(&f, 4) {
        let named = one(&fields(target)?, 3).and_then(text);
        port["targetPort"] = match (int(target, 1), named) {
            (Some(1), Some(name)) => json!(name),
            _ => json!(int(target, 2).unwrap_or(0)),
        };
    }
    if let Some(np) = int(raw, 5).filter(|n| *n != 0) {
        port["nodePort"] = json!(np);
    }
    Some(port)
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
        let v = object_from_protobuf("Namespace", &body).expect("decodes");
        assert_eq!(v["metadata"]["name"], "dev");
        assert!(object_from_protobuf("Namespace", b"garbage").is_none());
        assert!(object_from_protobuf("Namespace", b"k8s\0\x12\xff").is_none());
        assert!(object_from_protobuf("Pod", &body).is_none(), "only the kinds it knows");
    }

    #[test]
    fn decodes_a_secret_with_bytes_and_strings() {
        let entry = |k: &[u8], v: &[u8]| [ld(1, k), ld(2, v)].concat();
        let secret =
            [ld(1, &ld(1, b"s")), ld(2, &entry(b"a", b"\x00\x01")), ld(3, b"Opaque"), ld(4, &entry(b"u", b"admin"))]
                .concat();
        let mut body = b"k8s\0".to_vec();
        body.extend(ld(2, &secret));
        let v = object_from_protobuf("Secret", &body).expect("decodes");
        assert_eq!(v["metadata"]["name"], "s");
        assert_eq!(v["data"]["a"], "AAE=");
        assert_eq!(v["type"], "Opaque");
        assert_eq!(v["stringData"]["u"], "admin");
    }
}
