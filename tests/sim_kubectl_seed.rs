//! The seed's hands-on session (shared/seed) through the real kubectl against the
//! simulator: apply the manifest, see the pod go Pending -> Running, list it, describe it
//! with events, read its logs, delete it by file and by name.

use crate::util::{TestCluster, assert_text, cells, normalize, wait_for};
use std::time::Duration;

/// The seed's `nginx-pod.yaml`, with `labels` spelled right.
pub const SEED_MANIFEST: &str = "apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    app: myapp
    type: front-end
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
";

/// The seed's JSON body for `POST /api/v1/namespaces/default/pods`.
pub const SEED_JSON: &str = r#"{ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "nginx", "labels": { "app": "myapp", "type": "front-end" } }, "spec": { "containers": [ { "name": "nginx", "image": "nginx:1.14.2", "ports": [ { "containerPort": 80 } ] } ] } }"#;

// The layout is the seed's `k describe pod nginx` (real kubectl), as kubectl 1.33 prints
// it: the projected volume's ConfigMap line reads `Optional: false` since describe.go
// dereferences the pointer, and the declared port shows as `80/TCP` / `0/TCP`.
const SEED_DESCRIBE_HEAD: &str = "Name:             nginx
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-1/192.168.49.2
Start Time:       <TIME>
Labels:           app=myapp
                  type=front-end
Annotations:      <none>
Status:           Running
IP:               10.244.0.3
IPs:
  IP:  10.244.0.3
Containers:
  nginx:
    Container ID:   containerd://<ID>
    Image:          nginx:1.14.2
    Image ID:       docker.io/library/nginx@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      <TIME>
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-<X> (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-<X>:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
";

#[test]
fn seed_session_end_to_end() {
    let c = TestCluster::start();
    c.file("nginx-pod.yaml", SEED_MANIFEST);

    let applied = c.kubectl(&["apply", "-f", "nginx-pod.yaml"]);
    assert_text(applied.ok(), "pod/nginx created\n");

    // Pending first (not yet scheduled or still creating), then Running.
    let first = c.kubectl(&["get", "pod", "nginx", "--no-headers"]);
    let early = cells(first.ok().trim());
    assert!(["Pending", "ContainerCreating", "Running"].contains(&early[2].as_str()), "{early:?}");
    c.wait_status("nginx", "Running");

    let table = c.kubectl(&["get", "pod"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "NAME    READY   STATUS    RESTARTS   AGE");
    let row = lines[1].strip_prefix("nginx   1/1     Running   0          ").expect("row layout");
    assert!(row.ends_with('s') && row[..row.len() - 1].parse::<u32>().is_ok(), "AGE cell {row:?}");

    let described = c.kubectl(&["describe", "pod", "nginx"]);
    let text = normalize(described.ok());
    let (head, events) = text.split_at(text.find("Events:\n").expect("events section") + "Events:\n".len());
    assert_text(head, SEED_DESCRIBE_HEAD);
    let rows: Vec<Vec<String>> = events.lines().map(|l| cells(l.trim_start())).collect();
    assert_eq!(rows[0], ["Type", "Reason", "Age", "From", "Message"]);
    let reasons: Vec<(&str, &str)> = rows[2..].iter().map(|r| (r[1].as_str(), r[3].as_str())).collect();
    assert_eq!(
        reasons,
        [
            ("Scheduled", "default-scheduler"),
            ("Pulling", "kubelet"),
            ("Pulled", "kubelet"),
            ("Created", "kubelet"),
            ("Started", "kubelet")
        ]
    );
    assert_eq!(rows[2][4], "Successfully assigned default/nginx to node-1");
    assert_eq!(rows[3][4], "Pulling image \"nginx:1.14.2\"");

    let logs = c.kubectl(&["logs", "nginx"]);
    let log_lines: Vec<&str> = logs.ok().lines().collect();
    assert_eq!(log_lines.len(), 5);
    assert_eq!(log_lines[4], "/docker-entrypoint.sh: Configuration complete; ready for start up");

    let deleted = c.kubectl(&["delete", "-f", "nginx-pod.yaml"]);
    assert_text(deleted.ok(), "pod \"nginx\" deleted\n");
    let gone = c.kubectl(&["get", "pod", "nginx"]);
    assert_text(gone.fails(), "Error from server (NotFound): pods \"nginx\" not found\n");
}

#[test]
fn seed_json_body_with_create_and_delete_by_name() {
    let c = TestCluster::start();
    c.file("nginx-pod.json", SEED_JSON);
    assert_text(c.kubectl(&["create", "-f", "nginx-pod.json"]).ok(), "pod/nginx created\n");
    let again = c.kubectl(&["create", "-f", "nginx-pod.json"]);
    assert_text(
        again.fails(),
        "Error from server (AlreadyExists): error when creating \"nginx-pod.json\": pods \"nginx\" already exists\n",
    );
    c.wait_status("nginx", "Running");
    let labels = c.kubectl(&["get", "pod", "nginx", "-o", "jsonpath={.metadata.labels}"]);
    assert_text(labels.ok(), r#"{"app":"myapp","type":"front-end"}"#);
    assert_text(c.kubectl(&["delete", "pod", "nginx"]).ok(), "pod \"nginx\" deleted\n");
    assert!(wait_for(Duration::from_secs(2), || c.kubectl(&["get", "pods", "-o", "name"]).stdout.is_empty()));
}

#[test]
fn seed_typo_lables_is_rejected_when_strict_and_warned_otherwise() {
    let c = TestCluster::start();
    c.file("nginx-pod.yaml", &SEED_MANIFEST.replace("labels:", "lables:"));
    let strict = c.kubectl(&["apply", "-f", "nginx-pod.yaml"]);
    assert_text(
        strict.fails(),
        "Error from server (BadRequest): error when creating \"nginx-pod.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"metadata.lables\"\n",
    );
    let warn = c.kubectl(&["apply", "-f", "nginx-pod.yaml", "--validate=warn"]);
    assert_text(warn.ok(), "pod/nginx created\n");
    assert_text(&warn.stderr, "Warning: unknown field \"metadata.lables\"\n");
    // The dropped field is really dropped: the pod has no labels.
    let labels = c.kubectl(&["get", "pod", "nginx", "-o", "jsonpath={.metadata.labels}"]);
    assert_text(labels.ok(), "");
}

#[test]
fn dry_run_client_needs_only_discovery_and_prints_the_seed_manifest() {
    let c = TestCluster::start();
    let out = c.kubectl(&["run", "nginx", "--image=nginx:1.14.2", "--dry-run=client", "-o", "yaml"]);
    // shared/reference/kubectl-outputs/run_outputs.txt (real kubectl).
    assert_text(
        out.ok(),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: nginx\n  name: nginx\nspec:\n  containers:\n  - image: nginx:1.14.2\n    name: nginx\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n",
    );
    let writes = c.sim.requests().iter().filter(|r| r.method != "GET").count();
    assert_eq!(writes, 0, "a client dry run must not write");
}
