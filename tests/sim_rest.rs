//! The simulator against a real v1.33 API server's REST answers, where typed clients (the
//! Python client, kr8s, lightkube) found it deviating: type defaulting from the URL, JSON
//! patch errors, server-side apply releasing fields, paginated snapshots, expired and
//! future resource versions, namespace termination, field managers and preconditions.

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::Api;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use podsh::sim::SimOptions;
use serde_json::{Value, json};

use crate::sim_api::{client, client_without_retries};
use crate::util::{TestCluster, fast_timing};

fn pod(name: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}
    }))
    .expect("pod")
}

/// `(status, body)` of a raw request with a User-Agent of our choosing.
fn raw(c: &TestCluster, method: &str, path: &str, ct: &str, body: Value) -> (u16, Value) {
    let cl = client(c);
    c.runtime().block_on(async {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", ct)
            .header("user-agent", "lightkube/0.17.1 (python)")
            .body(body.to_string().into_bytes())
            .expect("request");
        match cl.request_text(req).await {
            Ok(text) => (200, serde_json::from_str(&text).unwrap_or(Value::Null)),
            Err(kube::Error::Api(s)) => (s.code, json!({"reason": s.reason, "message": s.message})),
            Err(e) => panic!("transport failure: {e}"),
        }
    })
}

