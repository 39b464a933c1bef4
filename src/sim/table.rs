//! Server-side printing: `meta.k8s.io/v1` Table responses for pods, namespaces, events and
//! nodes, with the column definitions and cell rules of kubernetes
//! `pkg/printers/internalversion/printers.go`.

use std::ops::Range;

use k8s_openapi::api::core::v1::{Event, Namespace, Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

use crate::common::podstatus::pod_row;

use super::kinds::Kind;
pub use super::row::Cell;
use super::row::{Printed, Row};
use super::status::ApiError;

const NAME_DOC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DOC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const POD_IP_DOC: &str =
    "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.";
const NODE_NAME_DOC: &str = "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename";
const NOMINATED_DOC: &str = "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.";
const GATES_DOC: &str = "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates";

/// What `row.object` carries (the `includeObject` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    None,
    Metadata,
    Object,
}

impl Include {
    pub fn parse(v: Option<&str>) -> Result<Self, ApiError> {
        match v {
            None | Some("") | Some("Metadata") => Ok(Include::Metadata),
            Some("None") => Ok(Include::None),
            Some("Object") => Ok(Include::Object),
            Some(x) => Err(ApiError::bad_request(format!("unrecognized includeObject value: \"{x}\""))),
        }
    }
}

/// The Name column every kind's table starts with.
pub fn name_column() -> Value {
    col("Name", "name", NAME_DOC, 0)
}

/// The Age column of a kind's table.
pub fn age_column() -> Value {
    col("Age", "", AGE_DOC, 0)
}

fn col(name: &str, format: &str, description: &str, priority: i32) -> Value {
    json!({"name": name, "type": "string", "format": format, "description": description, "priority": priority})
}

/// A kind that the server can print as a table.
pub trait Printable: Kind {
    fn columns() -> Vec<Value>;
    /// The row's cells; those that depend on the clock are `Cell::Age`/`Cell::Restarts`.
    fn cells(&self) -> Vec<Cell>;
    fn row_conditions(&self) -> Option<Value> {
        None
    }
    /// The object as much as its row needs, from its encoding (all of it by default), and
    /// where its metadata sits in the encoding.
    fn printable(bytes: &[u8]) -> Option<(Self, Option<Range<usize>>)> {
        let obj = serde_json::from_slice(bytes).ok()?;
        let meta = serde_json::from_slice::<Raw<'_>>(bytes).ok().and_then(|r| r.metadata);
        Some((obj, meta.and_then(|m| crate::common::span::span(bytes, m.get()))))
    }
}

fn s(v: Option<&String>) -> Cell {
    Cell::Text(v.cloned().unwrap_or_else(|| "<none>".into()))
}

pub fn text(v: impl Into<String>) -> Cell {
    Cell::Text(v.into())
}

/// The age of an object (time since `t`).
pub fn age(t: Option<&Time>) -> Cell {
    Cell::Age(t.map(|t| t.0.as_second()))
}

