//! Protobuf request bodies, read into the JSON form the rest of the server handles.
//! client-go's typed clients post built-in kinds as `k8s\0` + `runtime.Unknown` with no
//! JSON fallback (`kubectl create namespace|secret|...`, `kubectl debug --copy-to` posting
//! a whole Pod, `auth can-i`). The layout of every message comes from
//! `protobuf_schema.txt`, generated from the Kubernetes sources
//! (`tools/gen_proto_schema.py`); with it the Go marshaller's rules: value fields with
//! `omitempty` are absent when zero, pointer fields present when set.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Value, json};

/// One field of a message, as the schema states it.
#[derive(Debug)]
struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    /// Absent in Go's JSON when zero (a value field with `omitempty`).
    omit_zero: bool,
    /// An embedded struct: its fields belong to the enclosing object in JSON.
    inline: bool,
}

static SCHEMA: LazyLock<HashMap<(&'static str, u64), Field>> = LazyLock::new(|| {
    include_str!("protobuf_schema.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let c: Vec<&'static str> = l.split('\t').collect();
            let [msg, num, name, label, kind, flags] = c.as_slice() else { return None };
            let field = Field { name, label, kind, omit_zero: *flags == "omit", inline: *flags == "inline" };
            Some(((*msg, num.parse().ok()?), field))
        })
        .collect()
});

/// One field's value on the wire.
#[derive(Clone, Copy, Debug)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
}

