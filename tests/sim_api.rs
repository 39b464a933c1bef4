//! The simulator through the kube client (the shell's own code path): watch semantics
//! (replay, 410 Gone, selector transitions, bookmarks), optimistic concurrency, dry run on
//! every write, many concurrent watchers, and request decoding that never fails the server.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use podsh::sim::SimOptions;
use proptest::prelude::*;

use crate::util::{TestCluster, fast_timing};

pub fn client(c: &TestCluster) -> Client {
    c.runtime().block_on(async {
        let kc = Kubeconfig::read_from(&c.kubeconfig).expect("kubeconfig parses");
        let cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.expect("config");
        Client::try_from(cfg).expect("client")
    })
}

/// A client that reports what the server answered at once (kube's default client
/// sends 429s and 503s again by itself).
pub fn client_without_retries(c: &TestCluster) -> Client {
    c.runtime().block_on(async {
        let kc = Kubeconfig::read_from(&c.kubeconfig).expect("kubeconfig parses");
        let mut cfg = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.expect("config");
        cfg.default_retry = false;
        Client::try_from(cfg).expect("client")
    })
}

fn pod(name: &str, labels: &[(&str, &str)]) -> Pod {
    let labels: serde_json::Map<String, serde_json::Value> =
        labels.iter().map(|(k, v)| (k.to_string(), (*v).into())).collect();
    serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }))
    .expect("valid pod")
}

#[test]
fn watch_replays_from_a_version_and_expires_old_ones() {
    let c = TestCluster::with(SimOptions { history: 32, timing: fast_timing(), ..SimOptions::default() });
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(async {
        let first = api.create(&PostParams::default(), &pod("a", &[])).await.expect("create a");
        let rv = first.metadata.resource_version.clone().expect("rv");
        api.create(&PostParams::default(), &pod("b", &[])).await.expect("create b");
        let mut stream = api.watch(&WatchParams::default().timeout(5), &rv).await.expect("watch").boxed();
        let mut names = Vec::new();
        while let Some(ev) = stream.try_next().await.expect("event") {
            if let WatchEvent::Added(p) = ev {
                names.push(p.metadata.name.unwrap_or_default());
                break;
            }
        }
        assert_eq!(names, ["b"], "replay starts after the given version");

        // Churn past the 32-event history, then ask for the first version again.
        for i in 0..60 {
            api.create(&PostParams::default(), &pod(&format!("x{i}"), &[])).await.expect("create");
        }
        let old = api.watch(&WatchParams::default().timeout(5), &rv).await;
        let err = match old {
            Err(kube::Error::Api(s)) => s.code,
            Ok(s) => match s.boxed().next().await {
                Some(Ok(WatchEvent::Error(e))) => e.code,
                other => panic!("expected 410, got {other:?}"),
            },
            Err(e) => panic!("unexpected error {e}"),
        };
        assert_eq!(err, 410);
    });
}

