//! `get pods|namespaces|nodes|events`: server-side Table responses laid out as kubectl
//! lays them out; `-o yaml|json|name` from the plain objects; `-w` streams rows.

use futures::StreamExt;
use serde_json::{Value, json};

use super::{Io, emit};
use crate::cluster::{Cluster, TABLE_ACCEPT, collection, object, query};
use crate::command::parse::{Get, Kind, Output};
use crate::error::{Error, Result};
use crate::render::json::to_json_sorted;
use crate::render::table::{TableOpts, header, row, row_count, table_text, visible_columns};
use crate::render::tabwriter::{GET, TabWriter, align};
use crate::render::yaml::to_yaml;
use crate::session::Session;

fn list_query(g: &Get, extra: &[(&str, Option<&str>)]) -> String {
    let mut pairs: Vec<(&str, Option<&str>)> =
        vec![("labelSelector", g.selector.as_deref()), ("fieldSelector", g.field_selector.as_deref())];
    pairs.extend_from_slice(extra);
    query(&pairs)
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

/// All pages of a list, following `continue` tokens.
async fn list_pages(cluster: &Cluster, path: &str, g: &Get, table: bool) -> Result<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cont: Option<String> = None;
    loop {
        let q = list_query(g, &[("limit", Some("500")), ("continue", cont.as_deref())]);
        let page = if table {
            cluster.get_table(&format!("{path}{q}")).await
        } else {
            cluster.get_json(&format!("{path}{q}")).await
        };
        let page =
            page.map_err(|e| list_error(e, g.kind.plural(), g.selector.as_deref(), g.field_selector.as_deref()))?;
        cont = page.pointer("/metadata/continue").and_then(Value::as_str).filter(|c| !c.is_empty()).map(str::to_string);
        pages.push(page);
        if cont.is_none() {
            return Ok(pages);
        }
    }
}

fn namespace_for(g: &Get, ns: &str) -> Option<String> {
    (g.kind.namespaced() && !g.all_namespaces).then(|| ns.to_string())
}

fn no_resources(g: &Get, ns: &str) -> String {
    if g.kind.namespaced() && !g.all_namespaces {
        format!("No resources found in {ns} namespace.\n")
    } else {
        "No resources found\n".to_string()
    }
}

fn kind_of(k: Kind) -> (&'static str, &'static str) {
    match k {
        Kind::Pods => ("Pod", "pod"),
        Kind::Namespaces => ("Namespace", "namespace"),
        Kind::Nodes => ("Node", "node"),
        Kind::Events => ("Event", "event"),
    }
}

/// kubectl prints objects read from the server with their kind and apiVersion, and
/// without `metadata.managedFields` (unless `--show-managed-fields`).
fn with_type(v: Value, k: Kind) -> Value {
    let mut v = without_managed_fields(v);
    if let Value::Object(m) = &mut v {
        m.entry("apiVersion").or_insert(json!("v1"));
        m.entry("kind").or_insert(json!(kind_of(k).0));
    }
    v
}

pub fn without_managed_fields(mut v: Value) -> Value {
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    v
}

pub async fn get(session: &mut Session, g: Get, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&g.scope).await?;
    let scope_ns = namespace_for(&g, &ns);
    let path = collection(g.kind.plural(), scope_ns.as_deref());
    let opts = TableOpts {
        wide: g.output == Output::Wide,
        with_namespace: g.all_namespaces && g.kind.namespaced(),
        show_labels: g.show_labels,
        no_headers: g.no_headers,
        event_column: g.watch && g.watch_events,
    };
    match g.output {
        Output::Table | Output::Wide => tables(&cluster, &g, &path, scope_ns.as_deref(), &ns, opts, io).await,
        _ => objects(&cluster, &g, &path, scope_ns.as_deref(), &ns, io).await,
    }
}

