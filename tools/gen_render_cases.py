#!/usr/bin/env python3
"""Records what real kubectl prints for pods in many states, for the unit tests of
crates/pure/src/render (describe, YAML, JSON, tables): the simulator brings the pods to
their states, then for each pod kubectl's `-o json` (the object the tests render),
`-o yaml`, and `describe pod` (with the pod's events and the moment it ran, so ages
match) are kept, one case a line of JSON: {"case", "now_ns", "pod", "events", "yaml",
"json", "describe"}. For `get` lines, the server's Table and what kubectl printed from
it (tables.jsonl: {"line", "opts", "table", "printed"}); for failing lines, the Status
the server answered and kubectl's stderr (errors.jsonl: {"line", "code", "status",
"context", "stderr"}); for arbitrary JSON (floats, nested and empty lists and maps,
strings YAML would read as other types, documents whose top level is a list, a scalar or
empty), kubectl's YAML of it (raw_yaml.jsonl: {"json", "yaml"}); for `get` of several pods,
the List kubectl built and printed (lists.jsonl: {"line", "doc", "json", "yaml"}).

Run from the repository root, with kubectl on PATH and the debug build present:
  python3 tools/gen_render_cases.py crates/pure/src/render/testdata
"""
import base64
import json
import os
import random
import ssl
import urllib.error
import urllib.request
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

