//! `get pods|namespaces|nodes|events`: server-side Tables laid out as kubectl lays them
//! out; `-o yaml|json|name` from the plain objects; `-w` streams rows.

use futures::StreamExt;
use kube::core::params::ListParams;
use kube::core::{DynamicObject, TypeMeta};
use serde_json::{Value, json};

use super::{Io, emit};
use crate::api::Table;
use crate::cluster::{Cluster, Resource};
use crate::command::parse::{Format, Get, Kind};
use crate::error::{Error, Result};
use crate::refs::PodRef;
use crate::render::json::to_json_sorted;
use crate::render::table::{TableOpts, header, row, row_count, table_text, visible_columns};
use crate::render::tabwriter::{GET, TabWriter, align};
use crate::render::yaml::to_yaml;
use crate::session::Session;

/// The API resource a `get` kind names.
pub fn resource(k: Kind) -> Resource {
    match k {
        Kind::Pods => Resource::Pods,
        Kind::Namespaces => Resource::Namespaces,
        Kind::Nodes => Resource::Nodes,
        Kind::Events => Resource::Events,
    }
}

fn list_params(g: &Get) -> ListParams {
    ListParams { label_selector: g.selector.clone(), field_selector: g.field_selector.clone(), ..ListParams::default() }
}

/// cli-runtime's selector visitor rewords 400 and 404 list errors to name the resource
/// and the selectors.
pub fn list_error(e: Error, plural: &str, labels: Option<&str>, fields: Option<&str>) -> Error {
    match e {
        Error::Api { mut status, context } if status.code == 400 || status.code == 404 => {
            let resource = format!("/v1, Resource={plural}");
            status.message = if labels.is_none() && fields.is_none() {
                format!("Unable to list {resource:?}: {}", status.message)
            } else {
                format!(
                    "Unable to find {resource:?} that match label selector {:?}, field selector {:?}: {}",
                    labels.unwrap_or(""),
                    fields.unwrap_or(""),
                    status.message
                )
            };
            Error::Api { status, context }
        }
        other => other,
    }
}

fn reword(g: &Get) -> impl Fn(Error) -> Error + '_ {
    |e| list_error(e, g.kind.plural(), g.selector.as_deref(), g.field_selector.as_deref())
}

/// Where a `get` looks: its namespace, or `None` for all namespaces and cluster kinds.
struct Place<'a> {
    cluster: Cluster,
    res: Resource,
    scope: Option<&'a str>,
    /// The namespace the line runs in, for "No resources found in NS namespace."
    ns: &'a str,
}

fn no_resources(g: &Get, ns: &str) -> String {
    if g.kind.namespaced() && !g.all_namespaces {
        format!("No resources found in {ns} namespace.\n")
    } else {
        "No resources found\n".to_string()
    }
}

pub async fn get(session: &mut Session, g: Get, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, ctx) = session.resolve(&g.scope).await?;
    let scope = (g.kind.namespaced() && !g.all_namespaces).then_some(ns.as_str());
    let place = Place { cluster, res: resource(g.kind), scope, ns: &ns };
    let opts = TableOpts {
        wide: g.output == Format::Wide,
        with_namespace: g.all_namespaces && g.kind.namespaced(),
        show_labels: g.show_labels,
        no_headers: g.no_headers,
        event_column: g.watch && g.watch_events,
    };
    match g.output {
        Format::Table | Format::Wide => {
            let fetched = fetch_tables(&place, &g).await?;
            if g.kind == Kind::Pods {
                session.note_listing(table_rows(&g, &ctx, &ns, &fetched.0));
            }
            tables(&place, &g, opts, fetched, io).await
        }
        _ => {
            let (items, errors) = fetch_objects(&place, &g).await?;
            if g.kind == Kind::Pods {
                let rows = items.iter().map(|o| (o.metadata.name.as_deref(), o.metadata.namespace.as_deref()));
                session.note_listing(pod_rows(&g, &ctx, &ns, rows));
            }
            objects(&place, &g, items, errors, io)
        }
    }
}

