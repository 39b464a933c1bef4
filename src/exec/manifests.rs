//! Reading manifests for `apply`, `create` and `delete -f`: files, directories (their
//! `.yaml`, `.yml` and `.json` files in name order) and `-`; several YAML documents per
//! file, `kind: List` unrolled. Also names unknown fields before the server does, with
//! the field the author most likely meant (`metadata.lables` -> `labels`).

use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use crate::common::fields::{Seg, display, dropped};
use crate::common::spelling::nearest;
use crate::error::{Error, Result};

/// One object read from a manifest, and where it came from.
#[derive(Debug, Clone)]
pub struct Doc {
    pub source: String,
    pub value: Value,
}

impl Doc {
    pub fn is_pod(&self) -> bool {
        self.value.get("kind").and_then(Value::as_str) == Some("Pod")
            && self.value.get("apiVersion").and_then(Value::as_str) == Some("v1")
    }
    pub fn name(&self) -> String {
        self.value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("").to_string()
    }
    pub fn namespace(&self) -> Option<String> {
        self.value.pointer("/metadata/namespace").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_string)
    }
}

fn files_of(arg: &str) -> Result<Vec<PathBuf>> {
    let p = Path::new(arg);
    if p.is_dir() {
        let mut out: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| Error::msg(format!("cannot read {arg}: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| f.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
            .collect();
        out.sort();
        return Ok(out);
    }
    if !p.exists() {
        return Err(Error::msg(format!("the path {arg:?} does not exist")));
    }
    Ok(vec![p.to_path_buf()])
}

/// Parses the documents of one manifest text.
pub fn parse_docs(text: &str, source: &str) -> Result<Vec<Doc>> {
    let values: Vec<Value> = if text.trim_start().starts_with('{') {
        vec![serde_json::from_str(text).map_err(|e| Error::msg(format!("error parsing {source}: {e}")))?]
    } else {
        serde_saphyr::from_multiple::<Value>(text).map_err(|e| {
            let first = e.to_string().lines().next().unwrap_or_default().to_string();
            Error::msg(format!("error parsing {source}: {first}"))
        })?
    };
    let mut docs = Vec::new();
    for v in values.into_iter().filter(|v| !v.is_null()) {
        if v.get("kind").and_then(Value::as_str) == Some("List") {
            for item in v.get("items").and_then(Value::as_array).cloned().unwrap_or_default() {
                docs.push(Doc { source: source.to_string(), value: item });
            }
        } else {
            docs.push(Doc { source: source.to_string(), value: v });
        }
    }
    Ok(docs)
}

/// Every document named by the `-f` arguments; `stdin` supplies `-`.
pub fn read(args: &[String], stdin: &mut dyn FnMut() -> Result<String>) -> Result<Vec<Doc>> {
    let mut docs = Vec::new();
    for arg in args {
        if arg == "-" {
            docs.extend(parse_docs(&stdin()?, "STDIN")?);
            continue;
        }
        for f in files_of(arg)? {
            let text =
                std::fs::read_to_string(&f).map_err(|e| Error::msg(format!("cannot read {}: {e}", f.display())))?;
            docs.extend(parse_docs(&text, &f.to_string_lossy())?);
        }
    }
    if docs.is_empty() {
        return Err(Error::msg("no objects passed to apply"));
    }
    Ok(docs)
}

/// The fields each schema level declares, taken from a fully populated typed object so
/// the list follows k8s-openapi rather than a hand-kept copy.
fn known_keys(parent: &[Seg]) -> Vec<String> {
    let full = sample_pod();
    let mut cur = &full;
    for seg in parent {
        let next = match (cur, seg) {
            (Value::Object(m), Seg::Key(k)) => m.get(k),
            (Value::Array(a), Seg::Index(_)) => a.first(),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return Vec::new(),
        }
    }
    let cur = if let Value::Array(a) = cur { a.first().unwrap_or(cur) } else { cur };
    cur.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// A pod with the commonly written fields present, used as a schema for suggestions.
fn sample_pod() -> Value {
    serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "", "generateName": "", "namespace": "", "labels": {}, "annotations": {}, "ownerReferences": [], "finalizers": []},
        "spec": {
            "containers": [{"name": "", "image": "", "command": [], "args": [], "workingDir": "", "ports": [{"containerPort": 0, "name": "", "protocol": "", "hostPort": 0}],
                "env": [{"name": "", "value": "", "valueFrom": {}}], "envFrom": [], "resources": {"limits": {}, "requests": {}}, "volumeMounts": [{"name": "", "mountPath": "", "readOnly": false, "subPath": ""}],
                "livenessProbe": {}, "readinessProbe": {}, "startupProbe": {}, "lifecycle": {}, "imagePullPolicy": "", "securityContext": {}, "stdin": false, "tty": false}],
            "initContainers": [], "volumes": [], "restartPolicy": "", "terminationGracePeriodSeconds": 0, "activeDeadlineSeconds": 0, "dnsPolicy": "",
            "nodeSelector": {}, "serviceAccountName": "", "automountServiceAccountToken": false, "nodeName": "", "hostNetwork": false, "hostPID": false,
            "securityContext": {}, "imagePullSecrets": [], "hostname": "", "subdomain": "", "affinity": {}, "schedulerName": "", "tolerations": [],
            "priorityClassName": "", "priority": 0, "readinessGates": [], "enableServiceLinks": false, "topologySpreadConstraints": []
        }
    })
}

/// `(path, suggestion)` for each field of a Pod manifest the schema does not declare.
pub fn unknown_pod_fields(doc: &Value) -> Vec<(String, Option<String>)> {
    let Ok(pod) = serde_json::from_value::<Pod>(doc.clone()) else { return Vec::new() };
    let kept = serde_json::to_value(&pod).unwrap_or(Value::Null);
    dropped(doc, &kept)
        .into_iter()
        .filter_map(|path| {
            let (Seg::Key(key), parent) = path.split_last()? else { return None };
            let candidates = known_keys(parent);
            let hint = nearest(key, candidates.iter().map(String::as_str)).map(str::to_string);
            Some((display(&path), hint))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_seed_typo_and_its_fix() {
        let docs = parse_docs(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n  lables:\n    app: myapp\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.14.2\n    imagePullPolcy: Always\n",
            "nginx-pod.yaml",
        )
        .expect("parses");
        let unknown = unknown_pod_fields(&docs[0].value);
        assert_eq!(
            unknown,
            vec![
                ("metadata.lables".to_string(), Some("labels".to_string())),
                ("spec.containers[0].imagePullPolcy".to_string(), Some("imagePullPolicy".to_string())),
            ]
        );
    }

    #[test]
    fn multiple_documents_and_lists() {
        let docs = parse_docs("kind: Pod\napiVersion: v1\nmetadata: {name: a}\n---\nkind: List\napiVersion: v1\nitems:\n- {kind: Pod, apiVersion: v1, metadata: {name: b}}\n", "f.yaml").expect("parses");
        assert_eq!(docs.iter().map(Doc::name).collect::<Vec<_>>(), ["a", "b"]);
        assert!(parse_docs("{\"kind\": \"Pod\"", "x.json").is_err());
    }
}