MANIFESTS = r"""
apiVersion: v1
kind: Pod
metadata:
  name: multi
  labels: {app: web, tier: frontend}
  annotations: {team: payments}
spec:
  containers:
  - name: web
    image: nginx:1.25
    ports: [{containerPort: 80}, {containerPort: 9090, protocol: UDP, name: metrics}]
    env:
    - {name: MODE, value: prod}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: CPU
      valueFrom: {resourceFieldRef: {resource: limits.cpu, containerName: web}}
    - name: CM
      valueFrom: {configMapKeyRef: {name: cfg, key: mode, optional: true}}
    - name: SECRET
      valueFrom: {secretKeyRef: {name: creds, key: password, optional: true}}
    envFrom:
    - configMapRef: {name: cfg, optional: true}
      prefix: CFG_
    - secretRef: {name: creds, optional: true}
    resources:
      limits: {cpu: 500m, memory: 256Mi}
      requests: {cpu: 250m, memory: 128Mi}
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: conf, mountPath: /etc/conf, readOnly: true, subPath: app.conf}
    livenessProbe:
      httpGet: {path: /healthz, port: 80, scheme: HTTP}
      initialDelaySeconds: 3
      periodSeconds: 20
    readinessProbe:
      tcpSocket: {port: 80}
    startupProbe:
      exec: {command: [cat, /tmp/ready]}
      failureThreshold: 30
  - name: sidecar
    image: busybox:1.36
    command: ["sh", "-c", "while true; do echo tick; sleep 1; done"]
    args: ["--verbose"]
    resources:
      limits: {cpu: "1", memory: 64Mi, ephemeral-storage: 1Gi}
  volumes:
  - {name: data, emptyDir: {}}
  - name: conf
    configMap: {name: cfg, optional: true, items: [{key: app.conf, path: app.conf}]}
  - name: cache
    emptyDir: {medium: Memory, sizeLimit: 64Mi}
  - name: creds
    secret: {secretName: creds, optional: true, defaultMode: 0400}
  - name: host
    hostPath: {path: /var/log, type: Directory}
  - name: info
    downwardAPI:
      items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
  - name: mixed
    projected:
      sources:
      - serviceAccountToken: {path: token, expirationSeconds: 3600}
      - configMap: {name: cfg, optional: true}
      - secret: {name: creds, optional: true}
      - downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
  - name: claim
    persistentVolumeClaim: {claimName: data-claim, readOnly: true}
  - name: nfs
    nfs: {server: nfs.example.com, path: /exports, readOnly: true}
  nodeSelector: {kubernetes.io/os: linux}
  tolerations:
  - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
  - {key: slow, operator: Exists, effect: NoExecute, tolerationSeconds: 60}
  - {operator: Exists}
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [frontend]}]}
  terminationGracePeriodSeconds: 45
  priority: 0
  securityContext: {runAsUser: 1000, fsGroup: 2000}
---
apiVersion: v1
kind: Pod
metadata:
  name: initpod
  labels: {app: init}
spec:
  initContainers:
  - name: setup
    image: busybox
    command: ["sh", "-c", "sleep 3600"]
  - name: logger
    image: busybox
    restartPolicy: Always
    command: ["sh", "-c", "sleep 3600"]
  containers:
  - name: app
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: pending
spec:
  nodeSelector: {disk: ssd}
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 100m}
---
apiVersion: v1
kind: Pod
metadata:
  name: extras
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9, uid: 6f1c2e8a-0000-4000-8000-000000000001, controller: true}
spec:
  priorityClassName: system-cluster-critical
  runtimeClassName: gvisor
  readinessGates: [{conditionType: example.com/ready}]
  securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}}
  containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: guaranteed
spec:
  restartPolicy: OnFailure
  containers:
  - name: app
    image: nginx
    resources:
      limits: {cpu: 200m, memory: 100Mi}
      requests: {cpu: 200m, memory: 100Mi}
---
apiVersion: v1
kind: Pod
metadata:
  name: yamlish
  labels: {app.kubernetes.io/name: yamlish, version: "1.0"}
  annotations:
    bool-like: "true"
    yes-like: "yes"
    off-like: "off"
    tilde: "~"
    null-like: "null"
    int-like: "0123"
    octal-like: "0o17"
    hex-like: "0x1F"
    float-like: "1e3"
    inf-like: ".inf"
    date-like: "2024-01-02"
    colon: "a: b"
    hash: "a #b"
    leading-dash: "- x"
    leading-space: " padded"
    trailing-space: "padded "
    quote: "it's \"quoted\""
    at: "@handle"
    backtick: "`cmd`"
    percent: "%x"
    braces: "{a: 1}"
    brackets: "[1, 2]"
    star: "*alias"
    amp: "&anchor"
    bang: "!tag"
    pipe: "| x"
    gt: "> x"
    question: "? x"
    comma: "a, b"
    empty: ""
    unicode: "héllo wörld ✓"
    emoji: "🚀 launch"
    tab: "a\tb"
    control: "bell\u0007"
    multiline: "line one\nline two\n"
    multiline-no-newline: "first\nsecond"
    multiline-trailing: "keep\n\n"
    multiline-leading-space: "  indented\nnext"
    long: "This annotation is deliberately long so that the YAML printer has to fold it across more than one line at eighty columns, the way go-yaml does."
    long-word: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    long-quoted: "This one is long too: it has a colon-space, so it needs quotes, and it is long enough to fold past eighty columns."
    json: '{"a":1,"b":[true,null]}'
    space-break: "a \nb"
    trailing-space-multi: "a\nb "
    upper-hex: "0X1F"
    bin: "0b101"
    upper-oct: "0O17"
    plus-int: "+12"
    neg-float: "-1.5e3"
    sexagesimal: "1:20"
    bom: "\ufeffx"
    newline-only: "\n"
    leading-newline: "\nafter"
    long-double: "tab\there and then a great many words so that the line goes well past eighty  columns with  double  spaces  inside"
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo 'hi'; sleep 3600"]
    env:
    - {name: EMPTY, value: ""}
    - {name: NUM, value: "42"}
    - {name: SPACES, value: "a  b"}
    - {name: MULTI, value: "x\ny"}
---
apiVersion: v1
kind: Pod
metadata:
  name: lastwords
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
    command: [sh, -c, "echo starting; echo 'cannot open /etc/app.conf' >&2; exit 3"]
---
apiVersion: v1
kind: Pod
metadata:
  name: lastwords-loop
spec:
  containers:
  - name: app
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
    command: [sh, -c, "echo giving up; exit 2"]
---
apiVersion: v1
kind: Pod
metadata:
  name: kitchen
  annotations:
    at-limit: "AT_LIMIT"
    past-limit: "PAST_LIMIT"
    wide-chars: "WIDE_CHARS"
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      seccompProfile: {type: Localhost, localhostProfile: profiles/app.json}
    env:
    - name: NS
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
    - name: HUGE
      valueFrom: {resourceFieldRef: {resource: limits.hugepages-2Mi, divisor: 1Mi}}
    resources:
      limits: {hugepages-2Mi: 4Mi, memory: 64Mi, cpu: 100m}
    livenessProbe:
      httpGet: {host: example.com, path: healthz, port: 8080, scheme: HTTPS}
    volumeDevices:
    - {name: block, devicePath: /dev/xvdb}
    - {name: block2, devicePath: /dev/xvda}
    volumeMounts:
    - {name: scratch, mountPath: /scratch}
  - name: runtime-default
    image: nginx
    securityContext:
      seccompProfile: {type: RuntimeDefault}
  volumes:
  - name: block
    persistentVolumeClaim: {claimName: block-claim}
  - name: block2
    persistentVolumeClaim: {claimName: block-claim-2}
  - name: scratch
    emptyDir: {sizeLimit: "0"}
  - name: csi
    csi:
      driver: secrets-store.csi.k8s.io
      readOnly: true
      volumeAttributes:
        secretProviderClass: vault
        long: "LONG_ATTRIBUTE"
  - name: csi-bare
    csi: {driver: inline.csi.example.com}
  - name: claim-template
    ephemeral:
      volumeClaimTemplate:
        metadata:
          labels: {type: scratch}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: fast
          resources:
            requests: {storage: 1Gi}
  tolerations:
  - {key: gpu, operator: Exists}
  - {key: dedicated, operator: Equal, effect: NoSchedule}
  - {operator: Exists, effect: NoSchedule}
  topologySpreadConstraints:
  - maxSkew: 2
    topologyKey: zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector:
      matchExpressions:
      - {key: tier, operator: NotIn, values: [db, cache]}
      - {key: legacy, operator: DoesNotExist}
      - {key: app, operator: Exists}
"""

