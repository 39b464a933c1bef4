//! Reading manifests for `apply`, `create` and `delete -f`: files, directories (their
//! `.yaml`, `.yml` and `.json` files in name order) and `-`; several YAML documents per
//! file, `kind: List` unrolled. Also names unknown fields before the server does, from
//! the Pod schema, with the field the author most likely meant (`metadata.lables` ->
//! `labels`).

use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use crate::common::fields::{Seg, display, dropped};
use crate::common::schema::pod_fields_at;
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

    /// `metadata.generateName`, when the document has no name of its own.
    pub fn generate_name(&self) -> Option<&str> {
        let m = self.value.get("metadata")?;
        let named = m.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
        m.get("generateName").and_then(Value::as_str).filter(|g| !g.is_empty() && !named)
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

/// The largest manifest the shell reads: far above any real one (the API server takes
/// at most 3 MiB an object), far below what would exhaust memory.
pub const MAX_MANIFEST_BYTES: u64 = 32 * 1024 * 1024;

/// The refusal for a manifest over the limit.
pub fn too_large(source: &str, bytes: u64) -> Error {
    Error::with_hint(
        format!(
            "{source} is {:.1} MB; manifests over {} MB are not read",
            bytes as f64 / 1e6,
            MAX_MANIFEST_BYTES >> 20
        ),
        "the API server takes at most 3 MB an object: split the file",
    )
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

/// The documents a line's `-f` arguments name, and the text read from standard input
/// for `-` (so the line can still be handed to kubectl after reading it).
#[derive(Debug, Default)]
pub struct Manifests {
    pub docs: Vec<Doc>,
    pub stdin: Option<String>,
}

/// Why manifests were not read natively.
#[derive(Debug)]
pub enum Unread {
    /// An error the shell words as kubectl does (a path that does not exist).
    Ours(Error),
    /// Something kubectl must read and word itself (a document that does not parse, no
    /// documents at all); carries what was read from stdin.
    Kubectl(Option<String>),
}

/// Every document named by the `-f` arguments; `stdin` supplies `-`.
pub fn read(args: &[String], stdin: &mut dyn FnMut() -> Result<String>) -> Result<Manifests, Unread> {
    let mut m = Manifests::default();
    for arg in args {
        if arg == "-" {
            let text = stdin().map_err(Unread::Ours)?;
            let parsed = parse_docs(&text, "STDIN");
            m.stdin = Some(text);
            m.docs.extend(parsed.map_err(|_| Unread::Kubectl(m.stdin.clone()))?);
            continue;
        }
        for f in files_of(arg).map_err(Unread::Ours)? {
            let size = std::fs::metadata(&f).map(|md| md.len()).unwrap_or(0);
            if size > MAX_MANIFEST_BYTES {
                return Err(Unread::Ours(too_large(&f.to_string_lossy(), size)));
            }
            let text = std::fs::read_to_string(&f).map_err(|_| Unread::Kubectl(m.stdin.clone()))?;
            m.docs.extend(parse_docs(&text, &f.to_string_lossy()).map_err(|_| Unread::Kubectl(m.stdin.clone()))?);
        }
    }
    if m.docs.is_empty() {
        return Err(Unread::Kubectl(m.stdin));
    }
    Ok(m)
}

/// `(path, suggestion)` for each field of a Pod manifest the schema does not declare.
pub fn unknown_pod_fields(doc: &Value) -> Vec<(String, Option<String>)> {
    let Ok(pod) = serde_json::from_value::<Pod>(doc.clone()) else { return Vec::new() };
    let kept = serde_json::to_value(&pod).unwrap_or(Value::Null);
    dropped(doc, &kept)
        .into_iter()
        .filter_map(|path| {
            let (Seg::Key(key), parent) = path.split_last()? else { return None };
            let candidates = pod_fields_at(parent);
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
