//! The printers against real kubectl: each case (tools/gen_render_cases.py) holds a pod
//! as kubectl fetched it, its events, the moment kubectl ran, and what kubectl printed
//! for `describe pod`, `-o yaml` and `-o json`; each printer must give the same bytes.

use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::jiff::{Timestamp, tz::TimeZone};
use serde_json::Value;

struct Case {
    name: String,
    now: Timestamp,
    pod: Value,
    events: Vec<Event>,
    printed: Value,
}

fn cases() -> Vec<Case> {
    include_str!("testdata/kubectl_cases.jsonl")
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a case is JSON");
            let text = |k: &str| v[k].as_str().map(str::to_string);
            Case {
                name: text("case").expect("case"),
                now: Timestamp::from_nanosecond(v["now_ns"].as_i64().expect("now_ns").into()).expect("a time"),
                pod: v["pod"].clone(),
                events: serde_json::from_value(v["events"].clone()).expect("events"),
                printed: v.clone(),
            }
        })
        .collect()
}

fn printed<'a>(c: &'a Case, what: &str) -> &'a str {
    c.printed[what].as_str().expect("printed text")
}

/// Equal texts, or a panic naming the first line that differs.
fn same(ours: &str, kubectl: &str, what: &str) {
    if let Some(why) = difference(ours, kubectl, what) {
        panic!("{why}");
    }
}

/// The first line where the texts differ, named, or `None` when they are equal.
fn difference(ours: &str, kubectl: &str, what: &str) -> Option<String> {
    if ours == kubectl {
        return None;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.split('\n').collect(), kubectl.split('\n').collect());
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    Some(format!("{what}: line {} differs\n  ours:    {:?}\n  kubectl: {:?}", at + 1, a.get(at), b.get(at)))
}

#[test]
fn describe_prints_what_kubectl_printed() {
    let all = cases();
    assert!(all.len() >= 10, "{} cases", all.len());
    for c in &all {
        let pod: Pod = serde_json::from_value(c.pod.clone()).expect("a pod");
        let ours = super::describe::describe_pod(&pod, Some(&c.events), c.now, &TimeZone::UTC);
        same(&ours, printed(c, "describe"), &format!("describe pod {}", c.name));
    }
}

#[test]
fn yaml_and_json_print_what_kubectl_printed() {
    for c in &cases() {
        same(&super::yaml::to_yaml(&c.pod), printed(c, "yaml"), &format!("{} -o yaml", c.name));
        same(&super::json::to_json_sorted(&c.pod), printed(c, "json"), &format!("{} -o json", c.name));
    }
}

#[test]
fn get_tables_print_what_kubectl_printed() {
    use super::table::{TableOpts, table_text};
    use super::tabwriter::{GET, align};
    let mut n = 0;
    for line in include_str!("testdata/tables.jsonl").lines() {
        let v: Value = serde_json::from_str(line).expect("a case is JSON");
        let table: crate::api::Table = serde_json::from_value(v["table"].clone()).expect("a Table");
        let on = |k: &str| v["opts"][k].as_bool().unwrap_or(false);
        let opts = TableOpts {
            wide: on("wide"),
            with_namespace: on("with_namespace"),
            show_labels: on("show_labels"),
            no_headers: on("no_headers"),
            event_column: false,
        };
        let ours = align(GET, &table_text(std::slice::from_ref(&table), &opts));
        same(&ours, v["printed"].as_str().expect("printed"), v["line"].as_str().unwrap_or_default());
        n += 1;
    }
    assert!(n >= 9, "{n} cases");
}

#[test]
fn server_errors_read_as_kubectl_printed_them() {
    use crate::error::{ApiStatus, Error};
    let mut n = 0;
    for line in include_str!("testdata/errors.jsonl").lines() {
        let v: Value = serde_json::from_str(line).expect("a case is JSON");
        let code = u16::try_from(v["code"].as_u64().expect("a code")).expect("an HTTP code");
        let body = serde_json::to_vec(&v["status"]).expect("encodes");
        let status = ApiStatus::from_body(code, &body);
        let context = v["context"].as_str().map(str::to_string);
        let ours = super::errors::error_text(&Error::Api { status: Box::new(status), context }, None, false);
        same(&ours, v["stderr"].as_str().expect("stderr"), v["line"].as_str().unwrap_or_default());
        n += 1;
    }
    assert!(n >= 6, "{n} cases");
}

#[test]
fn arbitrary_json_reads_as_kubectl_writes_it_in_yaml() {
    let mut differ = Vec::new();
    for (n, line) in include_str!("testdata/raw_yaml.jsonl").lines().enumerate() {
        let v: Value = serde_json::from_str(line).expect("a case is JSON");
        let doc: Value = serde_json::from_str(v["json"].as_str().expect("json")).expect("the applied JSON");
        let what = format!("document {} of raw_yaml.jsonl", n + 1);
        differ.extend(difference(&super::yaml::to_yaml(&doc), v["yaml"].as_str().expect("yaml"), &what));
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn lists_kubectl_built_print_as_it_printed_them() {
    let mut n = 0;
    for line in include_str!("testdata/lists.jsonl").lines() {
        let v: Value = serde_json::from_str(line).expect("a case is JSON");
        let what = v["line"].as_str().unwrap_or_default();
        same(&super::json::to_json_sorted(&v["doc"]), v["json"].as_str().expect("json"), &format!("{what} -o json"));
        same(&super::yaml::to_yaml(&v["doc"]), v["yaml"].as_str().expect("yaml"), &format!("{what} -o yaml"));
        n += 1;
    }
    assert!(n >= 2, "{n} cases");
}

#[test]
fn row_count_is_the_rows_kubectl_printed() {
    for line in include_str!("testdata/tables.jsonl").lines() {
        let v: Value = serde_json::from_str(line).expect("a case is JSON");
        let table: crate::api::Table = serde_json::from_value(v["table"].clone()).expect("a Table");
        let printed = v["printed"].as_str().expect("printed").lines().count();
        let headers = usize::from(v["opts"]["no_headers"].as_bool() != Some(true));
        let what = v["line"].as_str().unwrap_or_default();
        assert_eq!(super::table::row_count(std::slice::from_ref(&table)), printed - headers, "{what}");
        assert_eq!(super::table::row_count(&[table.clone(), table]), 2 * (printed - headers), "{what}, twice");
    }
}
