//! `kubectl-podsh sim`: runs the simulator in the foreground, prints the one
//! `listening on URL` line, writes the kubeconfig, and exits 0 on SIGINT or SIGTERM.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;

use crate::cli::SimArgs;
use crate::sim::faults::Faults;
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
        faults: Faults {
            fault_rate: args.fault_rate,
            answers: Vec::new(),
            latency: args.latency_ms.map_or(Duration::ZERO, |l| l.0),
            jitter: args.latency_ms.map_or(Duration::ZERO, |l| l.1),
            drop_streams_after: args.drop_watches_every,
            stall_rate: args.stall_rate,
        },
        fault_seed: args.fault_seed,
        ..SimOptions::default()
    };
    if let Some(warning) = exposure(&args.listen) {
        eprintln!("{warning}");
    }
    let sim =
        Simulator::start(&args.listen, opts).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    if let Some(path) = &args.kubeconfig_out {
        sim.write_kubeconfig(path, "sim").with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", sim.url())?;
    out.flush()?;
    drop(out);
    let mut sim = sim;
    serve_until_terminated(&mut sim).await;
    sim.stop().await;
    Ok(())
}

/// Serves until SIGINT or SIGTERM; a SIGHUP restarts the listener on the same address
/// (every connection and stream cut, one second down), as a restarted API server would.
async fn serve_until_terminated(sim: &mut Simulator) {
    // Windows has no SIGHUP: the listener is not restarted there.
    #[cfg(not(unix))]
    let _ = sim;
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut hup) = signal(SignalKind::hangup()) {
            let done = terminated();
            tokio::pin!(done);
            loop {
                tokio::select! {
                    _ = &mut done => return,
                    _ = hup.recv() => {
                        if let Err(e) = sim.restart_listener(Duration::from_secs(1)).await {
                            eprintln!("error: cannot listen again on {}: {e}", sim.addr());
                            return;
                        }
                    }
                }
            }
        }
    }
    terminated().await;
}

/// The warning for a listen address other clients can reach: the simulator's token and
/// its cluster are meant for this machine.
fn exposure(listen: &str) -> Option<String> {
    let host = listen.rsplit_once(':').map_or(listen, |(h, _)| h).trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!(
            "warning: listening on {listen}, which other machines can reach: anyone with the token can change this cluster (use 127.0.0.1 to keep it local)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_quiet() {
        for quiet in ["127.0.0.1:0", "127.0.0.9:8443", "[::1]:6443", "localhost:6443"] {
            assert_eq!(exposure(quiet), None, "{quiet}");
        }
        for loud in ["0.0.0.0:6443", "[::]:6443", "192.168.1.5:0", "example.com:443"] {
            assert!(exposure(loud).is_some_and(|w| w.starts_with("warning: listening on")), "{loud}");
        }
    }

    #[test]
    fn forbid_specs() {
        let ok = forbidden(&["list:namespaces".into(), "get:pods".into()]).expect("valid");
        assert_eq!(ok, [("list".to_string(), "namespaces".to_string()), ("get".into(), "pods".into())]);
        assert!(forbidden(&["list".into()]).is_err());
        assert!(forbidden(&[":pods".into()]).is_err());
    }
}
