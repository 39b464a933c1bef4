//! JSON exactly as kubectl prints it: Go's `json.MarshalIndent` with four spaces, which
//! escapes `<`, `>`, `&`, U+2028 and U+2029. Key order is the caller's: sorted for
//! objects read from the server (Go maps), struct order for objects kubectl builds.

use serde_json::Value;

/// Renders `v` with keys in the order they are stored.
pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, 0, &mut out);
    out.push('\n');
    out
}

/// Renders `v` with object keys sorted, as kubectl prints unstructured objects.
pub fn to_json_sorted(v: &Value) -> String {
    to_json(&sort_keys(v))
}

pub fn sort_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), sort_keys(&m[k]))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n * 4));
}

fn write(v: &Value, depth: usize, out: &mut String) {
    match v {
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) => {
            out.push_str("{\n");
            for (i, (k, val)) in m.iter().enumerate() {
                pad(out, depth + 1);
                string(k, out);
                out.push_str(": ");
                write(val, depth + 1, out);
                if i + 1 < m.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(out, depth);
            out.push('}');
        }
        Value::Array(a) => {
            out.push_str("[\n");
            for (i, val) in a.iter().enumerate() {
                pad(out, depth + 1);
                write(val, depth + 1, out);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            pad(out, depth);
            out.push(']');
        }
        Value::String(s) => string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // shared/reference/k8s-facts.md 3: `kubectl run nginx --image=nginx --dry-run=client -o json`.
    #[test]
    fn go_indent_and_escapes() {
        let v = json!({"kind": "Pod", "metadata": {"name": "n", "labels": {}}, "spec": {"args": ["a<b"]}});
        assert_eq!(
            to_json(&v),
            "{\n    \"kind\": \"Pod\",\n    \"metadata\": {\n        \"name\": \"n\",\n        \"labels\": {}\n    },\n    \"spec\": {\n        \"args\": [\n            \"a\\u003cb\"\n        ]\n    }\n}\n"
        );
        assert!(to_json_sorted(&json!({"b": 1, "a": 2})).starts_with("{\n    \"a\": 2"));
    }
}