/// Reads every `(field number, value)` of a message.
fn parse(mut b: &[u8]) -> Option<Vec<(u64, Wire<'_>)>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let (tag, rest) = varint(b)?;
        b = rest;
        let value = match tag & 7 {
            0 => {
                let (v, rest) = varint(b)?;
                b = rest;
                Wire::Varint(v)
            }
            1 => {
                let v = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
                b = &b[8..];
                Wire::Fixed64(v)
            }
            2 => {
                let (len, rest) = varint(b)?;
                let len = usize::try_from(len).ok()?;
                let v = rest.get(..len)?;
                b = &rest[len..];
                Wire::Bytes(v)
            }
            5 => {
                let v = u32::from_le_bytes(b.get(..4)?.try_into().ok()?);
                b = &b[4..];
                Wire::Fixed32(v)
            }
            _ => return None,
        };
        out.push((tag >> 3, value));
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

fn bytes_of(w: Wire<'_>) -> Option<&[u8]> {
    if let Wire::Bytes(b) = w { Some(b) } else { None }
}

fn int_of(w: Wire<'_>) -> Option<u64> {
    match w {
        Wire::Varint(v) | Wire::Fixed64(v) => Some(v),
        Wire::Fixed32(v) => Some(u64::from(v)),
        Wire::Bytes(_) => None,
    }
}

/// The messages whose JSON form is not their fields.
fn special(kind: &str, b: &[u8]) -> Option<Option<Value>> {
    let f = || parse(b);
    let num = |n: u64| f().and_then(|f| f.into_iter().find(|(k, _)| *k == n).and_then(|(_, w)| int_of(w)));
    let bytes = |n: u64| f().and_then(|f| f.into_iter().find(|(k, _)| *k == n).and_then(|(_, w)| bytes_of(w)));
    let text = |n: u64| bytes(n).map(|v| String::from_utf8_lossy(v).into_owned());
    Some(match kind {
        "meta.v1.Time" | "meta.v1.MicroTime" => {
            let secs = num(1).unwrap_or(0) as i64;
            let nanos = num(2).unwrap_or(0) as i32;
            // A zero time is `null` in JSON, which Go leaves out.
            if secs == 0 && nanos == 0 {
                return Some(None);
            }
            let t = k8s_openapi::jiff::Timestamp::new(secs, nanos).ok()?;
            let fmt = if kind == "meta.v1.Time" { "%Y-%m-%dT%H:%M:%SZ" } else { "%Y-%m-%dT%H:%M:%S%.6fZ" };
            Some(json!(t.strftime(fmt).to_string()))
        }
        "resource.Quantity" => Some(json!(text(1).unwrap_or_default())),
        "intstr.IntOrString" => match num(1) {
            Some(1) => Some(json!(text(3).unwrap_or_default())),
            _ => Some(json!(num(2).unwrap_or(0) as i32)),
        },
        "meta.v1.FieldsV1" | "runtime.RawExtension" => {
            bytes(1).map(|raw| serde_json::from_slice(raw).unwrap_or(Value::Null))
        }
        "meta.v1.Duration" => Some(json!(num(1).unwrap_or(0) as i64)),
        _ => return None,
    })
}

/// One value of type `kind` from the wire; `None` for a zero that Go's JSON leaves out.
fn value(kind: &str, w: Wire<'_>, omit_zero: bool) -> Option<Value> {
    let v = match kind {
        "string" => json!(String::from_utf8_lossy(bytes_of(w)?)),
        "bytes" => serde_json::to_value(k8s_openapi::ByteString(bytes_of(w)?.to_vec())).ok()?,
        "bool" => json!(int_of(w)? != 0),
        "int32" => json!(int_of(w)? as i32),
        "int64" => json!(int_of(w)? as i64),
        "uint32" | "uint64" => json!(int_of(w)?),
        "double" => json!(f64::from_bits(int_of(w)?)),
        "float" => json!(f32::from_bits(int_of(w)? as u32)),
        message => match special(message, bytes_of(w)?) {
            Some(v) => v?,
            None => message_value(message, bytes_of(w)?)?,
        },
    };
    let zero = matches!(&v, Value::String(s) if s.is_empty())
        || v.as_i64() == Some(0)
        || v.as_f64() == Some(0.0)
        || v == json!(false);
    (!(omit_zero && zero)).then_some(v)
}

/// A message of the schema as its JSON object.
fn message_value(message: &str, b: &[u8]) -> Option<Value> {
    let mut out = Map::new();
    for (n, w) in parse(b)? {
        let Some(field) = SCHEMA.get(&(message, n)) else { continue };
        match field.label {
            "rep" => {
                let item = value(field.kind, w, false)?;
                let list = out.entry(field.name).or_insert_with(|| json!([]));
                if let Value::Array(items) = list {
                    items.push(item);
                }
            }
            "map" => {
                let (k, v) = field.kind.split_once(',')?;
                let (mut key, mut val) = (None, None);
                for (en, ew) in parse(bytes_of(w)?)? {
                    match en {
                        1 => key = value(k, ew, false),
                        2 => val = value(v, ew, false),
                        _ => {}
                    }
                }
                let key = key.and_then(|k| k.as_str().map(str::to_string)).unwrap_or_default();
                let val = val.unwrap_or_else(|| if v == "string" { json!("") } else { Value::Null });
                if let Value::Object(m) = out.entry(field.name).or_insert_with(|| json!({})) {
                    m.insert(key, val);
                }
            }
            _ => match value(field.kind, w, field.omit_zero) {
                Some(Value::Object(inner)) if field.inline => out.extend(inner),
                Some(v) => {
                    out.insert(field.name.to_string(), v);
                }
                None => {}
            },
        }
    }
    Some(Value::Object(out))
}

/// The object inside a `k8s\0` + `runtime.Unknown` envelope, decoded as `message`.
fn envelope(body: &[u8], message: &str) -> Option<Value> {
    let unknown = parse(body.strip_prefix(b"k8s\0")?)?;
    let raw = unknown.into_iter().find(|(n, _)| *n == 2).and_then(|(_, w)| bytes_of(w))?;
    message_value(message, raw)
}

/// A core/v1 object of `kind` posted as protobuf, in its JSON form; `None` for kinds the
/// schema does not hold and for bodies that are not protobuf.
pub fn object_from_protobuf(kind: &str, body: &[u8]) -> Option<Value> {
    let message = format!("core.v1.{kind}");
    if !SCHEMA.contains_key(&(message.as_str(), 1)) {
        return None;
    }
    let mut obj = envelope(body, &message)?;
    obj["apiVersion"] = json!("v1");
    obj["kind"] = json!(kind);
    Some(obj)
}

/// A SelfSubjectAccessReview posted as protobuf, in its JSON form.
pub fn access_review_from_protobuf(body: &[u8]) -> Option<Value> {
    envelope(body, "authorization.v1.SelfSubjectAccessReview")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uvarint(mut n: u64) -> Vec<u8> {
        let mut v = Vec::new();
        while n >= 0x80 {
            v.push((n as u8) | 0x80);
            n >>= 7;
        }
        v.push(n as u8);
        v
    }

    fn ld(field: u64, payload: &[u8]) -> Vec<u8> {
        let mut v = uvarint(field << 3 | 2);
        v.extend(uvarint(payload.len() as u64));
        v.extend_from_slice(payload);
        v
    }

    fn var(field: u64, n: u64) -> Vec<u8> {
        let mut v = uvarint(field << 3);
        v.extend(uvarint(n));
        v
    }

    fn envelope_of(obj: &[u8]) -> Vec<u8> {
        let mut body = b"k8s\0".to_vec();
        body.extend(ld(1, &[ld(1, b"v1"), ld(2, b"Namespace")].concat()));
        body.extend(ld(2, obj));
        body
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
        assert!(object_from_protobuf("Deployment", &body).is_none(), "only the kinds it knows");
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

    #[test]
    fn a_pod_keeps_set_pointers_and_drops_go_zero_values() {
        // ObjectMeta: name, an empty generateName (a zero value Go leaves out), a zero
        // creationTimestamp (null in JSON).
        let meta = [ld(1, b"web"), ld(2, b""), ld(8, b"")].concat();
        let port = [var(2, 0), var(3, 80), ld(4, b"TCP")].concat(); // hostPort 0 (omitted), containerPort 80
        let limits = [ld(1, b"memory"), ld(2, &ld(1, b"100Mi"))].concat();
        let resources = ld(1, &limits);
        let probe_port = [var(1, 1), ld(3, b"http")].concat();
        let probe = ld(1, &ld(2, &[ld(1, b"/healthz"), ld(2, &probe_port)].concat()));
        let container =
            [ld(1, b"web"), ld(2, b"nginx"), ld(6, &port), ld(8, &resources), ld(10, &probe), var(16, 0)].concat();
        // terminationGracePeriodSeconds 0 is a set pointer; enableServiceLinks false too.
        let spec = [ld(2, &container), var(4, 0), ld(3, b"Always"), var(30, 0)].concat();
        let pod = [ld(1, &meta), ld(2, &spec)].concat();
        let v = object_from_protobuf("Pod", &envelope_of(&pod)).expect("decodes");
        assert_eq!(v["metadata"], json!({"name": "web"}));
        let c = &v["spec"]["containers"][0];
        assert_eq!(c["ports"], json!([{"containerPort": 80, "protocol": "TCP"}]));
        assert_eq!(c["resources"]["limits"]["memory"], "100Mi");
        assert_eq!(c["livenessProbe"]["httpGet"]["port"], "http");
        assert!(c.get("stdin").is_none(), "false is Go's zero for a plain bool");
        assert_eq!(v["spec"]["terminationGracePeriodSeconds"], 0);
        assert_eq!(v["spec"]["enableServiceLinks"], false);
        assert_eq!(v["spec"]["restartPolicy"], "Always");
        let typed: k8s_openapi::api::core::v1::Pod = serde_json::from_value(v).expect("a valid Pod");
        assert_eq!(typed.spec.expect("spec").containers[0].image.as_deref(), Some("nginx"));
    }

    #[test]
    fn times_and_numbers() {
        assert_eq!(
            special("meta.v1.Time", &[var(1, 1_700_000_000)].concat()),
            Some(Some(json!("2023-11-14T22:13:20Z")))
        );
        assert_eq!(special("meta.v1.Time", b""), Some(None));
        assert_eq!(special("intstr.IntOrString", &[var(1, 0), var(2, 8080)].concat()), Some(Some(json!(8080))));
        assert_eq!(special("resource.Quantity", &ld(1, b"250m")), Some(Some(json!("250m"))));
        assert_eq!(special("core.v1.Pod", b""), None);
        assert!(parse(&[0x0b]).is_none(), "wire type 3 is refused");
        assert!(parse(&[0x09, 1, 2]).is_none(), "a truncated fixed64");
    }
}