#[test]
fn a_body_without_type_takes_it_from_the_url_and_the_user_agent_names_the_manager() {
    let c = TestCluster::start();
    let bare = json!({"metadata": {"name": "bare"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    let (code, created) = raw(&c, "POST", "/api/v1/namespaces/default/pods", "application/json", bare);
    assert_eq!(code, 200, "{created}");
    assert_eq!((created["kind"].as_str(), created["apiVersion"].as_str()), (Some("Pod"), Some("v1")));
    let managers: Vec<&str> = created["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["manager"].as_str())
        .collect();
    assert_eq!(managers, ["lightkube"], "the product part of the User-Agent");
    assert_eq!(created["metadata"]["managedFields"][0]["operation"], "Update");
}

#[test]
fn a_json_patch_that_does_not_apply_is_invalid_and_one_that_does_not_decode_is_bad() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(api.create(&PostParams::default(), &pod("p"))).expect("create");
    let path = "/api/v1/namespaces/default/pods/p";
    let failing_test = json!([{"op": "test", "path": "/metadata/name", "value": "other"}]);
    let (code, status) = raw(&c, "PATCH", path, "application/json-patch+json", failing_test);
    assert_eq!(code, 422, "{status}");
    assert_eq!(status["reason"], "Invalid");
    assert_eq!(status["message"], "the server rejected our request due to an error in our request");
    let missing = json!([{"op": "remove", "path": "/metadata/labels/nope"}]);
    assert_eq!(raw(&c, "PATCH", path, "application/json-patch+json", missing).0, 422);
    let (code, status) = raw(&c, "PATCH", path, "application/json-patch+json", json!({"op": "add"}));
    assert_eq!((code, status["reason"].as_str()), (400, Some("BadRequest")), "{status}");
}

#[test]
fn applying_again_without_a_field_only_this_manager_owned_removes_it() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    let apply = |labels: Value| {
        let obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ssa", "labels": labels},
                         "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        c.runtime().block_on(api.patch("ssa", &PatchParams::apply("me"), &Patch::Apply(obj))).expect("apply")
    };
    apply(json!({"keep": "1", "drop": "1"}));
    // Another manager sets a label of its own; the applier's release must not touch it.
    let theirs = PatchParams { field_manager: Some("them".into()), ..Default::default() };
    let merge = Patch::Merge(json!({"metadata": {"labels": {"theirs": "1"}}}));
    c.runtime().block_on(api.patch("ssa", &theirs, &merge)).expect("merge");
    let after = apply(json!({"keep": "1"}));
    let labels = after.metadata.labels.unwrap_or_default();
    assert_eq!(labels.keys().map(String::as_str).collect::<Vec<_>>(), ["keep", "theirs"]);
}

#[test]
fn the_pages_of_a_list_are_one_snapshot() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(async {
        for n in ["a", "b", "c"] {
            api.create(&PostParams::default(), &pod(n)).await.expect("create");
        }
        let first = api.list(&ListParams::default().limit(2)).await.expect("page 1");
        let names = |l: &kube::api::ObjectList<Pod>| -> Vec<String> {
            l.items.iter().filter_map(|p| p.metadata.name.clone()).collect()
        };
        assert_eq!(names(&first), ["a", "b"]);
        let token = first.metadata.continue_.clone().expect("a continue token");
        // Between the pages: a pod that sorts into page 2 appears, and c changes and goes.
        api.create(&PostParams::default(), &pod("bb")).await.expect("create bb");
        let label = Patch::Merge(json!({"metadata": {"labels": {"late": "yes"}}}));
        api.patch("c", &PatchParams::default(), &label).await.expect("label c");
        api.delete("c", &DeleteParams { grace_period_seconds: Some(0), ..Default::default() }).await.expect("delete c");
        let second = api.list(&ListParams::default().limit(2).continue_token(&token)).await.expect("page 2");
        assert_eq!(names(&second), ["c"], "the second page is served at the first page's revision");
        assert_eq!(second.items[0].metadata.labels, None, "as c was then");
        assert_eq!(second.metadata.resource_version, first.metadata.resource_version);
    });
}

/// `remainingItemCount` is what the rest of the list holds, page after page, in one
/// namespace and across all (the API server sets it only when nothing is filtered).
#[test]
fn each_page_counts_what_remains() {
    let c = TestCluster::start();
    let cl = client(&c);
    c.runtime().block_on(async {
        let ns: Api<Namespace> = Api::all(cl.clone());
        ns.create(&PostParams::default(), &serde_json::from_value(json!({"metadata": {"name": "other"}})).expect("ns"))
            .await
            .expect("namespace");
        let here: Api<Pod> = Api::default_namespaced(cl.clone());
        let there: Api<Pod> = Api::namespaced(cl.clone(), "other");
        for n in ["a", "b", "c", "d", "e"] {
            here.create(&PostParams::default(), &pod(n)).await.expect("create");
        }
        for n in ["x", "y"] {
            there.create(&PostParams::default(), &pod(n)).await.expect("create");
        }
        let all: Api<Pod> = Api::all(cl.clone());
        for (api, limit) in [(here, 2), (all.clone(), 3), (there, 1)] {
            let total = api.list(&ListParams::default()).await.expect("whole list").items.len();
            let (mut token, mut seen, mut counts) = (None::<String>, 0, Vec::new());
            loop {
                let mut lp = ListParams::default().limit(limit);
                if let Some(t) = &token {
                    lp = lp.continue_token(t);
                }
                let page = api.list(&lp).await.expect("page");
                seen += page.items.len();
                counts.push(page.metadata.remaining_item_count);
                match page.metadata.continue_.filter(|t| !t.is_empty()) {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            assert_eq!(seen, total);
            let want: Vec<Option<i64>> = (1..=counts.len())
                .map(|i| {
                    let left = total.saturating_sub(i * limit as usize) as i64;
                    (i < counts.len()).then_some(left)
                })
                .collect();
            assert_eq!(counts, want, "limit {limit}, {total} items");
        }
        // Filtered lists carry no count.
        let page = all.list(&ListParams::default().limit(1).labels("app=none")).await.expect("filtered");
        assert_eq!(page.metadata.remaining_item_count, None);
    });
}

#[test]
fn an_expired_watch_opens_and_says_so_in_an_error_event() {
    let c = TestCluster::with(SimOptions { history: 16, timing: fast_timing(), ..SimOptions::default() });
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(async {
        let first = api.create(&PostParams::default(), &pod("first")).await.expect("create");
        let rv = first.metadata.resource_version.clone().expect("rv");
        for i in 0..40 {
            api.create(&PostParams::default(), &pod(&format!("x{i}"))).await.expect("create");
        }
        let mut stream =
            api.watch(&WatchParams::default().timeout(5), &rv).await.expect("the watch opens (200)").boxed();
        match stream.next().await {
            Some(Ok(WatchEvent::Error(e))) => {
                assert_eq!((e.code, e.reason.as_str()), (410, "Expired"));
                assert!(e.message.starts_with("too old resource version: "), "{}", e.message);
            }
            other => panic!("expected an ERROR event, got {other:?}"),
        }
    });
}

#[test]
fn a_list_from_the_future_waits_then_times_out() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client_without_retries(&c));
    c.runtime().block_on(async {
        let now: u64 = api
            .list(&ListParams::default())
            .await
            .expect("list")
            .metadata
            .resource_version
            .expect("rv")
            .parse()
            .expect("number");
        let future = (now + 1_000_000).to_string();
        let started = std::time::Instant::now();
        let lp = ListParams::default().at(&future).matching(kube::api::VersionMatch::NotOlderThan);
        match api.list(&lp).await {
            Err(kube::Error::Api(s)) => {
                assert_eq!((s.code, s.reason.as_str()), (504, "Timeout"));
                assert!(
                    s.message.starts_with(&format!("Too large resource version: {future}, current: ")),
                    "{}",
                    s.message
                );
            }
            other => panic!("expected 504, got {other:?}"),
        }
        assert!(started.elapsed() >= Duration::from_secs(3), "the server waits for the version first");
    });
}

#[test]
fn a_namespace_terminates_through_its_pods() {
    let c = TestCluster::with(SimOptions { timing: fast_timing(), ..SimOptions::default() });
    let cl = client(&c);
    let namespaces: Api<Namespace> = Api::all(cl.clone());
    let pods: Api<Pod> = Api::namespaced(cl, "doomed");
    c.runtime().block_on(async {
        let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": "doomed"}})).expect("ns");
        namespaces.create(&PostParams::default(), &ns).await.expect("create ns");
        pods.create(&PostParams::default(), &pod("p")).await.expect("create pod");
        crate::util::wait_async(Duration::from_secs(10), || async {
            pods.get("p").await.ok().and_then(|p| p.status?.phase).as_deref() == Some("Running")
        })
        .await;
        let mut events = pods.watch(&WatchParams::default().timeout(20), "0").await.expect("watch").boxed();
        namespaces.delete("doomed", &DeleteParams::default()).await.expect("delete ns");
        let live = namespaces.get("doomed").await.expect("still there while its pods terminate");
        assert_eq!(live.status.and_then(|s| s.phase).as_deref(), Some("Terminating"));
        match pods.create(&PostParams::default(), &pod("late")).await {
            Err(kube::Error::Api(s)) => {
                assert_eq!(s.code, 403);
                assert_eq!(s.message, "pods \"late\" is forbidden: unable to create new content in namespace doomed because it is being terminated");
            }
            other => panic!("expected 403, got {other:?}"),
        }
        let mut seen = Vec::new();
        while let Some(Ok(ev)) = events.next().await {
            match ev {
                WatchEvent::Added(_) => seen.push("ADDED"),
                WatchEvent::Modified(p) if p.metadata.deletion_timestamp.is_some() => seen.push("MODIFIED(deleting)"),
                WatchEvent::Modified(_) => {}
                WatchEvent::Deleted(_) => {
                    seen.push("DELETED");
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(seen.first(), Some(&"ADDED"));
        assert!(seen.contains(&"MODIFIED(deleting)"), "graceful: {seen:?}");
        assert_eq!(seen.last(), Some(&"DELETED"));
        crate::util::wait_async(Duration::from_secs(10), || async { namespaces.get_opt("doomed").await.ok().flatten().is_none() })
            .await;
    });
}

#[test]
fn a_failed_uid_precondition_names_both_uids() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(async {
        let p = api.create(&PostParams::default(), &pod("p")).await.expect("create");
        let uid = p.metadata.uid.expect("uid");
        let dp = DeleteParams { preconditions: Some(kube::api::Preconditions { uid: Some("not-it".into()), resource_version: None }), ..Default::default() };
        match api.delete("p", &dp).await {
            Err(kube::Error::Api(s)) => {
                assert_eq!((s.code, s.reason.as_str()), (409, "Conflict"));
                assert_eq!(s.message, format!("Operation cannot be fulfilled on pods \"p\": Precondition failed: UID in precondition: not-it, UID in object meta: {uid}"));
            }
            other => panic!("expected 409, got {other:?}"),
        }
    });
}
