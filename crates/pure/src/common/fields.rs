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

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    /// The fields a typed Pod drops from `sent`, as the API server names them.
    fn unknown(sent: Value) -> Vec<String> {
        let pod: Pod = serde_json::from_value(sent.clone()).expect("decodes, ignoring unknown fields");
        let kept = serde_json::to_value(pod).expect("encodes");
        dropped(&sent, &kept).iter().map(|p| display(p)).collect()
    }

    #[test]
    fn typos_are_named_by_their_paths() {
        let sent = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "x", "lables": {"a": "b"}, "annotations": null},
            "spec": {"containers": [
                {"name": "a", "image": "nginx"},
                {"name": "b", "imagee": "busybox", "ports": [{"containerPort": 80, "hostPortt": 1}]}
            ], "nodeSelecter": {}},
            "status": {"phasee": "Running"}
        });
        assert_eq!(
            unknown(sent),
            [
                "metadata.lables",
                "spec.containers[1].imagee",
                "spec.containers[1].ports[0].hostPortt",
                "spec.nodeSelecter",
                "status.phasee"
            ]
        );
        // A field sent as null is dropped by any decoder: never a typo.
        assert!(unknown(json!({"metadata": {"name": "x", "labels": null}})).is_empty());
    }

    #[test]
    fn paths_read_as_the_api_server_writes_them() {
        let p = [Seg::Key("spec".into()), Seg::Key("containers".into()), Seg::Index(0), Seg::Key("imagee".into())];
        assert_eq!(display(&p), "spec.containers[0].imagee");
        assert_eq!(display(&[Seg::Index(2), Seg::Key("a".into())]), "[2].a");
        assert_eq!(display(&[]), "");
        assert_eq!(dropped(&json!([1, {"x": 1}]), &json!([1, {}])), [vec![Seg::Index(1), Seg::Key("x".into())]]);
        assert!(dropped(&json!({"a": 1}), &json!("scalar")).is_empty());
    }
}
