//! `kubectl get` against the simulator: Table responses (default and wide), YAML/JSON/name
//! output, label and field selectors, all namespaces, pagination, and `-w`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::util::{TestCluster, assert_text, cells};

fn run_pods(c: &TestCluster, specs: &[(&str, &[&str])]) {
    for (name, extra) in specs {
        let mut args = vec!["run", name, "--image=nginx:1.14.2"];
        args.extend_from_slice(extra);
        c.kubectl(&args).ok();
    }
}

#[test]
fn wide_columns_and_output_formats() {
    let c = TestCluster::start();
    run_pods(&c, &[("web", &[])]);
    c.wait_status("web", "Running");
    let wide = c.kubectl(&["get", "pods", "-o", "wide"]);
    let lines: Vec<&str> = wide.ok().lines().collect();
    // Column set and order of printers.go's pod handler, priority-1 columns shown by -o wide.
    assert_eq!(
        cells(lines[0]),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]
    );
    let row = cells(lines[1]);
    assert_eq!([&row[0], &row[1], &row[2], &row[3]], ["web", "1/1", "Running", "0"]);
    assert_eq!([&row[5], &row[6], &row[7], &row[8]], ["10.244.0.3", "node-1", "<none>", "<none>"]);

    assert_text(c.kubectl(&["get", "pods", "-o", "name"]).ok(), "pod/web\n");
    let yaml = c.kubectl(&["get", "pod", "web", "-o", "yaml"]);
    let y = yaml.ok();
    for want in [
        "apiVersion: v1\n",
        "kind: Pod\n",
        "  name: web\n",
        "  phase: Running\n",
        "  qosClass: BestEffort\n",
        "  restartPolicy: Always\n",
        "  schedulerName: default-scheduler\n",
        "  nodeName: node-1\n",
    ] {
        assert!(y.contains(want), "missing {want:?} in\n{y}");
    }
    let json = c.kubectl(&["get", "pods", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(json.ok()).expect("kubectl -o json is JSON");
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"][0]["status"]["containerStatuses"][0]["ready"], true);
    assert_eq!(v["items"][0]["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent");
}

#[test]
fn selectors_and_namespaces() {
    let c = TestCluster::start();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    run_pods(
        &c,
        &[
            ("a", &["--labels=app=web,tier=fe"]),
            ("b", &["--labels=app=db"]),
            ("c", &["--labels=tier=be"]),
            ("d", &["-n", "dev", "--labels=app=web"]),
        ],
    );
    let names = |args: &[&str]| -> String {
        let mut all = vec!["get", "pods", "-o", "name"];
        all.extend_from_slice(args);
        c.kubectl(&all).ok().to_string()
    };
    assert_eq!(names(&["-l", "app=web"]), "pod/a\n");
    assert_eq!(names(&["-l", "app==web"]), "pod/a\n");
    assert_eq!(names(&["-l", "app!=web"]), "pod/b\npod/c\n");
    assert_eq!(names(&["-l", "app in (web,db)"]), "pod/a\npod/b\n");
    assert_eq!(names(&["-l", "app notin (web)"]), "pod/b\npod/c\n");
    assert_eq!(names(&["-l", "tier"]), "pod/a\npod/c\n");
    assert_eq!(names(&["-l", "!tier"]), "pod/b\n");
    assert_eq!(names(&["--field-selector", "metadata.name=b"]), "pod/b\n");
    assert_eq!(names(&["--field-selector", "metadata.namespace=default,metadata.name!=a"]), "pod/b\npod/c\n");
    assert_eq!(names(&["--field-selector", "spec.restartPolicy=Always", "-l", "app=db"]), "pod/b\n");
    assert_eq!(names(&["-n", "dev"]), "pod/d\n");

    c.wait_status("a", "Running");
    assert_eq!(names(&["--field-selector", "status.phase=Running", "-l", "app=web"]), "pod/a\n");
    assert_eq!(names(&["--field-selector", "spec.nodeName=node-1", "-l", "app=web"]), "pod/a\n");

    let all = c.kubectl(&["get", "pods", "-A"]);
    let lines: Vec<&str> = all.ok().lines().collect();
    assert_eq!(cells(lines[0]), ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    let ns_names: Vec<(String, String)> = lines[1..]
        .iter()
        .map(|l| {
            let r = cells(l);
            (r[0].clone(), r[1].clone())
        })
        .collect();
    assert_eq!(
        ns_names,
        [("default", "a"), ("default", "b"), ("default", "c"), ("dev", "d")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );

    let none = c.kubectl(&["get", "pods", "-n", "kube-public"]);
    assert_text(none.ok(), "");
    assert_text(&none.stderr, "No resources found in kube-public namespace.\n");
}

#[test]
fn pagination_serves_every_pod() {
    let c = TestCluster::with(podsh::sim::SimOptions { pods: 1_234, ..podsh::sim::SimOptions::default() });
    let out = c.kubectl(&["get", "pods", "--no-headers"]);
    let rows: Vec<&str> = out.ok().lines().collect();
    assert_eq!(rows.len(), 1_234);
    assert!(rows.iter().all(|r| cells(r)[2] == "Running"), "every pre-created pod runs");
    let pages = c
        .sim
        .requests()
        .iter()
        .filter(|r| r.uri.starts_with("/api/v1/namespaces/default/pods?") && r.uri.contains("limit=500"))
        .count();
    assert_eq!(pages, 3, "kubectl follows continue tokens in pages of 500");
}

#[test]
fn watch_prints_the_pod_until_running() {
    let c = TestCluster::start();
    let mut child = c
        .kubectl_cmd(&["get", "pods", "-w", "--output-watch-events"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl get -w starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Create the pod only once kubectl's watch request has reached the server.
    let watching = crate::util::wait_for(Duration::from_secs(10), || {
        c.sim.requests().iter().any(|r| r.uri.contains("watch=true"))
    });
    assert!(watching, "kubectl get -w opened a watch");
    c.kubectl(&["run", "w1", "--image=nginx"]).ok();
    let mut seen = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(10)) {
        let running = line.contains("Running");
        seen.push(cells(&line));
        if running {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.len() >= 2, "{seen:?}");
    assert_eq!(seen[0][0], "EVENT");
    assert_eq!(seen[1][..4], ["ADDED", "w1", "0/1", "Pending"]);
    let last = seen.last().expect("a last line");
    assert_eq!(last[..4], ["MODIFIED", "w1", "1/1", "Running"]);
}
