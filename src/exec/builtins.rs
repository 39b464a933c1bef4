//! The built-in verbs: `ns`, `ctx`, `contexts`, `namespaces`, `history`, `help`,
//! `notify`, `clear`. They change or show session state; only `ns` and `namespaces` ask
//! the cluster anything.

use k8s_openapi::api::core::v1::Namespace;
use kube::core::params::ListParams;

use super::{Io, emit};
use crate::cluster::Resource;
use crate::command::parse::History;
use crate::command::table;
use crate::common::spelling::nearest;
use crate::error::{Error, Result};
use crate::session::Session;
use crate::settings::Settings;

pub async fn namespace(session: &mut Session, ns: Option<String>, io: &mut Io<'_>) -> Result<()> {
    let Some(ns) = ns else { return emit(io.out, &format!("{}\n", session.namespace())) };
    let target = if ns == "-" { ns.clone() } else { ns.trim().to_string() };
    if target.is_empty() {
        return Err(Error::msg("a namespace name is required"));
    }
    let ctx = session.context().to_string();
    let new = session.set_namespace(&target)?;
    let cluster = session.cluster(&ctx).await?;
    match cluster.get::<Namespace>(Resource::Namespaces, None, &new).await {
        Ok(_) => {}
        Err(e) if e.not_found() => {
            emit(io.err, &format!("warning: namespace {new:?} does not exist in context {ctx:?}\n"))?
        }
        // Forbidden or unreachable: the user may still work there; say nothing.
        Err(_) => {}
    }
    if io.interactive {
        emit(io.err, &format!("Switched to namespace {new:?}.\n"))?;
    }
    Ok(())
}

pub fn context(session: &mut Session, ctx: Option<String>, io: &mut Io<'_>) -> Result<()> {
    let Some(ctx) = ctx else { return emit(io.out, &format!("{}\n", session.context())) };
    let new = session.set_context(&ctx)?;
    if io.interactive {
        emit(io.err, &format!("Switched to context {new:?} (namespace {:?}).\n", session.namespace()))?;
    }
    Ok(())
}

pub fn contexts(session: &Session, io: &mut Io<'_>) -> Result<()> {
    let text: String = session
        .contexts()
        .iter()
        .map(|c| if c == session.context() { format!("* {c}\n") } else { format!("  {c}\n") })
        .collect();
    emit(io.out, &text)
}

pub async fn namespaces(session: &mut Session, io: &mut Io<'_>) -> Result<()> {
    let ctx = session.context().to_string();
    let cluster = session.cluster(&ctx).await?;
    let list = cluster.list::<Namespace>(Resource::Namespaces, None, &ListParams::default()).await?;
    let text: String = list
        .items
        .iter()
        .filter_map(|n| n.metadata.name.as_deref())
        .map(|n| if n == session.namespace() { format!("* {n}\n") } else { format!("  {n}\n") })
        .collect();
    emit(io.out, &text)
}

pub fn history(settings: &Settings, h: History, io: &mut Io<'_>) -> Result<()> {
    use crate::history::{export, view};
    let entries = settings.history_file.as_ref().map(|p| crate::history::entries(p)).unwrap_or_default();
    match h {
        History::List { last, failed, context } => {
            let rows = view::select(&entries, &view::Filter { last, failed, context });
            emit(io.out, &view::render(&rows, &jiff::tz::TimeZone::system()))
        }
        History::Export { range, file, include_failed } => {
            let range = match (range.as_deref().and_then(export::parse_range), &settings.history_session) {
                (Some(r), _) => r,
                (None, Some(s)) => export::Range::Session(s.clone()),
                (None, None) => {
                    return Err(Error::with_hint(
                        "this run keeps no history of its own to export",
                        "name the entries, e.g. `history export 12-20 FILE` (as `history` numbers them)",
                    ));
                }
            };
            let rows = export::chosen(&entries, &range);
            if rows.is_empty() {
                return Err(Error::with_hint("no history entries to export", "`history` lists them"));
            }
            let text = export::script(&rows, include_failed);
            match file {
                None => emit(io.out, &text),
                Some(path) => {
                    write_script(std::path::Path::new(&path), &text)
                        .map_err(|e| Error::msg(format!("cannot write {path}: {e}")))?;
                    emit(io.err, &format!("wrote {path}\n"))
                }
            }
        }
    }
}