#[test]
fn label_watch_sees_objects_enter_and_leave() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(async {
        api.create(&PostParams::default(), &pod("p", &[("app", "web")])).await.expect("create");
        let list = api.list(&ListParams::default()).await.expect("list");
        let rv = list.metadata.resource_version.expect("list rv");
        let mut stream =
            api.watch(&WatchParams::default().labels("app=web").timeout(10), &rv).await.expect("watch").boxed();
        let relabel = |v: &str| Patch::Merge(serde_json::json!({"metadata": {"labels": {"app": v}}}));
        api.patch("p", &PatchParams::default(), &relabel("db")).await.expect("relabel away");
        api.patch("p", &PatchParams::default(), &relabel("web")).await.expect("relabel back");
        let mut kinds = Vec::new();
        while let Some(ev) = stream.try_next().await.expect("event") {
            match ev {
                WatchEvent::Deleted(_) => kinds.push("DELETED"),
                WatchEvent::Added(_) => {
                    kinds.push("ADDED");
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(kinds, ["DELETED", "ADDED"]);
    });
}

#[test]
fn stale_updates_conflict_and_dry_runs_change_nothing() {
    let c = TestCluster::start();
    let api: Api<Pod> = Api::default_namespaced(client(&c));
    c.runtime().block_on(async {
        let created = api.create(&PostParams::default(), &pod("p", &[("v", "1")])).await.expect("create");
        let mut stale = created.clone();
        api.patch("p", &PatchParams::default(), &Patch::Merge(serde_json::json!({"metadata": {"labels": {"v": "2"}}}))).await.expect("patch");
        stale.metadata.labels = Some([("v".to_string(), "3".to_string())].into());
        match api.replace("p", &PostParams::default(), &stale).await {
            Err(kube::Error::Api(s)) => {
                assert_eq!((s.code, s.reason.as_str()), (409, "Conflict"));
                assert_eq!(s.message, "Operation cannot be fulfilled on pods \"p\": the object has been modified; please apply your changes to the latest version and try again");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let dry = PostParams { dry_run: true, ..Default::default() };
        api.create(&dry, &pod("ghost", &[])).await.expect("dry-run create");
        let pp = PatchParams { dry_run: true, ..Default::default() };
        api.patch("p", &pp, &Patch::Merge(serde_json::json!({"metadata": {"labels": {"v": "9"}}}))).await.expect("dry-run patch");
        api.delete("p", &DeleteParams { dry_run: true, ..Default::default() }).await.expect("dry-run delete");
        let names: Vec<String> = api.list(&ListParams::default()).await.expect("list").items.into_iter().filter_map(|p| p.metadata.name).collect();
        assert_eq!(names, ["p"]);
        let live = api.get("p").await.expect("get");
        assert_eq!(live.metadata.labels.and_then(|l| l.get("v").cloned()).as_deref(), Some("2"));
        assert!(live.metadata.deletion_timestamp.is_none());
    });
}

#[test]
fn many_watchers_see_the_same_change() {
    let c = TestCluster::with(SimOptions { pods: 2_000, timing: fast_timing(), ..SimOptions::default() });
    let cl = client(&c);
    let api: Api<Pod> = Api::default_namespaced(cl);
    c.runtime().block_on(async {
        let list = api.list(&ListParams::default()).await.expect("list of 2000 in one response");
        assert_eq!(list.items.len(), 2_000);
        let rv = list.metadata.resource_version.expect("rv");
        let mut watchers = Vec::new();
        for _ in 0..64 {
            watchers.push(api.watch(&WatchParams::default().timeout(10), &rv).await.expect("watch").boxed());
        }
        api.create(&PostParams::default(), &pod("fresh", &[])).await.expect("create");
        let seen = futures::future::join_all(watchers.into_iter().map(|mut w| async move {
            tokio::time::timeout(Duration::from_secs(10), async {
                while let Some(Ok(ev)) = w.next().await {
                    if let WatchEvent::Added(p) = ev {
                        return p.metadata.name == Some("fresh".into());
                    }
                }
                false
            })
            .await
            .unwrap_or(false)
        }))
        .await;
        assert!(seen.iter().all(|s| *s), "every watcher saw the new pod");
    });
}

fn raw(c: &TestCluster, cl: &Client, method: &str, path: &str, ct: &str, body: Vec<u8>) -> u16 {
    c.runtime().block_on(async {
        let req =
            http::Request::builder().method(method).uri(path).header("content-type", ct).body(body).expect("request");
        match cl.request_text(req).await {
            Ok(_) => 200,
            Err(kube::Error::Api(s)) => s.code,
            Err(e) => panic!("transport failure (server hurt?): {e}"),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn request_bodies_never_break_the_server(body in proptest::collection::vec(any::<u8>(), 0..300), json in "\\{(\"[a-z]{1,6}\":(\"[a-zA-Z_]{0,5}\"|[0-9]{1,6}|null|\\[\\]|\\{\\}),?){0,5}\\}") {
        thread_local! {
            static CLUSTER: (TestCluster, Client) = {
                let c = TestCluster::start();
                let cl = client(&c);
                (c, cl)
            };
        }
        CLUSTER.with(|(c, cl)| {
            for (ct, b) in [("application/json", body.clone()), ("application/yaml", body.clone()), ("application/json", json.clone().into_bytes()), ("application/vnd.kubernetes.protobuf", body.clone())] {
                for (m, p) in [("POST", "/api/v1/namespaces/default/pods"), ("PUT", "/api/v1/namespaces/default/pods/x"), ("PATCH", "/api/v1/namespaces/default/pods/x"), ("POST", "/api/v1/namespaces")] {
                    let code = raw(c, cl, m, p, ct, b.clone());
                    prop_assert!(code < 500, "{m} {p} {ct} gave {code}");
                }
            }
            Ok(())
        })?;
    }
}
