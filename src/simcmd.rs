//! `kubectl-podsh sim`: runs the simulator in the foreground, prints the one
//! `listening on URL` line, writes the kubeconfig, and exits 0 on SIGINT or SIGTERM.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;

use crate::cli::SimArgs;
use crate::sim::{SimOptions, Simulator, Timing};

fn timing(a: &SimArgs) -> Timing {
    let ms = Duration::from_millis;
    Timing {
        schedule: ms(a.schedule_delay_ms),
        pull: ms(a.pull_delay_ms),
        kill: ms(a.kill_delay_ms),
        backoff: ms(a.backoff_ms.max(1)),
        backoff_max: ms(a.backoff_max_ms.max(a.backoff_ms)),
        node_lost: ms(a.node_lost_ms),
    }
}

async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `VERB:RESOURCE` pairs of `--forbid`.
fn forbidden(specs: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    specs
        .iter()
        .map(|s| match s.split_once(':') {
            Some((v, r)) if !v.is_empty() && !r.is_empty() => Ok((v.to_string(), r.to_string())),
            _ => anyhow::bail!("--forbid {s:?}: expected VERB:RESOURCE, e.g. list:namespaces"),
        })
        .collect()
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let opts = SimOptions {
        nodes: args.nodes,
        pods: args.pods,
        namespaces: args.namespaces,
        timing: timing(&args),
        token: args.token.clone(),
        forbid: forbidden(&args.forbid)?,
        ..SimOptions::default()
    };
    let sim =
        Simulator::start(&args.listen, opts).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    if let Some(path) = &args.kubeconfig_out {
        sim.write_kubeconfig(path, "sim").with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", sim.url())?;
    out.flush()?;
    drop(out);
    terminated().await;
    sim.stop().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbid_specs() {
        let ok = forbidden(&["list:namespaces".into(), "get:pods".into()]).expect("valid");
        assert_eq!(ok, [("list".to_string(), "namespaces".to_string()), ("get".into(), "pods".into())]);
        assert!(forbidden(&["list".into()]).is_err());
        assert!(forbidden(&[":pods".into()]).is_err());
    }
}