impl Printable for Pod {
    fn printable(bytes: &[u8]) -> Option<(Self, Option<Range<usize>>)> {
        crate::common::podlite::decode_spanned(bytes).map(|(pod, meta)| (pod, Some(meta)))
    }
    fn columns() -> Vec<Value> {
        vec![
            name_column(),
            col("Ready", "", "The aggregate readiness state of this pod for accepting traffic.", 0),
            col("Status", "", "The aggregate status of the containers in this pod.", 0),
            col(
                "Restarts",
                "",
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
                0,
            ),
            age_column(),
            col("IP", "", POD_IP_DOC, 1),
            col("Node", "", NODE_NAME_DOC, 1),
            col("Nominated Node", "", NOMINATED_DOC, 1),
            col("Readiness Gates", "", GATES_DOC, 1),
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let c = pod_row(self);
        let status = self.status.as_ref();
        let ip = status.and_then(|s| s.pod_ips.as_ref()).and_then(|ips| ips.first()).map(|i| i.ip.clone());
        let gates = self.spec.as_ref().and_then(|s| s.readiness_gates.as_ref()).filter(|g| !g.is_empty());
        let gates_cell = match gates {
            None => "<none>".to_string(),
            Some(g) => {
                let conds = status.and_then(|s| s.conditions.as_ref());
                let ok = g
                    .iter()
                    .filter(|gate| {
                        conds.is_some_and(|cs| cs.iter().any(|c| c.type_ == gate.condition_type && c.status == "True"))
                    })
                    .count();
                format!("{ok}/{}", g.len())
            }
        };
        vec![
            text(self.metadata.name.clone().unwrap_or_default()),
            text(c.ready),
            text(c.status),
            Cell::Restarts(c.restarts, c.last_restart.map(|t| t.as_second())),
            age(self.metadata.creation_timestamp.as_ref()),
            text(ip.unwrap_or_else(|| "<none>".into())),
            s(self.spec.as_ref().and_then(|s| s.node_name.as_ref())),
            s(status.and_then(|s| s.nominated_node_name.as_ref())),
            text(gates_cell),
        ]
    }
    fn row_conditions(&self) -> Option<Value> {
        match self.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Succeeded") => Some(
                json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]),
            ),
            Some("Failed") => {
                Some(json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]))
            }
            _ => None,
        }
    }
}

impl Printable for Namespace {
    fn columns() -> Vec<Value> {
        vec![name_column(), col("Status", "", "The status of the namespace", 0), age_column()]
    }
    fn cells(&self) -> Vec<Cell> {
        let phase = self.status.as_ref().and_then(|s| s.phase.clone()).unwrap_or_default();
        vec![
            text(self.metadata.name.clone().unwrap_or_default()),
            text(phase),
            age(self.metadata.creation_timestamp.as_ref()),
        ]
    }
}

impl Printable for Event {
    fn columns() -> Vec<Value> {
        vec![
            col("Last Seen", "", "", 0),
            col("Type", "", "", 0),
            col("Reason", "", "", 0),
            col("Object", "", "", 0),
            col("Subobject", "", "", 1),
            col("Source", "", "", 1),
            col("Message", "", "", 0),
            col("First Seen", "", "", 1),
            col("Count", "", "", 1),
            col("Name", "", "", 1),
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let first = self.event_time.as_ref().map(|t| t.0).or(self.first_timestamp.as_ref().map(|t| t.0));
        let last = self.last_timestamp.as_ref().map(|t| t.0).or(first);
        let o = &self.involved_object;
        let source = self.source.as_ref().map(|s| {
            let comp = s.component.clone().unwrap_or_default();
            match &s.host {
                Some(h) if !h.is_empty() => format!("{comp}, {h}"),
                _ => comp,
            }
        });
        let count = self.series.as_ref().and_then(|s| s.count).or(self.count).filter(|c| *c != 0).unwrap_or(1);
        vec![
            Cell::Age(last.map(|t| t.as_second())),
            text(self.type_.clone().unwrap_or_default()),
            text(self.reason.clone().unwrap_or_default()),
            text(format!(
                "{}/{}",
                o.kind.clone().unwrap_or_default().to_lowercase(),
                o.name.clone().unwrap_or_default()
            )),
            text(o.field_path.clone().unwrap_or_default()),
            text(source.unwrap_or_default()),
            text(self.message.clone().unwrap_or_default().trim()),
            Cell::Age(first.map(|t| t.as_second())),
            Cell::Int(i64::from(count)),
            text(self.metadata.name.clone().unwrap_or_default()),
        ]
    }
}

impl Printable for Node {
    fn columns() -> Vec<Value> {
        vec![
            name_column(),
            col("Status", "", "The status of the node", 0),
            col("Roles", "", "The roles of the node", 0),
            age_column(),
            col("Version", "", "Kubelet Version reported by the node.", 0),
            col(
                "Internal-IP",
                "",
                "List of addresses reachable to the node. Queried from cloud provider, if available.",
                1,
            ),
            col(
                "External-IP",
                "",
                "List of addresses reachable to the node. Queried from cloud provider, if available.",
                1,
            ),
            col(
                "OS-Image",
                "",
                "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
                1,
            ),
            col(
                "Kernel-Version",
                "",
                "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
                1,
            ),
            col(
                "Container-Runtime",
                "",
                "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
                1,
            ),
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let st = self.status.as_ref();
        let ready = st.and_then(|s| s.conditions.as_ref()).and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
        let mut status = match ready.map(|c| c.status.as_str()) {
            Some("True") => "Ready".to_string(),
            Some(_) => "NotReady".to_string(),
            None => "Unknown".to_string(),
        };
        if self.spec.as_ref().and_then(|s| s.unschedulable).unwrap_or(false) {
            status.push_str(",SchedulingDisabled");
        }
        let mut roles: Vec<String> = self
            .metadata
            .labels
            .iter()
            .flatten()
            .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/").map(str::to_string))
            .collect();
        roles.sort();
        let roles = if roles.is_empty() { "<none>".to_string() } else { roles.join(",") };
        let addr = |t: &str| {
            st.and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|x| x.type_ == t))
                .map_or("<none>".to_string(), |a| a.address.clone())
        };
        let info = st.and_then(|s| s.node_info.as_ref());
        let i = |f: fn(&k8s_openapi::api::core::v1::NodeSystemInfo) -> &String| {
            info.map_or("<unknown>".to_string(), |n| f(n).clone())
        };
        vec![
            text(self.metadata.name.clone().unwrap_or_default()),
            text(status),
            text(roles),
            age(self.metadata.creation_timestamp.as_ref()),
            text(i(|n| &n.kubelet_version)),
            text(addr("InternalIP")),
            text(addr("ExternalIP")),
            text(i(|n| &n.os_image)),
            text(i(|n| &n.kernel_version)),
            text(i(|n| &n.container_runtime_version)),
        ]
    }
}

