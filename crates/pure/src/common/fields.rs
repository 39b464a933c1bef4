//! Which fields of a manifest the schema does not declare: decode into the typed object,
//! encode it again, and report what was sent (non-null) but did not come back. The
//! simulator uses it for `fieldValidation`, the shell to name typos before sending.

use serde_json::Value;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Paths present in `sent` but dropped from `kept` (its typed round trip).
pub fn dropped(sent: &Value, kept: &Value) -> Vec<Vec<Seg>> {
    let mut out = Vec::new();
    walk(sent, kept, &mut Vec::new(), &mut out);
    out
}

fn walk(sent: &Value, kept: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match (sent, kept) {
        (Value::Object(s), Value::Object(k)) => {
            for (key, v) in s {
                path.push(Seg::Key(key.clone()));
                match k.get(key) {
                    Some(kv) => walk(v, kv, path, out),
                    None if !v.is_null() => out.push(path.clone()),
                    None => {}
                }
                path.pop();
            }
        }
        (Value::Array(s), Value::Array(k)) => {
            for (i, (a, b)) in s.iter().zip(k).enumerate() {
                path.push(Seg::Index(i));
                walk(a, b, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `metadata.lables`, `spec.containers[0].imagee`: the API server's way of writing paths.
pub fn display(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}
