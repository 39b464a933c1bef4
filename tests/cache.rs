//! The completion cache against the simulator: names appear and disappear as pods come
//! and go (created by the real kubectl), the cache re-syncs after the simulator restarts,
//! and completing sends no request at all.

use std::time::{Duration, Instant};

use podsh::cache::Cache;
use podsh::cache_feeder::Feeder;
use podsh::repl::helper::candidates;
use podsh::repl::names::{LiveNames, View};
use podsh::sim::{SimOptions, Simulator};

use crate::util::{TestCluster, fast_timing, wait_for};

fn names_for(c: &TestCluster) -> LiveNames {
    let kc = kube::config::Kubeconfig::read_from(&c.kubeconfig).expect("kubeconfig");
    let cache = Cache::default();
    let feeder = Feeder::spawn(c.runtime().handle(), cache.clone(), kc);
    let view =
        View { context: "sim".into(), namespace: "default".into(), contexts: vec!["sim".into()], ..View::default() };
    LiveNames { cache, feeder: Some(feeder), view: std::sync::Arc::new(std::sync::Mutex::new(view)) }
}

fn offered(names: &LiveNames, line: &str) -> Vec<String> {
    candidates(line, line.len(), names).1.into_iter().map(|p| p.replacement.trim_end().to_string()).collect()
}

#[test]
fn pods_appear_and_disappear_within_a_second() {
    let c = TestCluster::start();
    let names = names_for(&c);
    assert_eq!(offered(&names, "describe pod "), Vec::<String>::new(), "cold cache answers within its bound");
    c.kubectl(&["run", "nginx", "--image=nginx"]).ok();
    let created = Instant::now();
    assert!(
        wait_for(Duration::from_secs(1), || offered(&names, "describe pod ng") == ["nginx"]),
        "offered within a second"
    );
    let seen_after = created.elapsed();
    c.kubectl(&["delete", "pod", "nginx", "--grace-period=0", "--force"]).ok();
    assert!(wait_for(Duration::from_secs(1), || offered(&names, "describe pod ng").is_empty()), "gone within a second");
    assert!(seen_after < Duration::from_secs(1));
    let shown: Vec<String> = candidates("ns ", 3, &names).1.into_iter().map(|p| p.display).collect();
    assert!(shown.contains(&"kube-system".to_string()), "{shown:?}");
}

#[test]
fn completion_sends_no_requests() {
    let c = TestCluster::with(SimOptions { pods: 300, timing: fast_timing(), ..SimOptions::default() });
    let names = names_for(&c);
    assert!(wait_for(Duration::from_secs(5), || offered(&names, "logs pod-0000").len() == 9));
    assert!(wait_for(Duration::from_secs(5), || !offered(&names, "ns k").is_empty()));
    let before = c.sim.requests().len();
    for line in ["logs pod-00", "describe pod pod-01", "get pods -l app=", "ns ", "delete pod pod-0002"] {
        for _ in 0..20 {
            let _ = offered(&names, line);
        }
    }
    let during = c.sim.requests();
    let extra: Vec<_> = during[before..].iter().filter(|r| !r.uri.contains("watch=true")).collect();
    assert!(extra.is_empty(), "a Tab made requests: {extra:?}");
}

#[test]
fn the_cache_resyncs_after_the_simulator_restarts() {
    let c = TestCluster::start();
    let names = names_for(&c);
    c.kubectl(&["run", "before", "--image=nginx"]).ok();
    assert!(wait_for(Duration::from_secs(2), || offered(&names, "logs ") == ["before"]));
    let addr = c.sim.addr().to_string();
    let opts = SimOptions {
        token: Some(c.sim.token().to_string()),
        tls: Some(c.sim.tls()),
        timing: fast_timing(),
        ..SimOptions::default()
    };
    let TestCluster { sim, dir, kubeconfig, rt } = c;
    rt.block_on(sim.stop());
    let restarted = rt.block_on(async {
        for _ in 0..50 {
            if let Ok(s) = Simulator::start(&addr, opts.clone()).await {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not listen on {addr} again");
    });
    let c = TestCluster { sim: restarted, dir, kubeconfig, rt };
    c.kubectl(&["run", "after", "--image=nginx"]).ok();
    assert!(
        wait_for(Duration::from_secs(15), || offered(&names, "logs ") == ["after"]),
        "re-listed after the restart: {:?}",
        offered(&names, "logs ")
    );
}

#[test]
fn restricted_rbac_completes_what_it_can_and_says_so_once() {
    let forbid = vec![("list".to_string(), "namespaces".to_string())];
    let c = TestCluster::with(SimOptions { forbid, timing: fast_timing(), ..SimOptions::default() });
    c.kubectl(&["run", "nginx", "--image=nginx"]).ok();
    let names = names_for(&c);
    assert!(offered(&names, "ns ").iter().all(|n| n == "-"), "no namespace names without permission");
    assert!(wait_for(Duration::from_secs(2), || offered(&names, "logs ") == ["nginx"]), "pods still complete");
    let said = names.cache.take_new_problem().expect("the problem is reported");
    assert!(said.contains("cannot list the namespaces of context \"sim\""), "{said}");
    assert!(said.contains("forbidden"), "{said}");
    assert_eq!(names.cache.take_new_problem(), None, "only once");
}

/// Runs `kubectl ARGS` until the server (under faults) carries it out; a stalled
/// request is given up after two seconds.
fn until_done(c: &TestCluster, args: &[&str]) {
    let args: Vec<&str> = args.iter().copied().chain(["--request-timeout=2s"]).collect();
    assert!(wait_for(Duration::from_secs(60), || c.kubectl(&args).code == 0), "kubectl {args:?} never got through");
}

#[test]
fn the_cache_is_right_within_two_seconds_of_the_faults_ending_and_says_so_once() {
    use podsh::sim::faults::Faults;
    let c = TestCluster::start();
    c.kubectl(&["run", "before", "--image=nginx:1.14.2"]).ok();
    let names = names_for(&c);
    assert!(wait_for(Duration::from_secs(5), || offered(&names, "logs ") == ["before"]));
    c.sim.set_faults(Faults {
        fault_rate: 0.3,
        latency: Duration::from_millis(10),
        jitter: Duration::from_millis(10),
        drop_streams_after: Some(Duration::from_millis(300)),
        stall_rate: 0.05,
        answers: Vec::new(),
    });
    let mut problems = 0;
    for name in ["during-1", "during-2", "during-3"] {
        until_done(&c, &["run", name, "--image=nginx:1.14.2"]);
        problems += (0..10).filter(|_| names.cache.take_new_problem().is_some()).count();
    }
    until_done(&c, &["delete", "pod", "before", "--grace-period=0", "--force", "--wait=false"]);
    std::thread::sleep(Duration::from_millis(1500));
    problems += (0..10).filter(|_| names.cache.take_new_problem().is_some()).count();
    c.sim.set_faults(Faults::default());
    let calm = Instant::now();
    let truth = ["during-1", "during-2", "during-3"];
    assert!(
        wait_for(Duration::from_secs(2), || offered(&names, "logs ") == truth),
        "the cache converged within 2 s: {:?}",
        offered(&names, "logs ")
    );
    assert!(calm.elapsed() < Duration::from_secs(2));
    assert!(problems <= 1, "a lost connection is said once, not per prompt ({problems} times)");
}
