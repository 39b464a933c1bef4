//! Real kubectl 1.33 reaching into simulated containers: `exec` (one program, a shell
//! script, piped stdin, a terminal session in tmux), `cp` both ways, `attach`, and
//! `run --rm -it`, over the WebSocket remote-command protocol kubectl uses by default.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use crate::util::TestCluster;
use crate::util::tmux::Tmux;

const CONFIGURED: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
  app.properties: |
    color=blue
---
apiVersion: v1
kind: Pod
metadata:
  name: shop
spec:
  containers:
  - name: app
    image: busybox
    command: [sleep, \"3600\"]
    env:
    - name: GREETING
      value: hello
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    envFrom:
    - configMapRef:
        name: settings
    volumeMounts:
    - name: config
      mountPath: /etc/config
  volumes:
  - name: config
    configMap:
      name: settings
";

fn running(c: &TestCluster, name: &str, image: &str, args: &[&str]) {
    let image = format!("--image={image}");
    let mut argv = vec!["run", name, image.as_str()];
    if !args.is_empty() {
        argv.push("--");
        argv.extend_from_slice(args);
    }
    c.kubectl(&argv).ok();
    c.wait_status(name, "Running");
}

#[test]
fn exec_runs_programs_with_their_output_and_exit_codes() {
    let c = TestCluster::start();
    running(&c, "nginx", "nginx:1.27", &[]);
    let ls = c.kubectl(&["exec", "nginx", "--", "ls", "/"]);
    let names: Vec<&str> = ls.ok().lines().collect();
    for expected in ["bin", "docker-entrypoint.d", "docker-entrypoint.sh", "etc", "usr", "var"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let page = c.kubectl(&["exec", "nginx", "--", "cat", "/usr/share/nginx/html/index.html"]);
    assert!(page.ok().contains("<title>Welcome to nginx!</title>"));

    let failed = c.kubectl(&["exec", "nginx", "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert_eq!(failed.code, 3, "{failed:?}");
    assert_eq!(failed.stdout, "out\n");
    assert_eq!(failed.stderr, "err\ncommand terminated with exit code 3\n");

    let missing = c.kubectl(&["exec", "nginx", "--", "sh", "-c", "wget localhost"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (127, "sh: 1: wget: not found\ncommand terminated with exit code 127\n")
    );

    let no_binary = c.kubectl(&["exec", "nginx", "--", "nosuch"]);
    assert_eq!(no_binary.code, 1);
    assert!(no_binary.stderr.contains("exec: \"nosuch\": executable file not found in $PATH"), "{}", no_binary.stderr);

    let hostname = c.kubectl(&["exec", "nginx", "-c", "nginx", "--", "hostname"]);
    assert_eq!(hostname.ok(), "nginx\n");
    let wrong = c.kubectl(&["exec", "nginx", "-c", "nope", "--", "ls"]);
    assert_eq!(wrong.fails(), "Error from server (BadRequest): container nope is not valid for pod nginx\n");
    let gone = c.kubectl(&["exec", "ghost", "--", "ls"]);
    assert_eq!(gone.fails(), "Error from server (NotFound): pods \"ghost\" not found\n");
}

#[test]
fn exec_sees_the_pods_environment_and_volumes() {
    let c = TestCluster::start();
    let file = c.file("shop.yaml", CONFIGURED);
    c.kubectl(&["apply", "-f", file.to_str().expect("utf-8")]).ok();
    c.wait_status("shop", "Running");
    let env = c.kubectl(&["exec", "shop", "--", "env"]);
    let env = env.ok();
    for line in ["GREETING=hello", "POD_NAME=shop", "mode=fast", "HOSTNAME=shop", "KUBERNETES_SERVICE_HOST=10.96.0.1"] {
        assert!(env.lines().any(|l| l == line), "{line} in\n{env}");
    }
    let files = c.kubectl(&["exec", "shop", "--", "ls", "/etc/config"]);
    assert_eq!(files.ok(), "app.properties\nmode\n");
    let prop = c.kubectl(&["exec", "shop", "--", "cat", "/etc/config/app.properties"]);
    assert_eq!(prop.ok(), "color=blue\n");
    let ns = c.kubectl(&["exec", "shop", "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace"]);
    assert_eq!(ns.ok(), "default");
}

#[test]
fn exec_reads_piped_stdin() {
    let c = TestCluster::start();
    running(&c, "box", "busybox", &["sleep", "3600"]);
    let mut child = c
        .kubectl_cmd(&["exec", "-i", "box", "--", "sh"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"cd /tmp\necho saved > note.txt\ncat note.txt; pwd\nexit 4\n")
        .expect("written");
    let out = child.wait_with_output().expect("kubectl ends");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "saved\n/tmp\n");
    assert_eq!(out.status.code(), Some(4));
    let kept = c.kubectl(&["exec", "box", "--", "cat", "/tmp/note.txt"]);
    assert_eq!(kept.ok(), "saved\n", "the container's filesystem keeps what an earlier exec wrote");
}

#[test]
fn cp_copies_files_and_directories_both_ways() {
    let c = TestCluster::start();
    running(&c, "nginx", "nginx", &[]);
    let local = c.file("page.html", "<h1>mine</h1>\n");
    c.kubectl(&["cp", local.to_str().expect("utf-8"), "nginx:/usr/share/nginx/html/"]).ok();
    let inside = c.kubectl(&["exec", "nginx", "--", "cat", "/usr/share/nginx/html/page.html"]);
    assert_eq!(inside.ok(), "<h1>mine</h1>\n");
    let served = c.kubectl(&["exec", "nginx", "--", "curl", "-s", "localhost/page.html"]);
    assert_eq!(served.ok(), "<h1>mine</h1>\n");

    let back = c.path("default.conf");
    c.kubectl(&["cp", "nginx:/etc/nginx/conf.d/default.conf", back.to_str().expect("utf-8")]).ok();
    let conf = std::fs::read_to_string(&back).expect("copied out");
    assert!(conf.contains("root   /usr/share/nginx/html;"));

    let dir = c.path("site");
    std::fs::create_dir_all(dir.join("css")).expect("dir");
    std::fs::write(dir.join("css/main.css"), "body{}\n").expect("file");
    c.kubectl(&["cp", dir.to_str().expect("utf-8"), "nginx:/tmp/site"]).ok();
    let listed = c.kubectl(&["exec", "nginx", "--", "cat", "/tmp/site/css/main.css"]);
    assert_eq!(listed.ok(), "body{}\n");
    let out_dir = c.path("site-back");
    c.kubectl(&["cp", "nginx:/tmp/site", out_dir.to_str().expect("utf-8")]).ok();
    assert_eq!(std::fs::read_to_string(out_dir.join("css/main.css")).expect("copied back"), "body{}\n");
}

#[test]
fn a_terminal_session_behaves_like_a_shell() {
    let c = TestCluster::start();
    running(&c, "nginx", "nginx", &[]);
    let kubectl = crate::util::kubectl_path();
    let t = Tmux::spawn(&format!(
        "HOME={} KUBECONFIG={} {} exec -it nginx -- bash",
        c.dir.path().display(),
        c.kubeconfig.display(),
        kubectl.display()
    ));
    t.wait_for("bash's prompt", |s| s.contains("root@nginx:/#"));
    t.line("cd /usr/share/nginx/html; ls");
    t.wait_for("the listing", |s| s.contains("50x.html  index.html"));
    t.line("curl -s localhost | grep '<h1>'");
    t.wait_for("the page", |s| s.contains("\n<h1>Welcome to nginx!</h1>"));
    t.line("sleep 30");
    std::thread::sleep(Duration::from_millis(300));
    t.send(&["C-c"]);
    t.wait_for("an interrupted sleep", |s| s.contains("sleep 30\n^C\nroot@nginx:/usr/share/nginx/html#"));
    t.line("nosuch");
    t.wait_for("not found", |s| s.contains("bash: nosuch: command not found"));
    t.line("exit 5");
    let screen = t.wait_for("kubectl's exit", |s| s.contains("EXITED=5"));
    assert!(screen.contains("command terminated with exit code 5"), "{screen}");
    let logs = c.kubectl(&["logs", "nginx"]);
    assert!(
        logs.ok().contains("\"GET / HTTP/1.1\" 200 615 \"-\" \"curl/7.88.1\""),
        "the access log line: {}",
        logs.stdout
    );
}

#[test]
fn run_rm_it_gives_a_prompt_and_removes_the_pod() {
    let c = TestCluster::start();
    let kubectl = crate::util::kubectl_path();
    let t = Tmux::spawn(&format!(
        "HOME={} KUBECONFIG={} {} run tmp --rm -it --image=busybox --restart=Never -- sh",
        c.dir.path().display(),
        c.kubeconfig.display(),
        kubectl.display()
    ));
    t.wait_for("kubectl's hint", |s| s.contains("If you don't see a command prompt, try pressing enter."));
    t.send(&["Enter"]);
    t.wait_for("busybox's prompt", |s| s.contains("\n/ #"));
    t.line("hostname; ls /bin | grep -c wget");
    t.wait_for("the answers", |s| s.contains("\ntmp\n1\n"));
    t.line("exit");
    let screen = t.wait_for("kubectl's exit", |s| s.contains("EXITED="));
    assert!(screen.contains("pod \"tmp\" deleted"), "{screen}");
    assert!(screen.contains("EXITED=0"), "{screen}");
    let left = c.kubectl(&["get", "pods", "-o", "name"]);
    assert_eq!(left.ok(), "");
}

#[test]
fn attach_streams_the_containers_output() {
    let c = TestCluster::start();
    running(&c, "ticker", "busybox", &["sh", "-c", "while true; do echo tick; sleep 1; done"]);
    let mut child = c
        .kubectl_cmd(&["attach", "ticker"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    std::thread::sleep(Duration::from_millis(2500));
    let _ = child.kill();
    let out = child.wait_with_output().expect("kubectl ends");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().filter(|l| *l == "tick").count() >= 1, "attached output: {text:?}");
}

/// kubectl with WebSockets off speaks SPDY, as clients before 1.30 do.
fn spdy(c: &TestCluster, args: &[&str]) -> crate::util::Run {
    let out = c.kubectl_cmd(args).env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false").output().expect("kubectl runs");
    crate::util::Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

#[test]
fn exec_and_cp_over_plain_spdy() {
    let c = TestCluster::start();
    running(&c, "nginx", "nginx", &[]);
    let failed = spdy(&c, &["exec", "nginx", "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    assert_eq!((failed.code, failed.stdout.as_str()), (3, "out\n"), "{failed:?}");
    assert_eq!(failed.stderr, "err\ncommand terminated with exit code 3\n");
    assert_eq!(spdy(&c, &["exec", "nginx", "--", "hostname"]).ok(), "nginx\n");
    let local = c.file("note.txt", "over spdy\n");
    spdy(&c, &["cp", local.to_str().expect("utf-8"), "nginx:/tmp/note.txt"]).ok();
    assert_eq!(spdy(&c, &["exec", "nginx", "--", "cat", "/tmp/note.txt"]).ok(), "over spdy\n");
    let requests = c.sim.requests();
    assert!(
        requests.iter().any(|r| r.method == "POST" && r.uri.contains("/pods/nginx/exec?")),
        "the SPDY upgrade is a POST"
    );
}
