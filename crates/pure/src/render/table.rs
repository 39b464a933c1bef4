//! `kubectl get` tables from the server's `Table` objects: header names upper-cased,
//! priority columns only with `-o wide`, NAMESPACE first with `-A`, LABELS last with
//! `--show-labels`, cells cut at the first line break (cli-runtime `tableprinter.go`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::{Table, TableRow};

/// How to print a table.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOpts {
    pub wide: bool,
    pub with_namespace: bool,
    pub show_labels: bool,
    pub no_headers: bool,
    /// Prefix rows with the watch event type (`--output-watch-events`).
    pub event_column: bool,
}

/// The columns a table shows: `(index, NAME)` of each definition to print.
pub fn visible_columns(table: &Table, wide: bool) -> Vec<(usize, String)> {
    table
        .column_definitions
        .iter()
        .enumerate()
        .filter(|(_, c)| wide || c.priority == 0)
        .map(|(i, c)| (i, c.name.to_uppercase()))
        .collect()
}

/// The header line (tab-separated).
pub fn header(columns: &[(usize, String)], o: &TableOpts) -> String {
    let mut names: Vec<String> = Vec::new();
    if o.event_column {
        names.push("EVENT".into());
    }
    if o.with_namespace {
        names.push("NAMESPACE".into());
    }
    names.extend(columns.iter().map(|(_, n)| n.clone()));
    if o.show_labels {
        names.push("LABELS".into());
    }
    format!("{}\n", names.join("\t"))
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => {
            let (cut, truncated) = match s.find(['\n', '\r', '\x0c']) {
                Some(i) => (&s[..i], true),
                None => (s.as_str(), false),
            };
            let mut t = cut.replace('\x1b', "^[");
            if truncated {
                t.push_str("...");
            }
            t
        }
        other => other.to_string(),
    }
}

/// `k=v,k2=v2` sorted, or `<none>` (apimachinery `labels.FormatLabels`).
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    match labels.filter(|l| !l.is_empty()) {
        None => "<none>".into(),
        Some(l) => l.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
    }
}

/// One row (tab-separated, newline-terminated), with `event` as its first cell if set.
pub fn row(r: &TableRow, columns: &[(usize, String)], o: &TableOpts, event: Option<&str>) -> String {
    let meta = r.object.as_ref().map(|obj| &obj.metadata);
    let mut cells: Vec<String> = Vec::new();
    if let Some(e) = event {
        // kubectl pads the type to 8 so the column fits MODIFIED from the first row.
        cells.push(format!("{e:<8}"));
    }
    if o.with_namespace {
        cells.push(meta.and_then(|m| m.namespace.clone()).unwrap_or_default());
    }
    for (i, _) in columns {
        cells.push(r.cells.get(*i).map(cell_text).unwrap_or_default());
    }
    if o.show_labels {
        cells.push(format_labels(meta.and_then(|m| m.labels.as_ref())));
    }
    format!("{}\n", cells.join("\t"))
}

/// The whole table text (before alignment): header unless suppressed, then rows.
pub fn table_text(tables: &[Table], o: &TableOpts) -> String {
    let Some(first) = tables.first() else { return String::new() };
    let columns = visible_columns(first, o.wide);
    let mut text = String::new();
    if !o.no_headers {
        text.push_str(&header(&columns, o));
    }
    for r in tables.iter().flat_map(|t| &t.rows) {
        text.push_str(&row(r, &columns, o, None));
    }
    text
}

/// Number of rows in a set of tables.
pub fn row_count(tables: &[Table]) -> usize {
    tables.iter().map(|t| t.rows.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tabwriter::{GET, align};
    use serde_json::json;

    // Layouts from shared/reference/k8s-facts.md 1.3 (real kubectl output).
    #[test]
    fn wide_and_namespace_columns() {
        let t: Table = serde_json::from_value(json!({"columnDefinitions": [
            {"name": "Name", "priority": 0}, {"name": "Ready", "priority": 0}, {"name": "Status", "priority": 0},
            {"name": "Restarts", "priority": 0}, {"name": "Age", "priority": 0}, {"name": "IP", "priority": 1}],
            "rows": [{"cells": ["crashy", "0/1", "CrashLoopBackOff", "5 (2m1s ago)", "3h5m", "10.244.0.5"],
                      "object": {"metadata": {"namespace": "default", "labels": {"run": "crashy"}}}}]}))
        .expect("a table");
        let plain = align(GET, &table_text(std::slice::from_ref(&t), &TableOpts::default()));
        assert_eq!(
            plain,
            "NAME     READY   STATUS             RESTARTS       AGE\ncrashy   0/1     CrashLoopBackOff   5 (2m1s ago)   3h5m\n"
        );
        let ns = align(
            GET,
            &table_text(
                std::slice::from_ref(&t),
                &TableOpts { with_namespace: true, show_labels: true, ..Default::default() },
            ),
        );
        assert_eq!(
            ns,
            "NAMESPACE   NAME     READY   STATUS             RESTARTS       AGE    LABELS\ndefault     crashy   0/1     CrashLoopBackOff   5 (2m1s ago)   3h5m   run=crashy\n"
        );
        let wide = align(GET, &table_text(&[t], &TableOpts { wide: true, ..Default::default() }));
        assert!(wide.starts_with("NAME     READY   STATUS             RESTARTS       AGE    IP\n"), "{wide}");
    }
}