/// The named objects' tables (with the errors of those that failed), or the listing.
async fn fetch_tables(place: &Place<'_>, g: &Get) -> Result<(Vec<Table>, Vec<Error>)> {
    if g.names.is_empty() {
        let pages = place.cluster.list_tables(place.res, place.scope, &list_params(g)).await.map_err(reword(g))?;
        return Ok((pages, Vec::new()));
    }
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for name in &g.names {
        match place.cluster.get_table(place.res, place.scope, name).await {
            Ok(t) => found.push(t),
            Err(e) => errors.push(e),
        }
    }
    Ok((found, errors))
}

/// Pod rows as `@1`, `@2`, ... will name them.
fn pod_rows<'a>(
    g: &Get,
    ctx: &str,
    ns: &str,
    rows: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Vec<Option<PodRef>> {
    rows.map(|(name, row_ns)| {
        name.map(|n| PodRef { ctx: ctx.to_string(), ns: row_ns.unwrap_or(ns).to_string(), name: n.to_string() })
    })
    .filter(|_| g.kind == Kind::Pods)
    .collect()
}

/// The rows of listed tables as `@` references.
fn table_rows(g: &Get, ctx: &str, ns: &str, tables: &[Table]) -> Vec<Option<PodRef>> {
    let rows = tables.iter().flat_map(|t| &t.rows).map(|r| {
        let m = r.object.as_ref().map(|o| &o.metadata);
        let name = m.and_then(|m| m.name.as_deref()).or_else(|| r.cells.first().and_then(Value::as_str));
        (name, m.and_then(|m| m.namespace.as_deref()))
    });
    pod_rows(g, ctx, ns, rows)
}

async fn tables(
    place: &Place<'_>,
    g: &Get,
    opts: TableOpts,
    fetched: (Vec<Table>, Vec<Error>),
    io: &mut Io<'_>,
) -> Result<()> {
    let (tables, errors) = fetched;

    let mut tw = TabWriter::remembering(GET);
    if row_count(&tables) > 0 && opts.event_column {
        let columns = visible_columns(&tables[0], opts.wide);
        let mut text = if opts.no_headers { String::new() } else { header(&columns, &opts) };
        for r in tables.iter().flat_map(|t| &t.rows) {
            text.push_str(&row(r, &columns, &opts, Some("ADDED")));
        }
        emit(io.out, &tw.format(&text))?;
    } else if row_count(&tables) > 0 {
        emit(io.out, &tw.format(&table_text(&tables, &opts)))?;
    } else if errors.is_empty() && !g.watch {
        emit(io.err, &no_resources(g, place.ns))?;
    }
    super::finish_errors(errors, io)?;
    if g.watch {
        let rv = tables.last().and_then(Table::resource_version).unwrap_or("0").to_string();
        let columns = tables.first().map(|t| visible_columns(t, opts.wide)).unwrap_or_default();
        let printed = Printed { columns, header: row_count(&tables) > 0, tw };
        return watch(place, g, &rv, printed, opts, io).await;
    }
    Ok(())
}

/// What the listing already printed: its columns, whether the header is out, and the
/// tab writer that remembers the column widths.
struct Printed {
    columns: Vec<(usize, String)>,
    header: bool,
    tw: TabWriter,
}

/// How many times in a row a cut watch is opened again before `get -w` gives up.
const RESUMES: u32 = 5;