async fn tables(
    cluster: &Cluster,
    g: &Get,
    path: &str,
    scope_ns: Option<&str>,
    ns: &str,
    opts: TableOpts,
    io: &mut Io<'_>,
) -> Result<()> {
    let mut errors = Vec::new();
    let tables = if g.names.is_empty() {
        list_pages(cluster, path, g, true).await?
    } else {
        let mut found = Vec::new();
        for name in &g.names {
            match cluster.get_table(&object(g.kind.plural(), scope_ns, name)).await {
                Ok(t) => found.push(t),
                Err(e) => errors.push(e),
            }
        }
        found
    };
    let mut tw = TabWriter::remembering(GET);
    if row_count(&tables) > 0 && opts.event_column {
        let columns = visible_columns(&tables[0], opts.wide);
        let mut text = if opts.no_headers { String::new() } else { header(&columns, &opts) };
        for r in tables.iter().flat_map(|t| t.get("rows").and_then(Value::as_array).cloned().unwrap_or_default()) {
            text.push_str(&row(&r, &columns, &opts, Some("ADDED")));
        }
        emit(io.out, &tw.format(&text))?;
    } else if row_count(&tables) > 0 {
        emit(io.out, &tw.format(&table_text(&tables, &opts)))?;
    } else if errors.is_empty() && !g.watch {
        emit(io.err, &no_resources(g, ns))?;
    }
    super::finish_errors(errors, io)?;
    if g.watch {
        let rv = tables
            .last()
            .and_then(|t| t.pointer("/metadata/resourceVersion"))
            .and_then(Value::as_str)
            .unwrap_or("0")
            .to_string();
        let columns = tables.first().map(|t| visible_columns(t, opts.wide)).unwrap_or_default();
        let header_printed = row_count(&tables) > 0;
        return watch(cluster, g, path, (&rv, header_printed), columns, opts, tw, io).await;
    }
    Ok(())
}

/// Streams rows after the list; `from` is the list's resourceVersion and whether its
/// rows (and so the header) were already printed.
#[allow(clippy::too_many_arguments)]
async fn watch(
    cluster: &Cluster,
    g: &Get,
    path: &str,
    from: (&str, bool),
    mut columns: Vec<(usize, String)>,
    opts: TableOpts,
    mut tw: TabWriter,
    io: &mut Io<'_>,
) -> Result<()> {
    let (rv, mut header_printed) = from;
    let q = list_query(g, &[("resourceVersion", Some(rv)), ("watch", Some("true"))]);
    let mut stream = cluster.watch_lines(&format!("{path}{q}"), TABLE_ACCEPT).await?;
    while let Some(ev) = stream.next().await {
        let ev = ev?;
        let kind = ev.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(obj) = ev.get("object") else { continue };
        if kind == "ERROR" {
            return Err(Error::api(crate::error::ApiStatus::from_body(
                obj.get("code").and_then(Value::as_u64).unwrap_or(500) as u16,
                obj.to_string().as_bytes(),
            )));
        }
        if kind == "BOOKMARK" {
            continue;
        }
        if columns.is_empty() {
            columns = visible_columns(obj, opts.wide);
        }
        let mut text = String::new();
        if !header_printed && !opts.no_headers {
            text.push_str(&header(&columns, &opts));
            header_printed = true;
        }
        let event = opts.event_column.then_some(kind);
        for r in obj.get("rows").and_then(Value::as_array).into_iter().flatten() {
            text.push_str(&row(r, &columns, &opts, event));
        }
        emit(io.out, &tw.format(&text))?;
    }
    Ok(())
}

async fn objects(
    cluster: &Cluster,
    g: &Get,
    path: &str,
    scope_ns: Option<&str>,
    ns: &str,
    io: &mut Io<'_>,
) -> Result<()> {
    let mut errors = Vec::new();
    let (items, single) = if g.names.is_empty() {
        let pages = list_pages(cluster, path, g, false).await?;
        let items: Vec<Value> = pages
            .iter()
            .flat_map(|p| p.get("items").and_then(Value::as_array).cloned().unwrap_or_default())
            .map(|i| with_type(i, g.kind))
            .collect();
        (items, false)
    } else {
        let mut items = Vec::new();
        for name in &g.names {
            match cluster.get_json(&object(g.kind.plural(), scope_ns, name)).await {
                Ok(v) => items.push(with_type(v, g.kind)),
                Err(e) => errors.push(e),
            }
        }
        let single = g.names.len() == 1;
        (items, single)
    };
    if items.is_empty() && errors.is_empty() && g.output == Output::Name {
        emit(io.err, &no_resources(g, ns))?;
        return Ok(());
    }
    let text = match g.output {
        Output::Name => items
            .iter()
            .map(|i| {
                format!("{}/{}\n", kind_of(g.kind).1, i.pointer("/metadata/name").and_then(Value::as_str).unwrap_or(""))
            })
            .collect(),
        Output::Yaml | Output::Json if single && items.len() == 1 => render(&items[0], g.output),
        Output::Yaml | Output::Json if items.is_empty() && !errors.is_empty() => String::new(),
        Output::Yaml | Output::Json => {
            let list = json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
            render(&list, g.output)
        }
        _ => String::new(),
    };
    emit(io.out, &text)?;
    super::finish_errors(errors, io)
}

fn render(v: &Value, o: Output) -> String {
    if o == Output::Json { to_json_sorted(v) } else { to_yaml(v) }
}

/// A one-off aligned table text, for verbs that print their own tables.
pub fn aligned(text: &str) -> String {
    align(GET, text)
}
