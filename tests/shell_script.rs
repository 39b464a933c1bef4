//! The shell binary in script mode (`-c` and stdin): exit codes, `line N:` errors,
//! `--keep-going`, comments, redirection, session state, pass-through, and the seed's
//! whole session end to end.

use crate::sim_kubectl_seed::SEED_MANIFEST;
use crate::util::{TestCluster, assert_text};

#[test]
fn seed_session_as_a_script() {
    let c = TestCluster::start();
    let script = "# the seed's session (k = kubectl)
k run nginx --image=nginx:1.14.2 --dry-run=client
k run nginx --image=nginx:1.14.2 --dry-run=client -o yaml > nginx-pod.yaml
k apply -f nginx-pod.yaml
wait nginx --for=condition=Ready --timeout=20s
k get pod
k describe pod nginx | grep -c Successfully
k logs nginx --tail=1
k delete -f nginx-pod.yaml
k get pod
";
    let out = c.podsh_stdin(script, &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "pod/nginx created (dry run)");
    assert_eq!(lines[1], "pod/nginx created");
    assert_eq!(lines[2], "pod/nginx condition met");
    assert_eq!(lines[3], "NAME    READY   STATUS    RESTARTS   AGE");
    assert!(lines[4].starts_with("nginx   1/1     Running   0          "), "{}", lines[4]);
    assert_eq!(lines[5], "2", "Scheduled and Pulled events");
    assert_eq!(lines[6], "/docker-entrypoint.sh: Configuration complete; ready for start up");
    assert_eq!(lines[7], "pod \"nginx\" deleted");
    assert_eq!(out.stderr, "No resources found in default namespace.\n");
    let manifest = std::fs::read_to_string(c.path("nginx-pod.yaml")).expect("written");
    assert!(manifest.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n"), "{manifest}");
}

#[test]
fn exit_codes_and_line_numbers() {
    let c = TestCluster::start();
    let ok = c.podsh("get pods; # nothing yet\n\nns");
    assert_eq!((ok.code, ok.stdout.as_str()), (0, "default\n"));
    let stop = c.podsh_stdin("ns\nget pod nosuch\nns\n", &[]);
    assert_eq!(stop.code, 1);
    assert_text(&stop.stdout, "default\n");
    assert_text(&stop.stderr, "line 2: Error from server (NotFound): pods \"nosuch\" not found\n");
    let on = c.podsh_stdin("get pod nosuch\nns\nlogs nosuch\nns\n", &["--keep-going"]);
    assert_eq!(on.code, 1);
    assert_text(&on.stdout, "default\ndefault\n");
    assert_text(
        &on.stderr,
        "line 1: Error from server (NotFound): pods \"nosuch\" not found\nline 3: error: error from server (NotFound): pods \"nosuch\" not found in namespace \"default\"\n",
    );
    let typo = c.podsh("gte pods");
    assert_eq!(typo.code, 1);
    assert_text(&typo.stderr, "line 1: error: unknown command \"gte\"\nhint: did you mean \"get\"?\n");
    let exit = c.podsh("ns; exit; ns");
    assert_eq!((exit.code, exit.stdout.as_str()), (0, "default\n"));
}

#[test]
fn redirection_files_pipes_and_atomic_replace() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx"]).ok();
    let out = c.podsh("get pods -o name > names.txt; get pods -o name >> names.txt; get pods -o name | tr a-z A-Z");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_text(&out.stdout, "POD/WEB\n");
    assert_text(&std::fs::read_to_string(c.path("names.txt")).expect("file"), "pod/web\npod/web\n");
    let failed = c.podsh("get pod nosuch -o yaml > names.txt");
    assert_eq!(failed.code, 1);
    assert_text(&std::fs::read_to_string(c.path("names.txt")).expect("file"), "pod/web\npod/web\n");
    assert_eq!(crate::util::temp_files_in(c.dir.path()), 0, "no temporary file left behind");
    let missing = c.podsh("get pods >");
    assert!(missing.stderr.starts_with("line 1: error: > needs a target\n"), "{}", missing.stderr);
}

