//! `draft`: dry-run, edit, diff and apply in one step. The manifest (`run`'s pod, or a
//! file) is written to a file that is kept, opened in `$VISUAL`/`$EDITOR`/`vi`, checked
//! against the Pod schema and by a server-side dry run; a problem goes back into the
//! file as comments at the top and the editor opens again, as `kubectl edit` does. A
//! valid draft shows its diff against the live pod and asks `apply? [y/N/e]`
//! (`--yes` applies at once). Applying is `apply -f FILE`, so a replayed history does
//! exactly that.

use std::path::{Path, PathBuf};

use kube::core::DynamicObject;
use serde_json::Value;

use super::apply::apply_pod;
use super::manifests::{Doc, parse_docs, unknown_pod_fields};
use super::{Io, emit};
use crate::cluster::Resource;
use crate::command::parse::{Apply, Draft, DryRun};
use crate::error::{Error, Result};
use crate::render::diff::unified;
use crate::render::errors::error_text;
use crate::render::yaml::to_yaml;
use crate::session::Session;
use crate::settings::Settings;

/// The header line that marks the problems the shell wrote into a draft.
const MARK: &str = "# draft: ";

/// A file name for a new draft of pod `name` in the working directory that holds nothing
/// yet: `NAME.yaml`, else `NAME-2.yaml`, ...
fn fresh_path(name: &str) -> PathBuf {
    let first = PathBuf::from(format!("{name}.yaml"));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| PathBuf::from(format!("{name}-{n}.yaml"))).find(|p| !p.exists()).unwrap_or(first)
}

/// The draft without the problems written into it last time.
fn without_marks(text: &str) -> String {
    text.lines().skip_while(|l| l.starts_with(MARK) || *l == "#").map(|l| format!("{l}\n")).collect()
}

/// The draft with `problems` as comments at the top.
fn with_marks(text: &str, problems: &str) -> String {
    let mut out: String = problems.lines().map(|l| format!("{MARK}{l}\n")).collect();
    out.push_str("#\n");
    out.push_str(text);
    out
}

/// The one Pod the draft holds, or what is wrong with it (one problem a line).
fn check(text: &str, source: &str) -> std::result::Result<Doc, String> {
    let docs = parse_docs(text, source).map_err(|e| e.to_string())?;
    let [doc] = &docs[..] else { return Err(format!("a draft holds one Pod, not {} objects", docs.len())) };
    if !doc.is_pod() {
        return Err("a draft holds a Pod: apiVersion: v1 and kind: Pod".into());
    }
    if doc.name().is_empty() {
        return Err("metadata.name is required".into());
    }
    let unknown = unknown_pod_fields(&doc.value);
    if !unknown.is_empty() {
        let lines: Vec<String> = unknown
            .into_iter()
            .map(|(path, hint)| match hint {
                Some(h) => format!("{path} is not a Pod field; did you mean {h:?}?"),
                None => format!("{path} is not a Pod field"),
            })
            .collect();
        return Err(lines.join("\n"));
    }
    Ok(doc.clone())
}

/// Opens the editor on `path` and waits for it; the terminal is the editor's meanwhile.
async fn edit(path: &Path, io: &Io<'_>) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".into());
    // The editor may carry its own arguments (`code --wait`), so the shell splits it.
    let mut cmd = crate::hostshell::editor_command(&editor, path);
    if !io.terminal.inherited {
        cmd.stdin(std::process::Stdio::null());
    }
    let status = cmd.status().await.map_err(|e| Error::msg(format!("cannot start the editor {editor:?}: {e}")))?;
    if !status.success() {
        return Err(Error::msg(format!(
            "the editor {editor:?} failed ({status}); the draft is kept at {}",
            path.display()
        )));
    }
    Ok(())
}

/// The object as a diff shows it: no status, no server bookkeeping, no copy of the last
/// applied manifest.
fn shown(v: &Value) -> String {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
    }
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for noise in ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation"] {
            m.remove(noise);
        }
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove(super::apply::LAST_APPLIED);
            if a.is_empty() {
                m.remove("annotations");
            }
        }
    }
    to_yaml(&v)
}