/// The parts of an encoded object a row splices in without decoding them.
#[derive(serde::Deserialize)]
struct Raw<'a> {
    #[serde(borrow)]
    metadata: Option<&'a serde_json::value::RawValue>,
}

/// The row of the object encoded as `bytes`; `None` when the bytes are not such an object.
pub fn row<K: Printable>(bytes: &[u8]) -> Option<Row> {
    let (obj, meta) = K::printable(bytes)?;
    let rv = obj.metadata().resource_version.as_deref().unwrap_or_default();
    Some(Row::new(&obj.cells(), obj.row_conditions().as_ref(), meta, rv))
}

/// The row kept in `printed` (printed now if it is not yet), or one printed for this
/// use only, kept in `fresh`.
fn printed_row<'a, K: Printable>(
    bytes: &[u8],
    printed: Option<&'a Printed>,
    fresh: &'a mut Option<Row>,
) -> Option<&'a Row> {
    if let Some(r) = printed.and_then(Printed::get) {
        return Some(r);
    }
    let r = row::<K>(bytes)?;
    Some(match printed {
        Some(cell) => cell.get_or_init(|| Box::new(r)),
        None => fresh.insert(r),
    })
}

/// One row for the object encoded as `bytes`, written onto `out`:
/// `{"cells":[...],"conditions":[...],"object":{...}}`, the clock's cells as of `now`
/// (seconds). `printed` is where the stored revision keeps its row: printed once, sent
/// by every list and watch after. The object (or its metadata) is the stored encoding
/// spliced in, so a row costs its cells, not a re-serialization.
pub fn write_row<K: Printable>(
    out: &mut Vec<u8>,
    bytes: &[u8],
    printed: Option<&Printed>,
    include: Include,
    now: i64,
) -> bool {
    let mut fresh = None;
    let Some(row) = printed_row::<K>(bytes, printed, &mut fresh) else { return false };
    write_printed(out, row, bytes, include, now);
    true
}