#[test]
fn namespace_and_context_state_never_touch_the_kubeconfig() {
    let c = TestCluster::start();
    let before = std::fs::read(&c.kubeconfig).expect("kubeconfig");
    c.kubectl(&["create", "namespace", "dev"]).ok();
    c.kubectl(&["run", "indev", "--image=nginx", "-n", "dev"]).ok();
    let out = c.podsh("ns dev; get pods -o name; ns; ns -; ns; ns nosuch; ns; ctx; contexts");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_text(&out.stdout, "pod/indev\ndev\ndefault\nnosuch\nsim\n* sim\n");
    assert_text(&out.stderr, "warning: namespace \"nosuch\" does not exist in context \"sim\"\n");
    let bad = c.podsh("ctx nope");
    assert_text(
        &bad.stderr,
        "line 1: error: context \"nope\" does not exist in the kubeconfig\nhint: `contexts` lists them\n",
    );
    assert_eq!(std::fs::read(&c.kubeconfig).expect("kubeconfig"), before, "the kubeconfig is never written");
    let next = c.podsh("ns");
    assert_text(&next.stdout, "default\n");
}

#[test]
fn pass_through_and_host_commands() {
    let c = TestCluster::start();
    let out = c.podsh("get nodes -o name; !echo from-sh; version --client -o json | grep -c clientVersion");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_text(&out.stdout, "node/node-1\nfrom-sh\n1\n");
    let missing = c.podsh("get deployments");
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("the server doesn't have a resource type \"deployments\""), "{}", missing.stderr);
    assert!(missing.stderr.ends_with("line 1: command failed with exit status 1\n"), "{}", missing.stderr);
}

#[test]
fn unknown_fields_are_named_with_the_intended_field() {
    let c = TestCluster::start();
    c.file("nginx-pod.yaml", &SEED_MANIFEST.replace("labels:", "lables:"));
    let strict = c.podsh("apply -f nginx-pod.yaml");
    assert_eq!(strict.code, 1);
    assert_text(
        &strict.stderr,
        "Error from server (BadRequest): error when creating \"nginx-pod.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"metadata.lables\"\nhint: metadata.lables is not a Pod field; did you mean \"labels\"?\nline 1: command failed with exit status 1\n",
    );
    let warn = c.podsh("apply -f nginx-pod.yaml --validate=warn");
    assert_eq!(warn.code, 0, "{}", warn.stderr);
    assert_text(&warn.stdout, "pod/nginx created\n");
    assert_text(
        &warn.stderr,
        "Warning: unknown field \"metadata.lables\"\nhint: metadata.lables is not a Pod field; did you mean \"labels\"?\n",
    );
}

#[test]
fn apply_twice_is_unchanged_then_configured() {
    let c = TestCluster::start();
    c.file("nginx-pod.yaml", SEED_MANIFEST);
    let out = c.podsh("apply -f nginx-pod.yaml; apply -f nginx-pod.yaml");
    assert_text(&out.stdout, "pod/nginx created\npod/nginx unchanged\n");
    c.file("nginx-pod.yaml", &SEED_MANIFEST.replace("type: front-end", "type: back-end"));
    let out = c.podsh("apply -f nginx-pod.yaml; create -f nginx-pod.yaml");
    assert_text(&out.stdout, "pod/nginx configured\n");
    assert_text(
        &out.stderr,
        "Error from server (AlreadyExists): error when creating \"nginx-pod.yaml\": pods \"nginx\" already exists\nline 1: command failed with exit status 1\n",
    );
    // kubectl agrees that the shell's apply left a proper last-applied configuration.
    assert_text(c.kubectl(&["apply", "-f", "nginx-pod.yaml"]).ok(), "pod/nginx unchanged\n");
}

#[test]
fn no_kubeconfig_suggests_the_playground() {
    let c = TestCluster::start();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
        .args(["-c", "get pods"])
        .env("HOME", c.dir.path())
        .env_remove("KUBECONFIG")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist\nhint: try the built-in cluster: kubectl podsh --playground\n"
    );
}

