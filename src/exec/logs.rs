//! `logs NAME`: kubectl's container choice (`kubectl.kubernetes.io/default-container`,
//! else the first, announced on stderr), its client-side check of `-c`, and the log
//! stream written chunk by chunk (`-f` runs until the container stops or Ctrl-C).

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::core::subresource::LogParams;

use super::{Io, emit};
use crate::cluster::Resource;
use crate::command::parse::Logs;
use crate::error::{Error, Result};
use crate::session::Session;

pub async fn logs(session: &mut Session, l: Logs, io: &mut Io<'_>) -> Result<()> {
    let (cluster, ns, _) = session.resolve(&l.scope).await?;
    let pod: Pod = match cluster.get(Resource::Pods, Some(&ns), &l.name).await {
        Ok(p) => p,
        Err(Error::Api { status, .. }) if status.code == 404 => {
            return Err(Error::msg(format!("error from server (NotFound): {} in namespace \"{ns}\"", status.message)));
        }
        Err(e) => return Err(e),
    };
    let spec = pod.spec.clone().unwrap_or_default();
    let container = match &l.container {
        Some(c) => {
            let known = spec.containers.iter().chain(spec.init_containers.iter().flatten()).any(|x| x.name == *c);
            if !known {
                return Err(Error::msg(format!("container {c} is not valid for pod {}", l.name)));
            }
            c.clone()
        }
        None => {
            let annotated = pod
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
                .cloned();
            let chosen = annotated.or_else(|| spec.containers.first().map(|c| c.name.clone())).unwrap_or_default();
            let all: Vec<String> = spec
                .containers
                .iter()
                .map(|c| c.name.clone())
                .chain(spec.init_containers.iter().flatten().map(|c| format!("{} (init)", c.name)))
                .collect();
            if all.len() > 1 {
                emit(io.err, &format!("Defaulted container \"{chosen}\" out of: {}\n", all.join(", ")))?;
            }
            chosen
        }
    };
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