fn write_printed(out: &mut Vec<u8>, row: &Row, bytes: &[u8], include: Include, now: i64) {
    row.write(out, now);
    match include {
        Include::None => {}
        Include::Object => {
            out.extend_from_slice(b",\"object\":");
            out.extend_from_slice(bytes);
        }
        Include::Metadata => {
            out.extend_from_slice(
                b",\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":",
            );
            out.extend_from_slice(row.metadata(bytes).unwrap_or(b"{}"));
            out.push(b'}');
        }
    }
    out.push(b'}');
}

/// A Table's opening, up to the start of its rows; `headers` false omits the column
/// definitions (later watch events); `remaining` is the list's `remainingItemCount`.
pub fn head<K: Printable>(rv: &str, cont: Option<&str>, remaining: Option<usize>, headers: bool) -> Vec<u8> {
    let mut meta = json!({"resourceVersion": rv});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    if let Some(n) = remaining {
        meta["remainingItemCount"] = json!(n);
    }
    let columns = if headers { json!(K::columns()) } else { Value::Null };
    let head = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": columns});
    super::chunked::opening(&head, "rows")
}

/// A one-row Table of the object encoded as `bytes` (a GET, a watch event), at the
/// object's resourceVersion; `None` when the bytes are not such an object.
pub fn single<K: Printable>(
    bytes: &[u8],
    printed: Option<&Printed>,
    include: Include,
    headers: bool,
) -> Option<Vec<u8>> {
    let mut fresh = None;
    let row = printed_row::<K>(bytes, printed, &mut fresh)?;
    let mut out = head::<K>(row.revision(), None, None, headers);
    write_printed(&mut out, row, bytes, include, k8s_openapi::jiff::Timestamp::now().as_second());
    out.extend_from_slice(b"]}");
    Some(out)
}

/// Whether the Accept header asks for a Table.
pub fn wants_table(accept: &str) -> bool {
    accept.split(',').any(|part| part.contains("as=Table"))
}

pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

#[cfg(test)]
mod tests {
    use super::*;