/// Streams rows after the list, from the list's resourceVersion `from`. A watch the
/// connection cut is opened again from the last version seen, so no change is missed or
/// printed twice (kubectl's `get -w` just ends there); a server that keeps refusing
/// ends it with the reason.
async fn watch(
    place: &Place<'_>,
    g: &Get,
    from: &str,
    mut printed: Printed,
    opts: TableOpts,
    io: &mut Io<'_>,
) -> Result<()> {
    let wp = kube::core::params::WatchParams {
        label_selector: g.selector.clone(),
        field_selector: g.field_selector.clone(),
        ..crate::cluster::plain_watch()
    };
    let mut from = from.to_string();
    let mut failures = 0u32;
    loop {
        let opened = place.cluster.watch_tables(place.res, place.scope, &wp, &from).await;
        let mut stream = match opened {
            Ok(s) => s,
            Err(e) if failures > 0 && failures < RESUMES && passing(&e) => {
                failures += 1;
                tokio::time::sleep(pause(failures)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut cut = false;
        while let Some(ev) = stream.next().await {
            let ev = match ev {
                Ok(ev) => ev,
                Err(e) if e.is_cut_short() => {
                    cut = true;
                    break;
                }
                Err(e) => return Err(e),
            };
            let Some(table) = ev.object() else { continue };
            failures = 0;
            if let Some(rv) = table.metadata.resource_version.as_ref().filter(|rv| !rv.is_empty()) {
                from.clone_from(rv);
            }
            if printed.columns.is_empty() {
                printed.columns = visible_columns(table, opts.wide);
            }
            let mut text = String::new();
            if !printed.header && !opts.no_headers {
                text.push_str(&header(&printed.columns, &opts));
                printed.header = true;
            }
            let event = opts.event_column.then_some(ev.word());
            for r in &table.rows {
                text.push_str(&row(r, &printed.columns, &opts, event));
            }
            emit(io.out, &printed.tw.format(&text))?;
        }
        if !cut {
            return Ok(());
        }
        failures += 1;
        if failures >= RESUMES {
            return Err(Error::msg(format!("the watch was cut {RESUMES} times in a row: {}", crate::error::CUT_SHORT)));
        }
        tokio::time::sleep(pause(failures)).await;
    }
}

/// Whether a failure to open the watch again may pass (the connection, an overloaded or
/// restarting server), rather than be the answer (403, 410, ...).
fn passing(e: &Error) -> bool {
    match e {
        Error::Connection { .. } => true,
        Error::Api { status, .. } => status.code == 429 || status.code >= 500,
        _ => false,
    }
}

/// The wait before opening a cut watch again: 250 ms, doubling.
fn pause(failures: u32) -> std::time::Duration {
    std::time::Duration::from_millis(250 << failures.min(4))
}

/// kubectl prints objects read from the server with their kind and apiVersion, and
/// without `metadata.managedFields` (unless `--show-managed-fields`).
fn printable(mut obj: DynamicObject, res: Resource) -> Value {
    obj.metadata.managed_fields = None;
    if obj.types.is_none() {
        obj.types = Some(TypeMeta { api_version: "v1".into(), kind: res.kind().into() });
    }
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

/// The object as kubectl prints a written object: without `managedFields`.
pub fn without_managed_fields(mut obj: DynamicObject) -> Value {
    obj.metadata.managed_fields = None;
    serde_json::to_value(obj).unwrap_or(Value::Null)
}

async fn fetch_objects(place: &Place<'_>, g: &Get) -> Result<(Vec<DynamicObject>, Vec<Error>)> {
    let mut errors = Vec::new();
    let mut items: Vec<DynamicObject> = Vec::new();
    if g.names.is_empty() {
        let list = place.cluster.list::<DynamicObject>(place.res, place.scope, &list_params(g)).await;
        items = list.map_err(reword(g))?.items;
    } else {
        for name in &g.names {
            match place.cluster.get::<DynamicObject>(place.res, place.scope, name).await {
                Ok(o) => items.push(o),
                Err(e) => errors.push(e),
            }
        }
    }
    Ok((items, errors))
}

fn objects(place: &Place<'_>, g: &Get, items: Vec<DynamicObject>, errors: Vec<Error>, io: &mut Io<'_>) -> Result<()> {
    let single = g.names.len() == 1 && items.len() == 1;
    let text = match g.output {
        Format::Name => items
            .iter()
            .map(|o| format!("{}/{}\n", place.res.kind().to_lowercase(), o.metadata.name.as_deref().unwrap_or("")))
            .collect(),
        Format::Yaml | Format::Json if items.is_empty() && !errors.is_empty() => String::new(),
        Format::Yaml | Format::Json => {
            let mut values: Vec<Value> = items.into_iter().map(|o| printable(o, place.res)).collect();
            let doc = if single {
                values.remove(0)
            } else {
                json!({"apiVersion": "v1", "items": values, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            if g.output == Format::Json { to_json_sorted(&doc) } else { to_yaml(&doc) }
        }
        _ => String::new(),
    };
    emit(io.out, &text)?;
    super::finish_errors(errors, io)
}

/// A one-off aligned table text, for verbs that print their own tables.
pub fn aligned(text: &str) -> String {
    align(GET, text)
}
