//! The userland as a learner meets it: lines typed into a container's shell, with the
//! output and status each image's real shell gives.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use super::io::{Sink, Source};
use super::process::{Host, Shell};
use super::seed::{Container, filesystem};

struct Recorder(Mutex<Vec<String>>);

impl Host for Recorder {
    fn log_line(&self, _container: &str, line: String) {
        self.0.lock().unwrap().push(line);
    }
}

fn container(image: &str) -> Container {
    Container {
        pod: "web".into(),
        namespace: "default".into(),
        name: "c".into(),
        image: image.into(),
        pod_ip: "10.244.0.9".into(),
        env: vec![
            ("PATH".into(), super::process::PATH.into()),
            ("HOSTNAME".into(), "web".into()),
            ("GREETING".into(), "hi there".into()),
        ],
        main: vec!["sleep".into(), "3600".into()],
        ..Default::default()
    }
}

struct Box_ {
    sh: Shell,
    host: Arc<Recorder>,
}

fn boot(image: &str, shell: &str) -> Box_ {
    let c = container(image);
    let fs = Arc::new(Mutex::new(filesystem(&c)));
    let host = Arc::new(Recorder(Mutex::new(Vec::new())));
    let ctr = Arc::new(c);
    let mut sh = Shell::new(ctr.clone(), fs.clone(), host.clone(), shell, 7);
    // The pod's network: this container, when its image serves.
    if ctr.server().is_some() {
        sh.network = Arc::new(vec![super::web::Served { ctr, fs }]);
    }
    Box_ { sh, host }
}

async fn run(b: &mut Box_, line: &str) -> (String, String, i32) {
    run_in(b, line, b"").await
}

async fn run_in(b: &mut Box_, line: &str, input: &[u8]) -> (String, String, i32) {
    let mut stdin = Source::Bytes(VecDeque::from(input.to_vec()));
    let (mut out, mut err) = (Sink::buffer(), Sink::buffer());
    let status = b.sh.run_line(line, &mut stdin, &mut out, &mut err).await;
    let s = |v: Vec<u8>| String::from_utf8_lossy(&v).into_owned();
    (s(out.take_buffer()), s(err.take_buffer()), status)
}

#[tokio::test]
async fn unknown_programs_say_not_found_in_each_shells_words() {
    let mut bb = boot("busybox", "sh");
    assert_eq!(run(&mut bb, "curl localhost").await, (String::new(), "sh: curl: not found\n".into(), 127));
    let mut dash = boot("nginx", "sh");
    assert_eq!(run(&mut dash, "nosuch").await, (String::new(), "sh: 1: nosuch: not found\n".into(), 127));
    let mut bash = boot("nginx", "bash");
    assert_eq!(run(&mut bash, "nosuch -x").await, (String::new(), "bash: nosuch: command not found\n".into(), 127));
    assert_eq!(run(&mut bash, "echo $?").await.0, "127\n");
}

#[tokio::test]
async fn files_directories_and_redirections() {
    let mut b = boot("nginx", "bash");
    assert_eq!(run(&mut b, "cd /tmp && mkdir -p a/b && echo one > a/b/f.txt && echo two >> a/b/f.txt").await.2, 0);
    assert_eq!(run(&mut b, "pwd; cat a/b/f.txt").await.0, "/tmp\none\ntwo\n");
    assert_eq!(run(&mut b, "ls a/b").await.0, "f.txt\n");
    assert_eq!(run(&mut b, "cat a/b/f.txt | grep tw | wc -l").await.0, "1\n");
    assert_eq!(run(&mut b, "cat nope").await, (String::new(), "cat: nope: No such file or directory\n".into(), 1));
    assert_eq!(run(&mut b, "ls nope").await.1, "ls: cannot access 'nope': No such file or directory\n");
    assert_eq!(run(&mut b, "rm a").await.1, "rm: cannot remove 'a': Is a directory\n");
    assert_eq!(run(&mut b, "rm -rf a && ls").await.0, "");
    assert_eq!(
        run(&mut b, "cd /nope").await,
        (String::new(), "bash: cd: /nope: No such file or directory\n".into(), 1)
    );
    assert_eq!(run(&mut b, "touch x && cp x y && mv y z && ls").await.0, "x\nz\n");
    assert_eq!(run(&mut b, "echo hidden 2>/dev/null >/dev/null; cat < x; echo $?").await.0, "0\n");
    assert_eq!(
        run(&mut b, "ls /usr/share/nginx/html/*.html").await.0,
        "/usr/share/nginx/html/50x.html\n/usr/share/nginx/html/index.html\n"
    );
    assert_eq!(run(&mut b, "head -n 1 /usr/share/nginx/html/index.html").await.0, "<!DOCTYPE html>\n");
    assert_eq!(run(&mut b, "tail -1 /etc/hostname").await.0, "web\n");
    let mut bb = boot("busybox", "sh");
    assert_eq!(run(&mut bb, "cat nope").await.1, "cat: can't open 'nope': No such file or directory\n");
    assert_eq!(run(&mut bb, "ls /").await.0, "bin\ndev\netc\nhome\nlib\nlib64\nproc\nroot\nsys\ntmp\nusr\nvar\n");
}

