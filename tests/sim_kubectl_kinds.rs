//! Real kubectl against the kinds a Pod manifest refers to: ConfigMaps, Secrets,
//! ServiceAccounts and Services, applied from one multi-document file as the Kubernetes
//! docs do, created with `kubectl create` (protobuf bodies), listed with the columns of
//! kubectl's printers, and the defaults every namespace starts with.

use crate::util::{TestCluster, normalize};

const MULTI: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-config
data:
  lives: \"3\"
  ui: user-interface.properties
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  username: admin
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: build-robot
";

/// Cluster IPs are random within 10.96.0.0/12 except the `kubernetes` Service's.
fn ips(text: &str) -> String {
    let re = regex::Regex::new(r"10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+").expect("regex");
    re.replace_all(text, |c: &regex::Captures| if &c[0] == "10.96.0.1" { c[0].to_string() } else { "<IP>".into() })
        .into_owned()
}

/// Each line's cells, with ages and random IPs as placeholders.
fn columns(text: &str) -> Vec<Vec<String>> {
    let age = regex::Regex::new(r"^\d+(s|m|h|d)$").expect("regex");
    let cell = |c: &str| if age.is_match(c) { "<AGE>".to_string() } else { c.to_string() };
    ips(&normalize(text)).lines().map(|l| l.split_whitespace().map(cell).collect()).collect()
}

#[test]
fn a_multi_document_file_applies_and_lists_like_a_cluster() {
    let c = TestCluster::start();
    let file = c.dir.path().join("multi.yaml");
    std::fs::write(&file, MULTI).expect("write");
    let applied = c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]);
    assert_eq!(
        applied.ok(),
        "configmap/game-config created\nsecret/creds created\nservice/web created\nserviceaccount/build-robot created\n"
    );
    let listed = c.kubectl(&["get", "cm,secret,sa,svc"]);
    let rows = columns(listed.ok());
    let expect: Vec<Vec<&str>> = vec![
        vec!["NAME", "DATA", "AGE"],
        vec!["configmap/game-config", "2", "<AGE>"],
        vec!["configmap/kube-root-ca.crt", "1", "<AGE>"],
        vec![],
        vec!["NAME", "TYPE", "DATA", "AGE"],
        vec!["secret/creds", "Opaque", "1", "<AGE>"],
        vec![],
        vec!["NAME", "SECRETS", "AGE"],
        vec!["serviceaccount/build-robot", "0", "<AGE>"],
        vec!["serviceaccount/default", "0", "<AGE>"],
        vec![],
        vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        vec!["service/kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", "<AGE>"],
        vec!["service/web", "ClusterIP", "<IP>", "<none>", "80/TCP", "<AGE>"],
    ];
    assert_eq!(rows, expect, "{}", listed.stdout);
    let wide = columns(c.kubectl(&["get", "svc", "web", "-o", "wide"]).ok());
    assert_eq!(wide[1], ["web", "ClusterIP", "<IP>", "<none>", "80/TCP", "<AGE>", "app=web"]);
    // stringData is write-only: it is stored base64 in data.
    let user = c.kubectl(&["get", "secret", "creds", "-o", "jsonpath={.data.username}"]);
    assert_eq!(user.ok(), "YWRtaW4=");
    let svc = c.kubectl(&["describe", "svc", "web"]);
    let described = ips(svc.ok());
    for line in [
        "Type:                     ClusterIP",
        "Port:                     <unset>  80/TCP",
        "TargetPort:               8080/TCP",
        "Session Affinity:         None",
    ] {
        assert!(described.contains(line), "missing {line:?} in\n{described}");
    }
}

#[test]
fn kubectl_create_sends_protobuf_and_the_server_reads_it() {
    let c = TestCluster::start();
    assert_eq!(
        c.kubectl(&["create", "configmap", "settings", "--from-literal=mode=dev"]).ok(),
        "configmap/settings created\n"
    );
    assert_eq!(
        c.kubectl(&["create", "secret", "generic", "token", "--from-literal=key=s3cret"]).ok(),
        "secret/token created\n"
    );
    assert_eq!(c.kubectl(&["create", "serviceaccount", "robot"]).ok(), "serviceaccount/robot created\n");
    assert_eq!(c.kubectl(&["create", "service", "clusterip", "api", "--tcp=80:8080"]).ok(), "service/api created\n");
    assert_eq!(c.kubectl(&["create", "service", "nodeport", "edge", "--tcp=443:8443"]).ok(), "service/edge created\n");
    assert_eq!(c.kubectl(&["get", "cm", "settings", "-o", "jsonpath={.data.mode}"]).ok(), "dev");
    let api = c.kubectl(&["get", "svc", "api", "-o", "jsonpath={.spec.type} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}"]);
    assert_eq!(api.ok(), "ClusterIP 80-8080 80 8080 api");
    let edge = c.kubectl(&["get", "svc", "edge", "-o", "jsonpath={.spec.type} {.spec.ports[0].nodePort}"]);
    let (kind, node_port) = edge.ok().split_once(' ').expect("two fields");
    assert_eq!(kind, "NodePort");
    assert!(node_port.parse::<u16>().is_ok_and(|p| (30000..=32767).contains(&p)), "{node_port}");
    assert_eq!(c.kubectl(&["get", "secret", "token", "-o", "jsonpath={.type} {.data.key}"]).ok(), "Opaque czNjcmV0");
}