/// Writes an exported script, runnable by its owner only (it may name clusters).
fn write_script(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    crate::common::files::write_private(path, text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A verb's flags as `help` lists them.
fn flag_lines(flags: &[crate::command::args::Flag]) -> String {
    let mut text = String::new();
    for f in flags {
        let short = f.short.map_or("    ".to_string(), |c| format!("-{c}, "));
        let value = f.arg.placeholder().map_or(String::new(), |p| format!(" {p}"));
        text.push_str(&format!("  {short}--{}{value}\n      {}\n", f.long, f.help));
    }
    text
}

/// The line-level features `help` explains after the verbs.
const REFERENCES_HELP: &str = "
History and references (expanded lines are echoed before they run):
  !!  !N  !-N   the previous line, history entry N, the Nth line back (`history` numbers them)
  @1 @2 ...     the rows of the last pod listing (`get pods`, `events`), anywhere a pod name goes
  @last         the pod this session last created or applied
  @PREFIX       the one pod whose name starts with PREFIX (Tab shows what each stands for)
Safety: `--read-only` or `readonly on` refuses every write; contexts matching `protected`
patterns in $XDG_CONFIG_HOME/kubectl-podsh/config.toml ask for their name before a write
(scripts pass --yes-i-mean-CONTEXT).
";

pub fn help(verb: Option<&str>, io: &mut Io<'_>) -> Result<()> {
    let Some(word) = verb else {
        let mut text = String::from("Verbs (kubectl's words; a leading `kubectl` or `k` is ignored):\n");
        for v in table::own() {
            text.push_str(&format!("  {:<11}{}\n", v.name, v.summary));
        }
        text.push_str("\nAny other kubectl verb (exec, cp, port-forward, debug, explain, ...) runs the real kubectl\nwith the session's context and namespace. `!cmd` runs a host command.\nOutput: `> file`, `>> file`, `| command`. `help VERB` shows a verb's flags.\n");
        text.push_str(REFERENCES_HELP);
        return emit(io.out, &text);
    };
    let Some(v) = table::find(word) else {
        let hint = nearest(word, table::all_verb_words().filter(|w| w.len() > 1))
            .map_or_else(|| "`help` lists the verbs".into(), |s| format!("did you mean {s:?}?"));
        return Err(Error::with_hint(format!("no help for {word:?}"), hint));
    };
    if v.is_kubectl() {
        let mut text = format!(
            "{}\n\n`{}` is kubectl's: the shell hands the whole line to kubectl, in the session's context and namespace.\n",
            v.summary, v.name
        );
        if !v.subverbs.is_empty() {
            let subs: Vec<&str> = v.subverbs.iter().map(|s| s.name).collect();
            text.push_str(&format!("\nSub-commands: {}\n", subs.join(", ")));
        }
        if !v.kubectl_flags.is_empty() {
            text.push_str(&format!("\nFlags (kubectl's):\n{}", flag_lines(v.kubectl_flags)));
        }
        return emit(io.out, &text);
    }
    let mut text = format!("{}\n\nUsage: {}\n", v.summary, v.usage);
    if !v.flags.is_empty() {
        text.push_str(&format!("\nFlags:\n{}", flag_lines(v.flags)));
    }
    if !v.kubectl_flags.is_empty() {
        text.push_str("\nkubectl's other flags for this verb hand the whole line to kubectl.\n");
    }
    emit(io.out, &text)
}

pub fn clear(io: &mut Io<'_>) -> Result<()> {
    emit(io.out, "\x1b[H\x1b[2J")
}

pub fn notify(settings: &Settings, on: Option<bool>, io: &mut Io<'_>) -> Result<()> {
    match on {
        Some(v) => settings.set_notices(v),
        None => emit(io.out, if settings.notices_on() { "on\n" } else { "off\n" })?,
    }
    Ok(())
}

pub fn readonly(settings: &Settings, on: Option<bool>, io: &mut Io<'_>) -> Result<()> {
    match on {
        Some(v) => {
            settings.set_read_only(v);
            if io.interactive {
                emit(
                    io.err,
                    if v { "Read-only: lines that change a cluster are refused.\n" } else { "Writes allowed.\n" },
                )?;
            }
            Ok(())
        }
        None => emit(io.out, if settings.read_only() { "on\n" } else { "off\n" }),
    }
}
