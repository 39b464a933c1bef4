//! `logs NAME`: kubectl's container choice (`-c`, the `kubectl.kubernetes.io/default-container`
//! annotation, else the first, announced on stderr), its client-side check of the name,
//! and the log stream written chunk by chunk (`-f` runs until the container stops or
//! Ctrl-C).

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Pod, PodSpec};
use kube::core::subresource::LogParams;

use super::{Io, emit};
use crate::cluster::{Cluster, Resource};
use crate::command::parse::Logs;
use crate::error::{Error, Result};
use crate::session::Session;

/// Every container name of the pod, kubectl's way: containers, then ephemeral, then init.
fn all_names(spec: &PodSpec) -> String {
    let ephemeral = spec.ephemeral_containers.iter().flatten().map(|c| format!("{} (ephem)", c.name));
    let init = spec.init_containers.iter().flatten().map(|c| format!("{} (init)", c.name));
    spec.containers.iter().map(|c| c.name.clone()).chain(ephemeral).chain(init).collect::<Vec<_>>().join(", ")
}

fn exists(spec: &PodSpec, name: &str) -> bool {
    spec.containers.iter().any(|c| c.name == name)
        || spec.init_containers.iter().flatten().any(|c| c.name == name)
        || spec.ephemeral_containers.iter().flatten().any(|c| c.name == name)
}

/// kubectl's choice (polymorphichelpers `logsForObject`): `-c`, else the
/// `kubectl.kubernetes.io/default-container` annotation when it names a container, else
/// the first container, announced when there was a choice.
fn choose_container(pod: &Pod, given: Option<&str>, io: &mut Io<'_>) -> Result<String> {
    let spec = pod.spec.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut chosen = given.map(str::to_string);
    if chosen.is_none() {
        let annotated =
            pod.metadata.annotations.as_ref().and_then(|a| a.get("kubectl.kubernetes.io/default-container"));
        if let Some(d) = annotated.filter(|d| !d.is_empty()) {
            if exists(&spec, d) {
                chosen = Some(d.clone());
            } else {
                emit(io.err, &format!("Default container name {d:?} not found in pod {name}\n"))?;
            }
        }
    }
    let chosen = match chosen {
        Some(c) => c,
        None => {
            let first = spec.containers.first().map(|c| c.name.clone()).unwrap_or_default();
            let others = spec.containers.len() > 1
                || spec.init_containers.as_ref().is_some_and(|i| !i.is_empty())
                || spec.ephemeral_containers.as_ref().is_some_and(|e| !e.is_empty());
            if others {
                emit(io.err, &format!("Defaulted container \"{first}\" out of: {}\n", all_names(&spec)))?;
            }
            first
        }
    };
    if !exists(&spec, &chosen) {
        return Err(Error::msg(format!("container {chosen} is not valid for pod {name}")));
    }
    Ok(chosen)
}

/// The pod `name`, a missing one worded as kubectl's `logs` words it.
pub(super) async fn pod_or_not_found(cluster: &Cluster, ns: &str, name: &str) -> Result<Pod> {
    match cluster.get(Resource::Pods, Some(ns), name).await {
        Ok(p) => Ok(p),
        Err(Error::Api { status, .. }) if status.code == 404 => {
            Err(Error::msg(format!("error from server (NotFound): {} in namespace \"{ns}\"", status.message)))
        }
        Err(e) => Err(e),
    }
}

pub async fn logs(session: &mut Session, l: Logs, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&l.scope).await?;
    let pod = pod_or_not_found(&cluster, &ns, &l.name).await?;
    let container = choose_container(&pod, l.container.as_deref(), io)?;
    let lp = LogParams {
        container: Some(container),
        follow: l.follow,
        previous: l.previous,
        since_seconds: l.since,
        tail_lines: l.tail,
        timestamps: l.timestamps,
        ..LogParams::default()
    };
    let mut stream = cluster.logs(&ns, &l.name, &lp).await?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        io.out.write_all(&chunk).and_then(|_| io.out.flush()).map_err(|e| Error::msg(format!("write: {e}")))?;
    }
    Ok(())
}
