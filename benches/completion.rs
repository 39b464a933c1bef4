//! Completion latency and memory with 10,000 pods cached, and how long a live cache takes
//! to fill from the simulator. Run: `cargo bench --bench completion`. Prints figures; it
//! asserts nothing (timings belong to measurements, not to tests that flake).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use podsh::cache::{Cache, PodInfo};
use podsh::cache_feeder::Feeder;
use podsh::repl::helper::candidates;
use podsh::repl::names::{LiveNames, View};
use podsh::sim::{SimOptions, Simulator};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn measure(names: &LiveNames, line: &str, rounds: usize) -> (Duration, Duration, usize) {
    let mut times = Vec::with_capacity(rounds);
    let mut found = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let (_, c, _) = candidates(line, line.len(), names);
        times.push(t.elapsed());
        found = c.len();
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99), found)
}

fn main() {
    const PODS: usize = 10_000;
    let cache = Cache::default();
    let pods = (0..PODS).map(|i| {
        let info = PodInfo {
            namespace: "default".into(),
            status: "Running".into(),
            phase: "Running".into(),
            containers: vec!["app".into()],
            ports: vec![80],
            labels: [("app".to_string(), format!("svc-{}", i % 50))].into_iter().collect(),
            detail: None,
        };
        (format!("pod-{i:05}"), info)
    });
    cache.insert_pods("sim", Some("default"), pods);
    cache.insert_namespaces("sim", &["default", "kube-system", "kube-public"]);
    let view =
        View { context: "sim".into(), namespace: "default".into(), contexts: vec!["sim".into()], ..View::default() };
    let names = LiveNames { cache: cache.clone(), feeder: None, view: Arc::new(Mutex::new(view)) };
    println!("completion with {PODS} pods cached (median / p99, candidates):");
    for line in [
        "describe pod pod-0999",
        "describe pod pod-09",
        "logs pod-00042 -c ",
        "get pods -l app=svc-4",
        "ns k",
        "describe pod ",
    ] {
        let (p50, p99, n) = measure(&names, line, 2_000);
        println!("  {line:<26} {:>9.1} µs / {:>9.1} µs  {n:>6}", p50.as_secs_f64() * 1e6, p99.as_secs_f64() * 1e6);
    }
    println!("cache memory for {PODS} pods: ~{} KiB", cache.approx_bytes() / 1024);

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let started = Instant::now();
    let sim = rt
        .block_on(Simulator::start("127.0.0.1:0", SimOptions { pods: PODS, ..SimOptions::default() }))
        .expect("simulator");
    println!("simulator with {PODS} running pods ready in {:.2} s", started.elapsed().as_secs_f64());
    let kc = kube::config::Kubeconfig::from_yaml(&sim.kubeconfig("sim")).expect("kubeconfig");
    let live = Cache::default();
    let feeder = Feeder::spawn(rt.handle(), live.clone(), kc);
    let t = Instant::now();
    feeder.want_pods("sim", Some("default"));
    while live.pod_names("sim", Some("default"), "").len() < PODS && t.elapsed() < Duration::from_secs(60) {
        live.wait_pods("sim", Some("default"), Duration::from_millis(50));
    }
    println!(
        "live cache filled with {} pods (list + watch) in {:.2} s",
        live.pod_names("sim", Some("default"), "").len(),
        t.elapsed().as_secs_f64()
    );
}