pub async fn draft(session: &mut Session, settings: &Settings, d: Draft, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&d.scope).await?;
    let path = match (&d.file, &d.run) {
        (Some(f), _) => {
            if !Path::new(f).is_file() {
                return Err(Error::msg(format!("the path {f:?} does not exist")));
            }
            PathBuf::from(f)
        }
        (None, Some(r)) => {
            let path = fresh_path(&r.name);
            let pod = super::run::generate(r, d.scope.namespace.as_deref())?;
            crate::common::files::write_private(&path, to_yaml(&pod).as_bytes())
                .map_err(|e| Error::msg(format!("cannot write {}: {e}", path.display())))?;
            path
        }
        (None, None) => {
            return Err(Error::with_hint("draft needs a pod or a file", "draft NAME --image=IMG, or draft -f FILE"));
        }
    };
    let source = path.display().to_string();
    emit(io.err, &format!("draft: {source}\n"))?;
    // A script edits only with an editor it names (`EDITOR='sed -i ...'`).
    let editing = io.interactive || std::env::var_os("VISUAL").or_else(|| std::env::var_os("EDITOR")).is_some();
    let read =
        |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::msg(format!("cannot read {}: {e}", p.display())));
    loop {
        let handed = read(&path)?;
        if editing {
            edit(&path, io).await?;
        }
        let edited = read(&path)?;
        let text = without_marks(&edited);
        let problems = match check(&text, &source) {
            Err(p) => Some(p),
            Ok(doc) => {
                if edited != text {
                    // Valid now: the problems written into it go.
                    std::fs::write(&path, &text).map_err(|e| Error::msg(format!("cannot write {source}: {e}")))?;
                }
                let dry = Apply {
                    scope: d.scope.clone(),
                    create_only: false,
                    files: vec![source.clone()],
                    dry_run: DryRun::Server,
                    validate: "Strict".into(),
                    output: None,
                    line: Vec::new(),
                };
                let mut silent = std::io::sink();
                let mut quiet = Io {
                    out: &mut *io.out,
                    err: &mut silent,
                    input: &mut *io.input,
                    interactive: io.interactive,
                    out_is_terminal: io.out_is_terminal,
                    terminal: io.terminal,
                };
                let tried = apply_pod(&cluster, &ns, &doc, &dry, &mut quiet).await;
                match tried {
                    Err(Error::Interrupted) => return Err(Error::Interrupted),
                    Err(e) => Some(error_text(&e, None, false).trim_end().to_string()),
                    Ok((after, _)) => {
                        let live = live(&cluster, &ns, &doc).await?;
                        let before = live.as_ref().map(shown).unwrap_or_default();
                        emit(io.out, &unified(&before, &shown(&after), &source, settings.color && io.out_is_terminal))?;
                        match decide(&d, io, &source)? {
                            Decision::Apply => return apply(session, &cluster, &ns, &doc, &d, io).await,
                            Decision::Edit => continue,
                            Decision::Keep => {
                                return emit(io.err, &format!("not applied; the draft is kept at {source}\n"));
                            }
                        }
                    }
                }
            }
        };
        let Some(problems) = problems else { continue };
        if !editing || edited == handed && handed.starts_with(MARK) {
            return Err(Error::with_hint(
                format!("the draft is not valid: {}", problems.replace('\n', "; ")),
                format!("nothing applied; fix it with `draft -f {source}`"),
            ));
        }
        std::fs::write(&path, with_marks(&text, &problems))
            .map_err(|e| Error::msg(format!("cannot write {source}: {e}")))?;
    }
}

/// The live pod the draft would change, if there is one.
async fn live(cluster: &crate::cluster::Cluster, ns: &str, doc: &Doc) -> Result<Option<Value>> {
    let ns = doc.namespace().unwrap_or_else(|| ns.to_string());
    match cluster.get::<DynamicObject>(Resource::Pods, Some(&ns), &doc.name()).await {
        Ok(o) => Ok(Some(serde_json::to_value(o).unwrap_or(Value::Null))),
        Err(e) if e.not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

enum Decision {
    Apply,
    Edit,
    Keep,
}

fn decide(d: &Draft, io: &mut Io<'_>, source: &str) -> Result<Decision> {
    if d.yes {
        return Ok(Decision::Apply);
    }
    if !io.interactive {
        return Err(Error::with_hint(
            format!("a script cannot answer `apply?`; the draft is kept at {source}"),
            "pass --yes to apply without asking",
        ));
    }
    emit(io.err, "apply? [y/N/e] ")?;
    Ok(match io.read_line()?.trim() {
        "y" | "Y" | "yes" => Decision::Apply,
        "e" | "E" | "edit" => Decision::Edit,
        _ => Decision::Keep,
    })
}

async fn apply(
    session: &mut Session,
    cluster: &crate::cluster::Cluster,
    ns: &str,
    doc: &Doc,
    d: &Draft,
    io: &mut Io<'_>,
) -> Result<()> {
    let a = Apply {
        scope: d.scope.clone(),
        create_only: false,
        files: vec![doc.source.clone()],
        dry_run: DryRun::None,
        validate: "Strict".into(),
        output: None,
        line: Vec::new(),
    };
    let (_, line) = apply_pod(cluster, ns, doc, &a, io).await?;
    session.note_written(&d.scope, &doc.namespace().unwrap_or_else(|| ns.to_string()), &doc.name());
    session.note_replay(format!("apply -f {}", crate::history::export::quote(&doc.source)));
    emit(io.out, &line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_come_and_go() {
        let text = "apiVersion: v1\nkind: Pod\n";
        let marked = with_marks(text, "one\ntwo");
        assert_eq!(marked, "# draft: one\n# draft: two\n#\napiVersion: v1\nkind: Pod\n");
        assert_eq!(without_marks(&marked), text);
        assert_eq!(without_marks("# mine\nkind: Pod\n"), "# mine\nkind: Pod\n", "the author's comments stay");
    }

    #[test]
    fn checks_name_the_problem() {
        let ok =
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n    image: nginx\n";
        assert_eq!(check(ok, "f").map(|d| d.name()), Ok("a".to_string()));
        let typo = ok.replace("image:", "imagee:");
        assert_eq!(
            check(&typo, "f").map(|_| ()),
            Err("spec.containers[0].imagee is not a Pod field; did you mean \"image\"?".into())
        );
        assert_eq!(
            check("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", "f").map(|_| ()),
            Err("a draft holds a Pod: apiVersion: v1 and kind: Pod".into())
        );
        assert_eq!(check("apiVersion: v1\nkind: Pod\n", "f").map(|_| ()), Err("metadata.name is required".into()));
        assert!(check(&format!("{ok}---\n{ok}"), "f").is_err_and(|e| e.contains("not 2 objects")));
        assert!(check("a: [", "f").is_err());
    }
}
