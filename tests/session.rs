//! Level 2: lines driven through the runner in this process (memory streams, no process
//! per line) against an in-process simulator: the seed's workflow, namespace and context
//! switching, `> file` atomicity, scripts stopping at the first failure, and an error
//! path of every native verb, worded as real kubectl words it on the same state.

use std::time::{Duration, Instant};

use podsh::settings::Mode;
use podsh::sim::SimOptions;

use crate::sim_kubectl_seed::SEED_MANIFEST;
use crate::util::{TestCluster, assert_text, quick_timing};

fn quick() -> TestCluster {
    TestCluster::with(SimOptions { timing: quick_timing(), ..SimOptions::default() })
}

#[test]
fn the_seed_workflow_in_process() {
    let c = quick();
    let mut sh = c.in_process(Mode::Script, "");
    let file = c.path("nginx-pod.yaml");
    let f = file.display();
    let started = Instant::now();
    let out = sh.script(&format!(
        "run nginx --image=nginx:1.14.2 --dry-run=client -o yaml > {f}
apply -f {f}
wait nginx --for=condition=Ready --timeout=5s
get pod -o name
describe pod nginx | grep -c Successfully
logs nginx --tail=1
delete -f {f}
get pod"
    ));
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_text(
        &out.stdout,
        "pod/nginx created\npod/nginx condition met\npod/nginx\n2\n/docker-entrypoint.sh: Configuration complete; ready for start up\npod \"nginx\" deleted\n",
    );
    assert_text(&out.stderr, "No resources found in default namespace.\n");
    let manifest = std::fs::read_to_string(&file).expect("written");
    assert!(manifest.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n"), "{manifest}");
    assert!(took < Duration::from_secs(1), "the seed took {took:?} in process");
}

#[test]
fn namespace_and_context_switching() {
    let c = quick();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    c.kubectl(&["run", "indev", "--image=nginx", "-n", "dev"]).ok();
    let two = c.two_contexts();
    let mut sh = c.in_process_with(&two, Mode::Script, "", false);
    let out =
        sh.script("ctx; ns; ns dev; get pods -o name; ns -; ns; ctx other; ns; ns kube-system; ctx -; ns; ctx -; ns");
    assert_eq!(out.code, 0, "{}", out.stderr);
    // `other` is the file's first context but the current one is `sim`; each context
    // remembers its own namespace.
    assert_text(&out.stdout, "sim\ndefault\npod/indev\ndefault\ndefault\ndefault\nkube-system\n");
    let mut again = c.in_process_with(&two, Mode::Script, "", false);
    assert_text(&again.script("ctx other; ns").stdout, "kube-system\n");
    let bad = again.line("ctx simm");
    assert_eq!(bad.code, 1);
    assert_text(
        &bad.stderr,
        "line 1: error: context \"simm\" does not exist in the kubeconfig\nhint: did you mean \"sim\"?\n",
    );
}

#[test]
fn a_failed_command_leaves_the_redirected_file_alone() {
    let c = quick();
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    let mut sh = c.in_process(Mode::Script, "");
    let names = c.path("names.txt");
    let n = names.display();
    assert_eq!(sh.line(&format!("get pods -o name > {n}")).code, 0);
    assert_text(&std::fs::read_to_string(&names).expect("file"), "pod/web\n");
    let failed = sh.line(&format!("get pod nosuch -o yaml > {n}"));
    assert_eq!(failed.code, 1);
    assert_text(&std::fs::read_to_string(&names).expect("file"), "pod/web\n");
    assert_eq!(crate::util::temp_files_in(c.dir.path()), 0, "no temporary file left behind");
    assert_eq!(sh.line(&format!("get pods -o name >> {n}")).code, 0);
    assert_text(&std::fs::read_to_string(&names).expect("file"), "pod/web\npod/web\n");
}

#[test]
fn scripts_stop_at_the_first_failure_unless_told_to_keep_going() {
    let c = quick();
    let mut sh = c.in_process(Mode::Script, "");
    let stop = sh.script("ns\nget pod nosuch\nns\n");
    assert_eq!(stop.code, 1);
    assert_text(&stop.stdout, "default\n");
    assert_text(&stop.stderr, "line 2: Error from server (NotFound): pods \"nosuch\" not found\n");
    let mut on = c.in_process_with(&c.kubeconfig, Mode::Script, "", true);
    let went_on = on.script("get pod nosuch\nns\nnotify maybe\nns\n");
    assert_eq!(went_on.code, 1);
    assert_text(&went_on.stdout, "default\ndefault\n");
    assert!(went_on.stderr.contains("line 3: error: notify takes on or off, not \"maybe\"\n"), "{}", went_on.stderr);
    let exit = sh.script("ns; exit; ns");
    assert_eq!((exit.code, exit.stdout.as_str()), (0, "default\n"));
}

/// Runs `line` in process (interactive wording: no `line N:` prefix) and through
/// kubectl on the same state; both must fail with the same stderr and print nothing.
#[track_caller]
fn same_error(c: &TestCluster, line: &str) {
    let mut sh = c.in_process(Mode::Interactive, "");
    let ours = sh.line(line);
    let args: Vec<&str> = line.split_whitespace().collect();
    let theirs = c.kubectl(&args);
    assert_ne!(theirs.code, 0, "kubectl accepted `{line}`");
    assert_eq!(ours.code, 1, "`{line}`: {}", ours.stderr);
    assert_text(&ours.stderr, &theirs.stderr);
    assert_text(&ours.stdout, &theirs.stdout);
}

#[test]
fn every_native_verb_fails_as_kubectl_does() {
    let c = quick();
    c.file("nginx-pod.yaml", SEED_MANIFEST);
    c.kubectl(&["apply", "-f", "nginx-pod.yaml"]).ok();
    let seed = c.path("nginx-pod.yaml");
    for line in [
        "get pod nosuch".to_string(),
        "get pods --field-selector=spec.bogus=x".to_string(),
        "describe pod nosuch".to_string(),
        "delete pod nosuch".to_string(),
        format!("create -f {}", seed.display()),
        "wait pod/nosuch --for=condition=Ready --timeout=1s".to_string(),
        "run x".to_string(),
        "apply -f /nonexistent/pod.yaml".to_string(),
        "logs nginx -c nope".to_string(),
    ] {
        same_error(&c, &line);
    }
}

#[test]
fn events_refused_by_rbac_read_as_kubectl_reads_them() {
    let forbid = vec![("list".to_string(), "events".to_string())];
    let c = TestCluster::with(SimOptions { forbid, timing: quick_timing(), ..SimOptions::default() });
    same_error(&c, "events");
}