# Annotations at describe's 140-character limit and one past it, a CSI attribute past it;
# a long line of two-byte characters cut at byte 138 (kubectl cuts bytes: a cut inside a character would print
# invalid UTF-8, which the shell does not copy; render::describe::text tests that case).
MANIFESTS = (MANIFESTS.replace("AT_LIMIT", "K" * 130).replace("PAST_LIMIT", "K" * 129)
             .replace("WIDE_CHARS", "first\\nxx" + "é" * 70).replace("LONG_ATTRIBUTE", "v" * 140))

# An event another component wrote about `kitchen` (its `source.component` empty, so
# describe names its reporting component).
EVENT = {
    "apiVersion": "v1", "kind": "Event", "metadata": {"name": "kitchen.operator", "namespace": "default"},
    "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "kitchen", "namespace": "default"},
    "reason": "Tuned", "message": "settings applied", "type": "Normal", "count": 1,
    "source": {"component": ""}, "reportingComponent": "example.com/operator", "reportingInstance": "op-1",
}

RUNS = [
    ["run", "nginx", "--image=nginx:1.14.2", "--port=80", "--labels=app=nginx,env=prod"],
    ["run", "crashy", "--image=busybox", "--", "sh", "-c", "echo boom; exit 1"],
    ["run", "imgerr", "--image=nginx:doesnotexist"],
    ["run", "done", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo ok"],
    ["run", "failed", "--image=busybox", "--restart=Never", "--command", "--", "false"],
    ["run", "dying", "--image=nginx", "--env=A=1", "--env=B=two words"],
    ["run", "held", "--image=busybox", "--restart=Never", "--overrides",
     '{"metadata": {"finalizers": ["example.com/keep"]}}', "--command", "--", "false"],
    ["run", "evicted", "--image=busybox", "--restart=Never", "--command", "--", "false"],
    ["run", "nominated", "--image=nginx", "--overrides", '{"spec": {"nodeSelector": {"disk": "ssd"}}}'],
    ["run", "debugged", "--image=nginx"],
]

# What other writers than the kubelet do to pods once they settle: an eviction's reason
# and message, the scheduler's nominated node, a deletion a finalizer holds back (on a
# pod that already failed), a debug container.
AFTER = [
    ["patch", "pod", "evicted", "--subresource=status", "--type=merge", "-p",
     '{"status": {"reason": "Evicted", "message": "The node was low on resource: memory. '
     'Threshold quantity: 100Mi, available: 9Mi."}}'],
    ["patch", "pod", "nominated", "--subresource=status", "--type=merge", "-p",
     '{"status": {"nominatedNodeName": "node-2"}}'],
    ["delete", "pod", "held", "--wait=false"],
    ["delete", "pod", "dying", "--wait=false"],
    ["debug", "debugged", "--image=busybox", "--container=dbg", "--profile=general", "--", "sleep", "3600"],
]

WAIT = {"crashy": "CrashLoopBackOff", "imgerr": "ErrImagePull", "multi": "Running", "done": "Completed",
        "failed": "Error", "initpod": "Init:0/2", "nginx": "Running", "yamlish": "Running",
        "guaranteed": "Running", "pending": "Pending", "extras": "Running", "held": "Error", "evicted": "Error",
        "nominated": "Pending", "debugged": "Running", "kitchen": "Running",
        "lastwords": "Error", "lastwords-loop": "CrashLoopBackOff"}


def kubectl(args, kubeconfig, stdin=None, check=True):
    env = dict(os.environ, KUBECONFIG=kubeconfig, TZ="UTC")
    out = subprocess.run(["kubectl", *args], env=env, input=stdin, capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"kubectl {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def status_of(kubeconfig):
    rows = kubectl(["get", "pods", "--no-headers"], kubeconfig).splitlines()
    return {r.split()[0]: r.split()[2] for r in rows}


def capture(name, kubeconfig):
    """kubectl's three views of one pod, taken when the pod did not move between them."""
    for _ in range(20):
        before = kubectl(["get", "pod", name, "-o", "json"], kubeconfig)
        pod = json.loads(before)
        selector = f"involvedObject.name={name},involvedObject.namespace=default,involvedObject.uid={pod['metadata']['uid']}"
        events = json.loads(kubectl(["get", "events", "--field-selector", selector, "-o", "json"], kubeconfig))["items"]
        t0 = time.time_ns()
        described = kubectl(["describe", "pod", name], kubeconfig)
        t1 = time.time_ns()
        yaml = kubectl(["get", "pod", name, "-o", "yaml"], kubeconfig)
        after = kubectl(["get", "pod", name, "-o", "json"], kubeconfig)
        again = json.loads(kubectl(["get", "events", "--field-selector", selector, "-o", "json"], kubeconfig))["items"]
        if before == after and events == again and t0 // 10**9 == t1 // 10**9:
            return {"case": name, "now_ns": t0, "pod": pod, "events": events, "yaml": yaml, "json": before,
                    "describe": described}
        time.sleep(0.3)
    sys.exit(f"{name} kept changing")


GETS = [
    ("get pods", "/api/v1/namespaces/default/pods", {}),
    ("get pods -o wide", "/api/v1/namespaces/default/pods", {"wide": True}),
    ("get pods --show-labels", "/api/v1/namespaces/default/pods", {"show_labels": True}),
    ("get pods --no-headers", "/api/v1/namespaces/default/pods", {"no_headers": True}),
    ("get pods -A", "/api/v1/pods", {"with_namespace": True}),
    ("get pods -A -o wide --show-labels", "/api/v1/pods", {"with_namespace": True, "wide": True, "show_labels": True}),
    ("get pods -l app=web", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb", {}),
    ("get nodes -o wide", "/api/v1/nodes", {"wide": True}),
    ("get namespaces", "/api/v1/namespaces", {}),
]


TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"


def table(kubeconfig, path):
    """The server's Table for `path`, as kubectl asks for it."""
    return request(kubeconfig, "GET", path, accept=TABLE)[1]


BAD_POD = """apiVersion: v1
kind: Pod
metadata: {name: Bad_Name}
spec:
  containers: [{name: c}]
"""

ONE_CAUSE = """apiVersion: v1
kind: Pod
metadata: {name: one-cause}
spec:
  containers: [{name: c}]
"""

EXISTING = """apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{name: c, image: nginx}]
"""


def request(kubeconfig, method, path, body=None, token=None, accept="application/json"):
    """The server's answer (status code and body) to one request."""
    import yaml
    conf = yaml.safe_load(open(kubeconfig))
    cluster = conf["clusters"][0]["cluster"]
    ctx = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(cluster["server"] + path, data=data, method=method, headers={
        "Authorization": "Bearer " + (token or conf["users"][0]["user"]["token"]),
        "Content-Type": "application/json",
        "Accept": accept,
    })
    try:
        with urllib.request.urlopen(req, context=ctx) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def errors(kubeconfig):
    """Failing lines: the Status the server answered, and what kubectl printed on stderr."""
    import yaml
    tmp = tempfile.mkdtemp()
    out = []

    def case(line, args, method, path, manifest=None, context=None, token=None):
        body = yaml.safe_load(manifest) if manifest else None
        code, status = request(kubeconfig, method, path, body, token)
        env = dict(os.environ, KUBECONFIG=kubeconfig)
        if token:
            bad = os.path.join(tmp, "bad-token")
            conf = yaml.safe_load(open(kubeconfig))
            conf["users"][0]["user"]["token"] = token
            with open(bad, "w") as f:
                yaml.safe_dump(conf, f)
            env["KUBECONFIG"] = bad
        run = subprocess.run(["kubectl", *args], env=env, capture_output=True, text=True, cwd=tmp)
        out.append({"line": line, "code": code, "status": status, "context": context, "stderr": run.stderr})

    for name, text in [("bad.yaml", BAD_POD), ("one.yaml", ONE_CAUSE), ("existing.yaml", EXISTING)]:
        with open(os.path.join(tmp, name), "w") as f:
            f.write(text)
    pods = "/api/v1/namespaces/default/pods"
    case("get pod nosuch", ["get", "pod", "nosuch"], "GET", pods + "/nosuch")
    case("create -f existing.yaml", ["create", "-f", "existing.yaml"], "POST", pods, EXISTING,
         'error when creating "existing.yaml"')
    case("create -f bad.yaml", ["create", "-f", "bad.yaml"], "POST", pods, BAD_POD, 'error when creating "bad.yaml"')
    case("create -f one.yaml", ["create", "-f", "one.yaml"], "POST", pods, ONE_CAUSE, 'error when creating "one.yaml"')
    case("delete pod nosuch", ["delete", "pod", "nosuch"], "DELETE", pods + "/nosuch")
    case("get pods (bad token)", ["get", "pods"], "GET", pods, token="not-the-token")
    return out


RAW = {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "raw"},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    "x-values": {
        "floats": [1.5, 0.1, 100.0, 1e21, 1e20, 1e-7, 123456789.125, -2.5, 3.0e10],
        "ints": [0, -1, 9007199254740993, 18446744073709551615],
        "nested": [[1, 2], [], [["deep"], [[]]], {}, [{"a": 1}, {"b": []}]],
        "empty": {}, "emptyList": [], "bools": [True, False], "none": None,
        "mixed": [{"a": [], "b": {}}, [{}], None, "s"],
        "strings": ["", "1:20", "12:30:45", "1_000", "+1", ".5", "1.", "190:20:30.15", "0:30", "1:60",
                    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2002-1-2", "20-01-02",
                    "-", "- ", "--- x", "... x", "?", "a:b", "a :b", "#", "a#b", "-1.5e+3", "0b101", "0o7"],
    },
}




def wordy(seed, n):
    """`n` long strings of words and runs of spaces, some needing single or double quotes
    (a `: `, a tab, an escape), to cross go-yaml's 80-column folding at every offset."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        words = []
        while sum(len(w) + 1 for w in words) < rnd.randint(70, 240):
            w = "".join(rnd.choice("abcdefghij") for _ in range(rnd.randint(1, 14)))
            words.append(w + rnd.choice(["", "", "", ":", "'", "\u00e9", "\\", '"']))
        text = ""
        for w in words:
            text += w + " " * rnd.choice([1, 1, 1, 1, 2, 3])
        extra = rnd.choice(["", "", "", ": x", "\t", "\u0007", "\r", "\u2028", "\u00a0"])
        at = rnd.randint(0, len(text))
        out.append((text[:at] + extra + text[at:]).rstrip(rnd.choice(["", " "])))
    return out


# Escapes go-yaml writes inside double quotes, and text YAML 1.1 reads as another type
# (or nearly: one character off) that must be quoted or must not.
ESCAPES = ["tab\tls\u2028x", "tab\tps\u2029x", "nul\u0000x", "bs\bx", "vt\u000bx", "ff\fx", "cr\rx",
           "esc\u001bx", "nel\u0085x", "ls\u2028x", "ps\u2029x", "del\u007fx", "c1\u0080x", "mid\ufeffbom",
           "nbsp\u00a0x", "\U0001F680 \t"]
NEAR_TYPES = ["0x", "0xg", "0x1F", "0o", "0o8", "0o7", "0b", "0b2", "1a", "+", "-0x1", "1e", "e5", "1.5.5", ".",
              "+.5", "1.e5", "1__0", "_1", "1:2:3", "1:2.5", "1:", ":1", "1::2", "-1:30", "1:30.5:2", "1:60:2",
              "1_0:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "2001-12-14T21:59:43Z",
              "2001-12-14 21:59", "2001-1-1", "2001-12-14T", "2001-12-14X21:59:43", "2001-12-14T1:2:3",
              "2001-12-14T21:59:43+05", "201-12-14", "2001-123-1", "2001-12-1a", "2001-12", "2001-12-14T21:59:4a",
              "2001-13-01", "2001-02-29", "2000-02-29", "1900-02-29", "2001-04-31", "2001-00-10", "2001-1-0",
              "2001-12-14T24:00:00Z", "2001-12-14T23:60:00Z", "2001-12-14T21:59:60Z", "2001-12-14T21:59:43z",
              "2001-12-14T21:59:43+24:00", "2001-12-14T21:59:43+25:00", "2001-12-14T21:59:43+05:61",
              "2001-12-14T21:59:43.Z", "2001-12-14 21:59:43,5", "2001-12-14 21:59:43Z", "2001-12-14T21:59:43+0500",
              "12345-01-01", "2001-12-14T021:59:43Z", "2001-12-14T1:2:3Z", "2001-12-14t1:2:3.5-01:30",
              "1e400", "-1e400", "1e-400", "1.5e", "1.5e+", "e", ".e5", "-.5", "5.e-3", "1E5", "+1e+5", "1e5.5",
              "2001x12-14", "200a-12-14", "2001-", "1:30.5", "1:30:5.5", "1:3_0", "1:30._5"]
# Keys in go-yaml's order: digit runs as numbers, non-letters before letters. (Its order
# is not transitive for some sets, e.g. a002/a02/a1b, where Go's sort then follows the
# map's random order; these keys avoid that, and raw_values checks kubectl agrees twice.)
KEY_ORDER = ["a2", "a1b", "a1", "A1", "_a", "~a", "a_", "a-1", "a.1", "01", "001", "10", "2", "b", "B", "é", "ä1",
             "x0y", "x00y", "x01y", "x10y", "ab", "a", "abc", "a b", "a/b", "a:b", "v1.10", "v1.9", "v1.9a", "v1.09",
             "0", "00", "0a", "a0", "a00", "a0b", "a00b", "z9z", "z10z", "app10", "app2", "node-10", "node-9",
             "hugepages-1Gi", "hugepages-2Mi"]


DOCS = [
    {}, [], [1, "two", None], [{"a": 1, "b": [1, 2]}, {}], [[1, [2, [3, {"k": [4]}]]], [[]], [{}]],
    {"a": [[{"x": 1, "y": [[2, 3], {"z": []}]}]]}, "text", 42, None, True, "a: b",
    # Block and folded strings take their indentation from where the sequence sits.
    ["line one\nline two\n", "a long sequence item that has to fold at eighty columns because it goes on and on",
     "tab\tand a long double-quoted item that has to fold at eighty columns as it goes on", [" x\ny", "p\nq"]],
    {"a": {"b": {"c": ["line one\nline two", "another long item that folds at eighty columns since it is deep down"]}}},
    {"escapes": ESCAPES, "types": NEAR_TYPES},
    {k: i for i, k in enumerate(KEY_ORDER)},
    # Top-level strings: continuation lines, blocks and folds are indented by 2.
    "ls\u2028top", "word " * 20 + "w\u2028z", "top\nlevel\n", " lead\nx",
    "tab\tand a long double-quoted top-level string that folds past eighty columns",
    # Double quotes folded at double spaces: each new line starts with a kept `\ `.
    {"folds": ["\t" + "word  " * 40, "\t" + "ab  " * 60]},
    # Two keys each, one rule each: a non-letter above the letters' code points, a zero
    # inside a number (counted from 1) or leading one (not).
    {"~a": 1, "a": 2}, {"a": 1, "~a": 2}, {"a1050": 1, "a159": 2}, {"a0050": 1, "a059": 2}, {"x-1": 1, "x1": 2},
    wordy(1, 30),
    {"k": {"deeper": {"key-with-a-longer-name": wordy(2, 30)}},
     "top": wordy(3, 1)[0]},
    {f"key{i}": w for i, w in enumerate(wordy(4, 30))},
]


def raw_values(kubeconfig):
    """Arbitrary JSON as kubectl's YAML printer writes it: a manifest with a field no Pod
    has, applied without validation, keeps it in its last-applied annotation, which
    `apply view-last-applied -o yaml` converts as `-o yaml` does."""
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "raw.json")
    with open(path, "w") as f:
        json.dump(RAW, f)
    env = dict(os.environ, KUBECONFIG=kubeconfig)
    subprocess.run(["kubectl", "apply", "--validate=false", "-f", path], env=env, capture_output=True, check=True)
    pod = json.loads(kubectl(["get", "pod", "raw", "-o", "json"], kubeconfig))
    annotation = pod["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    printed = kubectl(["apply", "view-last-applied", "pod/raw", "-o", "yaml"], kubeconfig)
    out = [{"json": annotation, "yaml": printed}]
    # Any JSON document, the top level included, goes through the same converter when
    # it is the annotation's text.
    for doc in DOCS:
        # Raw UTF-8 as Go's encoder writes it (go-yaml refuses an escaped surrogate pair),
        # with the characters its reader would refuse or fold escaped.
        text = "".join(c if not (0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029") else "\\u%04x" % ord(c)
                       for c in json.dumps(doc, ensure_ascii=False))
        kubectl(["annotate", "--overwrite", "pod/raw", "kubectl.kubernetes.io/last-applied-configuration=" + text],
                kubeconfig)
        printed = [kubectl(["apply", "view-last-applied", "pod/raw", "-o", "yaml"], kubeconfig) for _ in range(3)]
        if len(set(printed)) != 1:
            sys.exit(f"kubectl printed {text[:60]}... differently from run to run")
        out.append({"json": text, "yaml": printed[0]})
    return out


def lists(kubeconfig):
    """`get` of several pods prints a List kubectl builds; with none it holds `items: []`."""
    kubectl(["create", "namespace", "empty"], kubeconfig)
    out = []
    for line in ["get pods -n empty", "get pods -l app=init"]:
        doc = kubectl([*line.split(), "-o", "json"], kubeconfig)
        out.append({"line": line, "doc": json.loads(doc), "json": doc,
                    "yaml": kubectl([*line.split(), "-o", "yaml"], kubeconfig)})
    return out


def tables(kubeconfig):
    """Each get line's Table and what kubectl printed, taken when the table held still."""
    out = []
    for line, path, opts in GETS:
        for _ in range(20):
            before = table(kubeconfig, path)
            printed = kubectl(line.split()[0:], kubeconfig)
            after = table(kubeconfig, path)
            if before["rows"] == after["rows"]:
                out.append({"line": line, "opts": opts, "table": before, "printed": printed})
                break
            time.sleep(0.3)
        else:
            sys.exit(f"{line}: the table kept changing")
    return out


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else None
    binary = os.path.join(ROOT, "target", "debug", "kubectl-podsh")
    kubeconfig = os.path.join(tempfile.mkdtemp(), "kubeconfig")
    sim = subprocess.Popen([binary, "sim", "--kubeconfig-out", kubeconfig, "--kill-delay-ms", "600000",
                            "--backoff-ms", "600000", "--backoff-max-ms", "600000"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(kubeconfig):
                break
            time.sleep(0.05)
        kubectl(["apply", "-f", "-"], kubeconfig, MANIFESTS)
        for r in RUNS:
            kubectl(r, kubeconfig)
        deadline = time.time() + 60
        while True:
            st = status_of(kubeconfig)
            if all(st.get(k) == v for k, v in WAIT.items()) and st.get("dying") == "Running":
                break
            if time.time() > deadline:
                sys.exit(f"pods did not settle: {st}")
            time.sleep(0.3)
        for a in AFTER:
            kubectl(a, kubeconfig)
        uid = json.loads(kubectl(["get", "pod", "kitchen", "-o", "json"], kubeconfig))["metadata"]["uid"]
        event = dict(EVENT, involvedObject=dict(EVENT["involvedObject"], uid=uid),
                     firstTimestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     lastTimestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        kubectl(["create", "-f", "-"], kubeconfig, json.dumps(event))
        deadline = time.time() + 30
        while "running" not in kubectl(["get", "pod", "debugged", "-o",
                                        "jsonpath={.status.ephemeralContainerStatuses[0].state}"], kubeconfig):
            if time.time() > deadline:
                sys.exit("the debug container did not start")
            time.sleep(0.3)
        time.sleep(1.5)
        cases = [json.dumps(capture(name, kubeconfig), ensure_ascii=False, sort_keys=True)
                 for name in sorted(status_of(kubeconfig))]
        gets = [json.dumps(t, ensure_ascii=False, sort_keys=True) for t in tables(kubeconfig)]
        failures = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in errors(kubeconfig)]
        raws = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in raw_values(kubeconfig)]
        listed = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in lists(kubeconfig)]
        if target is None:
            print("\n".join(cases))
            return
        with open(os.path.join(target, "kubectl_cases.jsonl"), "w") as f:
            f.write("\n".join(cases) + "\n")
        with open(os.path.join(target, "tables.jsonl"), "w") as f:
            f.write("\n".join(gets) + "\n")
        with open(os.path.join(target, "errors.jsonl"), "w") as f:
            f.write("\n".join(failures) + "\n")
        with open(os.path.join(target, "raw_yaml.jsonl"), "w") as f:
            f.write("\n".join(raws) + "\n")
        with open(os.path.join(target, "lists.jsonl"), "w") as f:
            f.write("\n".join(listed) + "\n")
    finally:
        sim.terminate()


if __name__ == "__main__":
    main()
