//! Resolving a line's `@` references before it is parsed: rows of the last listing and
//! `@last` from the session (checked against the cluster, so a pod that is gone is an
//! error, not a surprise), `@PREFIX` from the pods of the namespace the line runs in.
//! A pod from another namespace or context brings `-n`/`--context` along.

use k8s_openapi::api::core::v1::Pod;
use kube::core::params::ListParams;

use crate::cluster::Resource;
use crate::command::lex::Word;
use crate::command::parse::Scope;
use crate::error::{Error, Result};
use crate::refs::{self, Found, PodRef, Wanted};
use crate::session::Session;

/// `line` with the references among one statement's `words` replaced, or `None` when
/// the statement has none. Statements are expanded as they run, so `get pods; logs @1`
/// reads the listing the first statement made.
pub async fn expand(session: &mut Session, line: &str, words: &[Word]) -> Result<Option<String>> {
    let found = refs::find_in(line, words);
    if found.is_empty() {
        return Ok(None);
    }
    let mut replacements = Vec::new();
    for f in &found {
        let pod = resolve(session, f).await?;
        let mut text = pod.name.clone();
        if !f.scoped {
            if pod.ctx != session.context() {
                text.push_str(&format!(" --context {}", pod.ctx));
            }
            if pod.ns != session.namespace() || pod.ctx != session.context() {
                text.push_str(&format!(" -n {}", pod.ns));
            }
        }
        replacements.push((f.start, f.end, text));
    }
    Ok(Some(refs::rewrite(line, &replacements)))
}

async fn resolve(session: &mut Session, f: &Found) -> Result<PodRef> {
    let pod = match &f.wanted {
        Wanted::Row(n) => match session.refs().listing.get(n - 1) {
            Some(Some(p)) => p.clone(),
            Some(None) => return Err(Error::msg(format!("{}: row {n} of the last listing is not a pod", f.text))),
            None if session.refs().listing.is_empty() => {
                return Err(Error::with_hint(
                    format!("{}: no pods listed yet in this session", f.text),
                    "`get pods` (or `events`) numbers its rows as @1, @2, ...",
                ));
            }
            None => {
                let rows = session.refs().listing.len();
                return Err(Error::with_hint(
                    format!("{}: the last listing has {rows} row{}", f.text, if rows == 1 { "" } else { "s" }),
                    "list the pods again to renumber them",
                ));
            }
        },
        Wanted::Last => session.refs().last.clone().ok_or_else(|| {
            Error::with_hint("@last: no pod created or applied in this session yet", "`run` or `apply -f` one first")
        })?,
        Wanted::Prefix(p) => return by_prefix(session, f, p).await,
    };
    let cluster = session.cluster(&pod.ctx).await?;
    match cluster.get::<Pod>(Resource::Pods, Some(&pod.ns), &pod.name).await {
        Ok(_) => Ok(pod),
        Err(e) if e.not_found() => Err(Error::with_hint(
            format!("{}: pod {:?} is gone from namespace {:?}", f.text, pod.name, pod.ns),
            "list the pods again to renumber them",
        )),
        Err(e) => Err(e),
    }
}

/// The one pod of the line's namespace whose name starts with `prefix`.
async fn by_prefix(session: &mut Session, f: &Found, prefix: &str) -> Result<PodRef> {
    let scope = Scope { namespace: f.namespace.clone(), context: f.context.clone(), request_timeout: None };
    let (cluster, ns, ctx) = session.resolve(&scope).await?;
    let list = cluster.list::<Pod>(Resource::Pods, Some(&ns), &ListParams::default()).await?;
    let names: Vec<String> = list.items.into_iter().filter_map(|p| p.metadata.name).collect();
    match refs::by_prefix(prefix, &names)[..] {
        [one] => Ok(PodRef { ctx, ns, name: one.clone() }),
        [] => Err(Error::with_hint(
            format!("{}: no pod in namespace {ns:?} starts with {prefix:?}", f.text),
            "`get pods` lists them",
        )),
        ref several => {
            let shown: Vec<&str> = several.iter().take(8).map(|s| s.as_str()).collect();
            let more = if several.len() > 8 { format!(", and {} more", several.len() - 8) } else { String::new() };
            Err(Error::with_hint(
                format!("{}: {} pods start with {prefix:?}: {}{more}", f.text, several.len(), shown.join(", ")),
                "type more of the name",
            ))
        }
    }
}