    /// Pods whose rows exercise every status field a row reads.
    fn pods() -> Vec<Value> {
        let t = "2026-11-28T00:00:00Z";
        vec![
            json!({"metadata": {"name": "run", "creationTimestamp": t, "managedFields": [{"manager": "m"}]},
                "spec": {"nodeName": "node-1", "containers": [{"name": "a", "image": "nginx"}],
                    "volumes": [{"name": "v", "emptyDir": {}}]},
                "status": {"phase": "Running", "podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}],
                    "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": t}],
                    "containerStatuses": [{"name": "a", "ready": true, "restartCount": 3, "started": true,
                        "image": "nginx", "imageID": "x", "state": {"running": {"startedAt": t}},
                        "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": t}}}]}}),
            json!({"metadata": {"name": "init", "creationTimestamp": t, "deletionTimestamp": t},
                "spec": {"initContainers": [{"name": "i", "restartPolicy": "Always"}, {"name": "j"}],
                    "containers": [{"name": "a"}], "readinessGates": [{"conditionType": "x/y"}]},
                "status": {"phase": "Pending", "nominatedNodeName": "node-2",
                    "conditions": [{"type": "x/y", "status": "True"}],
                    "initContainerStatuses": [
                        {"name": "i", "ready": false, "restartCount": 0, "image": "", "imageID": "",
                            "state": {"terminated": {"exitCode": 0, "signal": 9, "reason": "Killed"}}},
                        {"name": "j", "ready": false, "restartCount": 2, "image": "", "imageID": "",
                            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "m"}}}],
                    "containerStatuses": [{"name": "a", "ready": false, "restartCount": 0, "image": "",
                        "imageID": "", "state": {"waiting": {"reason": "PodInitializing"}}}]}}),
            json!({"metadata": {"name": "done"}, "spec": {"containers": [{"name": "a"}]},
                "status": {"phase": "Failed", "reason": "Evicted"}}),
            json!({"metadata": {"name": "bare"}}),
        ]
    }

    #[test]
    fn a_pods_row_from_its_partial_decode_equals_the_full_ones() {
        for v in pods() {
            let bytes = serde_json::to_vec(&v).expect("json");
            let full: Pod = serde_json::from_slice(&bytes).expect("pod");
            let (partial, meta) = Pod::printable(&bytes).expect("printable");
            assert_eq!(full.cells(), partial.cells(), "{v}");
            assert_eq!(full.row_conditions(), partial.row_conditions(), "{v}");
            let meta = meta.map(|m| serde_json::from_slice::<Value>(&bytes[m]).expect("metadata"));
            assert_eq!(meta.as_ref(), v.get("metadata"), "{v}");
        }
    }

    #[test]
    fn a_pods_cells_are_the_printers_at_any_time() {
        let created = "2026-11-28T00:00:00Z".parse::<k8s_openapi::jiff::Timestamp>().expect("time").as_second();
        let bytes = serde_json::to_vec(&pods()[0]).expect("json");
        let mut out = Vec::new();
        assert!(write_row::<Pod>(&mut out, &bytes, None, Include::None, created + 7_260));
        let row: Value = serde_json::from_slice(&out).expect("row is JSON");
        let cells = json!(["run", "1/1", "Running", "3 (121m ago)", "121m", "10.0.0.1", "node-1", "<none>", "<none>"]);
        assert_eq!(row["cells"], cells);
    }

    #[test]
    fn a_revisions_row_is_printed_once_and_sent_at_the_time_of_sending() {
        let bytes = serde_json::to_vec(&pods()[0]).expect("json");
        let printed = Printed::new();
        let at = |now| {
            let mut out = Vec::new();
            assert!(write_row::<Pod>(&mut out, &bytes, Some(&printed), Include::None, now));
            serde_json::from_slice::<Value>(&out).expect("row is JSON")["cells"][4].clone()
        };
        let created = "2026-11-28T00:00:00Z".parse::<k8s_openapi::jiff::Timestamp>().expect("time").as_second();
        assert_eq!(at(created + 30), "30s");
        assert!(printed.get().is_some(), "kept after the first row");
        assert_eq!(at(created + 300), "5m", "the age moves on with the clock");
        // What is kept is what is sent: a different (wrong) cached row would show.
        let other = Printed::new();
        let _ = other.set(Box::new(row::<Pod>(&serde_json::to_vec(&pods()[2]).expect("json")).expect("row")));
        let mut out = Vec::new();
        assert!(write_row::<Pod>(&mut out, &bytes, Some(&other), Include::None, created));
        assert!(String::from_utf8_lossy(&out).contains("\"done\""));
    }

    #[test]
    fn rows_splice_the_object_or_its_metadata() {
        let now = 1_795_000_000;
        let v = &pods()[0];
        let bytes = serde_json::to_vec(v).expect("json");
        let row = |include| {
            let mut out = Vec::new();
            assert!(write_row::<Pod>(&mut out, &bytes, None, include, now));
            serde_json::from_slice::<Value>(&out).expect("row is JSON")
        };
        assert_eq!(row(Include::Object)["object"], *v);
        let meta = row(Include::Metadata);
        assert_eq!(meta["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(meta["object"]["metadata"], v["metadata"]);
        assert!(row(Include::None).get("object").is_none());
        assert_eq!(row(Include::None)["cells"][0], "run");
        assert!(!write_row::<Pod>(&mut Vec::new(), b"not json", None, Include::None, now));
        let mut stamped = v.clone();
        stamped["metadata"]["resourceVersion"] = json!("7");
        let bytes = serde_json::to_vec(&stamped).expect("json");
        let one = single::<Pod>(&bytes, None, Include::None, false).expect("a pod");
        let one: Value = serde_json::from_slice(&one).expect("table");
        assert_eq!(one["metadata"]["resourceVersion"], "7", "the table is at the object's version");
        assert!(one["columnDefinitions"].is_null());
        assert_eq!(one["rows"].as_array().map(Vec::len), Some(1));
    }
}