#[test]
fn a_new_namespace_has_its_defaults_and_takes_them_when_it_goes() {
    let c = TestCluster::start();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    let names = c.kubectl(&["get", "sa,cm", "-n", "dev", "-o", "name"]);
    assert_eq!(names.ok(), "serviceaccount/default\nconfigmap/kube-root-ca.crt\n");
    c.kubectl(&["create", "configmap", "left", "-n", "dev", "--from-literal=a=b"]).ok();
    assert_eq!(c.kubectl(&["delete", "namespace", "dev"]).ok(), "namespace \"dev\" deleted\n");
    let gone = c.kubectl(&["get", "cm", "-n", "dev", "-o", "name"]);
    assert_eq!(gone.ok(), "", "nothing is left in a deleted namespace");
}

#[test]
fn auth_can_i_answers_from_the_same_rules_the_server_enforces() {
    let forbid = vec![("list".to_string(), "namespaces".to_string())];
    let c = TestCluster::with(podsh::sim::SimOptions { forbid, ..podsh::sim::SimOptions::default() });
    let yes = c.kubectl(&["auth", "can-i", "list", "pods"]);
    assert_eq!((yes.stdout.as_str(), yes.code), ("yes\n", 0));
    let no = c.kubectl(&["auth", "can-i", "list", "namespaces"]);
    assert_eq!((no.stdout.as_str(), no.code), ("no\n", 1));
    // What can-i says is what the server then does.
    assert!(c.kubectl(&["get", "namespaces"]).fails().contains("cannot list resource \"namespaces\""));
    let other_ns = c.kubectl(&["auth", "can-i", "create", "pods", "-n", "kube-system"]);
    assert_eq!((other_ns.stdout.as_str(), other_ns.code), ("yes\n", 0));
}

const NEEDS_CONFIG: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: needs-config
spec:
  containers:
  - name: app
    image: nginx
    envFrom:
    - configMapRef:
        name: game-config
    env:
    - name: PASSWORD
      valueFrom:
        secretKeyRef:
          name: creds
          key: password
";

#[test]
fn a_missing_config_map_or_secret_key_holds_the_container_until_it_appears() {
    let c = TestCluster::with(podsh::sim::SimOptions { timing: crate::util::fast_timing(), ..Default::default() });
    let file = c.dir.path().join("pod.yaml");
    std::fs::write(&file, NEEDS_CONFIG).expect("write");
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    c.wait_status("needs-config", "CreateContainerConfigError");
    let logs = c.kubectl(&["logs", "needs-config"]);
    assert_eq!(
        logs.fails(),
        "Error from server (BadRequest): container \"app\" in pod \"needs-config\" is waiting to start: CreateContainerConfigError\n"
    );
    let described = c.kubectl(&["describe", "pod", "needs-config"]);
    assert!(described.ok().contains("Error: configmap \"game-config\" not found"), "{}", described.stdout);
    assert!(described.stdout.contains("Reason:       CreateContainerConfigError"), "{}", described.stdout);
    c.kubectl(&["create", "configmap", "game-config", "--from-literal=lives=3"]).ok();
    c.kubectl(&["create", "secret", "generic", "creds", "--from-literal=user=admin"]).ok();
    let keyless = "Error: couldn't find key password in Secret default/creds";
    assert!(
        crate::util::wait_for(std::time::Duration::from_secs(10), || c
            .kubectl(&["describe", "pod", "needs-config"])
            .stdout
            .contains(keyless)),
        "the missing key is named once the secret exists"
    );
    c.kubectl(&["patch", "secret", "creds", "-p", r#"{"stringData":{"password":"s3cret"}}"#]).ok();
    c.wait_status("needs-config", "Running");
}

#[test]
fn a_missing_configmap_volume_holds_the_pod_until_it_exists() {
    let c = TestCluster::start();
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: vol
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    volumeMounts:
    - {name: config, mountPath: /etc/config}
  volumes:
  - name: config
    configMap:
      name: later
";
    let file = c.file("vol.yaml", pod);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    let failed = crate::util::wait_for(std::time::Duration::from_secs(10), || {
        c.kubectl(&["events", "--for", "pod/vol"]).stdout.contains(
            "Warning   FailedMount   Pod/vol   MountVolume.SetUp failed for volume \"config\" : configmap \"later\" not found",
        )
    });
    assert!(failed, "FailedMount reported: {}", c.kubectl(&["events", "--for", "pod/vol"]).stdout);
    assert_eq!(
        c.kubectl(&["get", "pod", "vol", "--no-headers"]).stdout.split_whitespace().nth(2),
        Some("ContainerCreating")
    );
    c.kubectl(&["create", "configmap", "later", "--from-literal=mode=fast"]).ok();
    c.wait_status("vol", "Running");
    let mounted = c.kubectl(&["exec", "vol", "--", "cat", "/etc/config/mode"]);
    assert_eq!(mounted.ok(), "fast");
}