#[test]
fn playground_serves_the_seed() {
    let c = TestCluster::start();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
        .args(["--playground", "-c", "ctx; run nginx --image=nginx:1.14.2; wait nginx --for=jsonpath={.status.phase}=Running; get pods -o name; get nodes -o name"])
        .env("HOME", c.dir.path())
        .env("XDG_STATE_HOME", c.dir.path().join("state"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "playground\npod/nginx created\npod/nginx condition met\npod/nginx\nnode/node-1\nnode/node-2\n"
    );
}

#[test]
fn restricted_rbac_does_not_break_the_shell() {
    let forbid = vec![("get".to_string(), "namespaces".to_string()), ("list".to_string(), "namespaces".to_string())];
    let c =
        TestCluster::with(podsh::sim::SimOptions { forbid, timing: crate::util::fast_timing(), ..Default::default() });
    // kubectl and the shell word the refusal the same way.
    c.assert_parity("get namespaces");
    let out = c.podsh("ns team-a; ns; get pods");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_text(&out.stdout, "team-a\n");
    assert_text(&out.stderr, "No resources found in team-a namespace.\n");
}

#[test]
fn merged_kubeconfigs_and_namespace_memory_per_context() {
    let c = TestCluster::start();
    c.kubectl(&["create", "namespace", "dev"]).ok();
    let text = std::fs::read_to_string(&c.kubeconfig).expect("kubeconfig");
    let other = text
        .replace("- name: sim\n  context:", "- name: other\n  context:")
        .replace("current-context: sim", "current-context: other");
    let other_path = c.file("other.yaml", &other);
    let joined = format!("{}:{}", c.kubeconfig.display(), other_path.display());
    let run = |lines: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
            .args(["-c", lines])
            .env("KUBECONFIG", &joined)
            .env("HOME", c.dir.path())
            .env("XDG_STATE_HOME", c.dir.path().join("state"))
            .output()
            .expect("runs")
    };
    let out = run("contexts; ns dev; ctx other; ns; ns kube-system; ctx -; ns");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "* sim\n  other\ndefault\ndev\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The namespace last used in a context is remembered across runs.
    let again = run("ctx other; ns");
    assert_eq!(String::from_utf8_lossy(&again.stdout), "kube-system\n");
}

#[test]
fn connection_failures_name_the_server() {
    let c = TestCluster::start();
    let addr = c.sim.addr();
    let TestCluster { sim, dir, kubeconfig, rt } = c;
    rt.block_on(sim.stop());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-podsh"))
        .args(["--kubeconfig"])
        .arg(&kubeconfig)
        .args(["-c", "get pods"])
        .env("HOME", dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("line 1: The connection to the server {addr} was refused - did you specify the right host or port?\n")
    );
}

#[test]
fn stdin_manifests_with_c_but_not_from_a_stdin_script() {
    let c = TestCluster::start();
    let out = c.podsh_stdin("apply -f -\nns\n", &[]);
    assert_eq!(out.code, 1);
    assert_text(
        &out.stderr,
        "line 1: error: -f - would read the rest of this script\nhint: put the manifest in a file, or pass the script with -c\n",
    );
    let with_c = c.podsh_stdin(SEED_MANIFEST, &["-c", "apply -f -"]);
    assert_eq!(with_c.code, 0, "{}", with_c.stderr);
    assert_text(&with_c.stdout, "pod/nginx created\n");
}

#[test]
fn history_lists_the_saved_lines() {
    let c = TestCluster::start();
    let file = c.file("hist", "get pods\nns dev\nrun x --image=y --command -- sh -c 'a\\nb'\n");
    let out = c.podsh_cmd(&["-c", "history; history 1"]).env("PODSH_HISTORY", &file).output().expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1  get pods\n2  ns dev\n3  run x --image=y --command -- sh -c 'a\nb'\n3  run x --image=y --command -- sh -c 'a\nb'\n"
    );
    let help = c.podsh("help logs");
    assert!(help.stdout.starts_with("Print or stream a container's logs\n\nUsage: logs NAME"), "{}", help.stdout);
    assert!(help.stdout.contains("  -f, --follow\n"), "{}", help.stdout);
}