#[tokio::test]
async fn redirections_apply_in_order() {
    let mut b = boot("busybox", "sh");
    let both = run(&mut b, "sh -c 'echo out; echo err >&2' > /tmp/f 2>&1; cat /tmp/f").await;
    assert_eq!(both, ("out\nerr\n".into(), String::new(), 0));
    let split = run(&mut b, "sh -c 'echo out; echo err >&2' 2>&1 > /tmp/g; cat /tmp/g").await;
    assert_eq!(split, ("err\nout\n".into(), String::new(), 0));
    let piped = run(&mut b, "sh -c 'echo e >&2' 2>&1 | wc -l").await;
    assert_eq!(piped.0, "1\n");
    let two = run(&mut b, "sh -c 'echo o; echo e >&2' > /tmp/o 2> /tmp/e; cat /tmp/e /tmp/o").await;
    assert_eq!(two.0, "e\no\n");
}

#[tokio::test]
async fn environment_and_identity() {
    let mut b = boot("busybox", "sh");
    assert_eq!(run(&mut b, "echo \"$GREETING\" $HOSTNAME; hostname").await.0, "hi there web\nweb\n");
    assert!(run(&mut b, "env").await.0.contains("GREETING=hi there\n"));
    assert_eq!(run(&mut b, "X=1; export Y=2; printenv Y; echo $X").await.0, "2\n1\n");
    assert_eq!(run(&mut b, "whoami; id").await.0, "root\nuid=0(root) gid=0(root) groups=0(root)\n");
    let ps = run(&mut b, "ps").await.0;
    assert!(ps.starts_with("PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n"), "{ps}");
    assert_eq!(run(&mut b, "exit 3").await.2, 3);
    assert_eq!(b.sh.exited, Some(3));
}

#[tokio::test]
async fn web_pages_from_inside_the_container() {
    let mut b = boot("nginx:1.27", "sh");
    let (page, _, status) = run(&mut b, "curl -s localhost").await;
    assert_eq!(status, 0);
    assert!(page.contains("<h1>Welcome to nginx!</h1>"));
    assert_eq!(b.host.0.lock().unwrap().len(), 1, "the access log gets a line");
    assert_eq!(
        run(&mut b, "curl localhost:8080").await,
        (
            String::new(),
            "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n".into(),
            7
        )
    );
    assert_eq!(run(&mut b, "curl example.com").await.2, 6);
    run(&mut b, "echo changed > /usr/share/nginx/html/index.html").await;
    assert_eq!(run(&mut b, "curl -s http://127.0.0.1/").await.0, "changed\n");
    let head = run(&mut b, "curl -I localhost").await.0;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\nServer: nginx/1.27.3\r\n"), "{head}");
    let mut bb = boot("busybox", "sh");
    assert_eq!(
        run(&mut bb, "wget -qO- localhost").await.1,
        "wget: can't connect to remote host (127.0.0.1): Connection refused\n"
    );
}

#[tokio::test]
async fn scripts_tar_and_stdin() {
    let mut b = boot("busybox", "sh");
    assert_eq!(run(&mut b, "sh -c 'echo a; exit 4'").await, ("a\n".into(), String::new(), 4));
    let (_, err, status) = run(&mut b, "echo 'echo from file' > /s.sh; ./s.sh").await;
    assert_eq!((err.as_str(), status), ("sh: ./s.sh: Permission denied\n", 126));
    assert_eq!(run(&mut b, "sh /s.sh").await.0, "from file\n");
    assert_eq!(
        run(&mut b, "echo '#!/bin/sh' > /t.sh; echo 'echo ran' >> /t.sh; chmod +x /t.sh; /t.sh").await.0,
        "ran\n"
    );
    assert_eq!(run_in(&mut b, "cat", b"piped\n").await.0, "piped\n");
    let mut fs = super::fs::Fs::default();
    fs.mkdir("/", "/d", true).unwrap();
    fs.write("/", "/d/f.txt", b"payload", false).unwrap();
    let archive = super::tarball::archive_of(&fs, &["/d/f.txt"]);
    assert_eq!(run_in(&mut b, "tar -xmf - -C /tmp", &archive).await.2, 0);
    assert_eq!(run(&mut b, "cat /tmp/d/f.txt").await.0, "payload");
    assert_eq!(run(&mut b, "test -d /tmp/d && echo dir; [ -f /tmp/d ] || echo notfile").await.0, "dir\nnotfile\n");
    let (out, err, status) = run(&mut b, "tar cf - /tmp/d").await;
    assert_eq!((err.as_str(), status), ("tar: removing leading '/' from member names\n", 0));
    assert!(out.len() >= 1024);
    assert_eq!(
        run(&mut b, "echo 'oops").await,
        (String::new(), "sh: syntax error: unterminated quoted string\n".into(), 2)
    );
}
