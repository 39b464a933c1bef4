//! The shell in a real terminal (tmux): Tab completion from the live cache, Ctrl-R over
//! another session's history, Ctrl-C ending `logs -f`, a lifecycle notice arriving while a
//! line is half typed, and Ctrl-D exiting 0. Every wait is bounded.

use std::time::Duration;

use crate::util::TestCluster;
use crate::util::tmux::Tmux;

/// The shell under test in a tmux pane, with its exit status printed when it ends.
struct Shell;

impl Shell {
    fn start(c: &TestCluster) -> Tmux {
        let cmd = format!(
            "env -u KUBECONFIG HOME={home} XDG_STATE_HOME={home}/state {bin} --kubeconfig {kc}",
            home = c.dir.path().display(),
            bin = env!("CARGO_BIN_EXE_kubectl-podsh"),
            kc = c.kubeconfig.display()
        );
        let t = Tmux::spawn(&cmd);
        t.wait_for("the prompt", |s| s.contains(" ❯"));
        t
    }
}

fn last_line(screen: &str) -> String {
    screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").to_string()
}

/// Presses Tab (up to 40 times, 100 ms apart, while the cache fills) until the line
/// being edited ends with `want`.
fn tab_until(t: &Tmux, want: &str) -> bool {
    (0..40).any(|_| {
        t.send(&["Tab"]);
        std::thread::sleep(Duration::from_millis(100));
        last_line(&t.screen()).ends_with(want)
    })
}

#[test]
fn tab_completes_a_pod_name_from_the_live_cache() {
    let c = TestCluster::start();
    let t = Shell::start(&c);
    c.kubectl(&["run", "nginx", "--image=nginx"]).ok();
    t.typed("describe pod ng");
    assert!(tab_until(&t, "describe pod nginx"), "completed; screen:\n{}", t.screen());
    t.send(&["Enter"]);
    t.wait_for("describe output", |s| s.contains("Name:             nginx"));
}

#[test]
fn ctrl_c_ends_logs_follow_and_ctrl_d_exits_zero() {
    let c = TestCluster::start();
    c.kubectl(&["run", "ticker", "--image=busybox", "--", "sh", "-c", "while true; do echo tick; sleep 1; done"]).ok();
    c.wait_status("ticker", "Running");
    let t = Shell::start(&c);
    t.typed("logs -f ticker");
    t.send(&["Enter"]);
    t.wait_for("streamed lines", |s| s.matches("tick").count() >= 2);
    t.send(&["C-c"]);
    t.wait_for("the prompt again", |s| last_line(s).ends_with("✗ ❯"));
    t.typed("ns");
    t.send(&["Enter"]);
    t.wait_for("the next command's output", |s| s.contains("\ndefault\n"));
    t.send(&["C-d"]);
    t.wait_for("exit status", |s| s.contains("EXITED=0"));
}

#[test]
fn ctrl_c_reaches_a_child_and_the_shell_survives() {
    let c = TestCluster::start();
    let t = Shell::start(&c);
    t.typed("!sleep 30; echo not-interrupted");
    t.send(&["Enter"]);
    // Ctrl-C must reach the child, so it is sent once the child runs (not after a fixed
    // pause, which a loaded machine can outlast).
    let started = std::time::Instant::now();
    while !std::process::Command::new("pgrep")
        .args(["-f", "sleep 30; echo not-interrupted"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(started.elapsed() < Duration::from_secs(20), "the child never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    t.send(&["C-c"]);
    t.wait_for("the prompt after the child died", |s| last_line(s).ends_with("✗ ❯"));
    assert!(!t.screen().lines().any(|l| l.trim() == "not-interrupted"), "the child's script stopped");
    t.typed("ctx");
    t.send(&["Enter"]);
    t.wait_for("the shell still works", |s| s.contains("\nsim\n"));
}

#[test]
fn a_notice_arrives_while_a_line_is_half_typed() {
    let c = TestCluster::start();
    let t = Shell::start(&c);
    t.typed("run job --image=busybox --restart=Never --command -- sh -c 'sleep 2; exit 1'");
    t.send(&["Enter"]);
    t.wait_for("created", |s| s.contains("pod/job created"));
    t.typed("get pods -o na");
    // The notice may land while tmux is still typing; what must hold is a screen with the
    // notice above and the whole half-typed line below it.
    t.wait_for("the failure notice, with the half-typed line surviving below it", |s| {
        s.contains("pod/job: Running -> Failed (Error, exit code 1)") && last_line(s).ends_with("get pods -o na")
    });
    t.typed("me");
    t.send(&["Enter"]);
    t.wait_for("the finished line ran", |s| s.contains("\npod/job\n"));
}

#[test]
fn ctrl_r_finds_another_sessions_history() {
    let c = TestCluster::start();
    let first = Shell::start(&c);
    first.typed("get pods -o wide --show-labels");
    first.send(&["Enter"]);
    first.wait_for("the command ran", |s| s.contains("No resources found"));
    let second = Shell::start(&c);
    second.send(&["C-r"]);
    second.typed("show-lab");
    second.wait_for("the reverse search hit", |s| s.contains("get pods -o wide --show-labels"));
    drop(first);
}

#[test]
fn deleting_several_pods_by_selector_asks_first() {
    let c = TestCluster::start();
    for name in ["a", "b"] {
        c.kubectl(&["run", name, "--image=nginx", "--labels=app=web"]).ok();
    }
    let t = Shell::start(&c);
    t.typed("delete pods -l app=web");
    t.send(&["Enter"]);
    t.wait_for("the question", |s| s.contains("Delete 2 pods (a, b)? [y/N]"));
    t.typed("n");
    t.send(&["Enter"]);
    t.wait_for("the refusal", |s| s.contains("nothing deleted"));
    assert_eq!(c.kubectl(&["get", "pods", "-o", "name"]).stdout, "pod/a\npod/b\n");
    t.typed("delete pods -l app=web --wait=false");
    t.send(&["Enter"]);
    t.wait_for("the question again", |s| s.matches("Delete 2 pods (a, b)? [y/N]").count() == 2);
    t.typed("y");
    t.send(&["Enter"]);
    t.wait_for("both deleted", |s| s.contains("pod \"a\" deleted") && s.contains("pod \"b\" deleted"));
}

#[test]
fn open_quotes_and_trailing_backslashes_continue_the_line() {
    let c = TestCluster::start();
    let t = Shell::start(&c);
    t.typed("run two --image=busybox --restart=Never --command -- sh -c 'echo one");
    t.send(&["Enter"]);
    t.typed("echo two'");
    t.send(&["Enter"]);
    t.wait_for("the pod from a two-line command", |s| s.contains("pod/two created"));
    t.typed("get pods \\");
    t.send(&["Enter"]);
    t.typed("-o name");
    t.send(&["Enter"]);
    t.wait_for("the continued line ran", |s| s.contains("\npod/two\n"));
    assert!(
        crate::util::wait_for(Duration::from_secs(10), || c.kubectl(&["logs", "two"]).stdout == "one\ntwo\n"),
        "the script kept its newline"
    );
}

/// The shell in a pane whose sh reports, after it ends, whether the terminal is back in
/// cooked mode (`icanon echo`, not `-icanon -echo`).
fn shell_reporting_the_terminal(c: &TestCluster) -> Tmux {
    shell_reporting_the_terminal_with(c, "")
}

fn shell_reporting_the_terminal_with(c: &TestCluster, env: &str) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_kubectl-podsh");
    let cmd = format!(
        "env -u KUBECONFIG {env} HOME={home} XDG_STATE_HOME={home}/state {bin} --kubeconfig {kc}; s=$?; \
         echo MODES=$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '); (exit $s)",
        home = c.dir.path().display(),
        kc = c.kubeconfig.display()
    );
    let t = Tmux::spawn(&cmd);
    t.wait_for("the prompt", |s| s.contains(" ❯"));
    t
}

#[test]
fn a_signal_at_the_prompt_ends_the_shell_with_the_terminal_put_back() {
    let c = TestCluster::start();
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let t = shell_reporting_the_terminal(&c);
        t.typed("get po");
        let pattern = format!("^{} --kubeconfig {}", env!("CARGO_BIN_EXE_kubectl-podsh"), c.kubeconfig.display());
        let sent = std::process::Command::new("pkill").args([&format!("-{signal}"), "-f", &pattern]).status();
        assert!(sent.is_ok_and(|s| s.success()), "the shell got SIG{signal}");
        let s = t.wait_for("the shell to end", |s| s.contains("EXITED="));
        assert!(s.contains(&format!("EXITED={code}")), "{s}");
        assert!(s.contains("MODES=icanon echo"), "the terminal is cooked again after SIG{signal}:\n{s}");
    }
}

#[test]
fn ctrl_c_stops_a_command_the_server_never_answers_and_the_next_line_works() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx:1.14.2"]).ok();
    let t = Shell::start(&c);
    c.sim.set_faults(podsh::sim::faults::Faults { stall_rate: 1.0, ..Default::default() });
    for line in ["get pods", "describe pod web", "logs web", "delete pod web"] {
        let before = c.sim.requests().len();
        t.typed(line);
        t.send(&["Enter"]);
        // Sent once the request is at the server (and stalled there).
        assert!(crate::util::wait_for(Duration::from_secs(10), || c.sim.requests().len() > before), "{line} sent");
        std::thread::sleep(Duration::from_millis(200));
        t.send(&["C-c"]);
        t.wait_for(&format!("the prompt after stopping {line:?}"), |s| last_line(s).ends_with("✗ ❯"));
    }
    c.sim.set_faults(Default::default());
    t.typed("get pods -o name");
    t.send(&["Enter"]);
    t.wait_for("the next line to work", |s| s.contains("\npod/web\n"));
}

#[test]
fn ctrl_c_ends_get_watch_and_wait() {
    let c = TestCluster::start();
    c.kubectl(&["run", "web", "--image=nginx:1.14.2"]).ok();
    c.wait_status("web", "Running");
    let t = Shell::start(&c);
    t.typed("get pods -w");
    t.send(&["Enter"]);
    t.wait_for("the watch's first rows", |s| s.contains("web ") && s.contains("Running"));
    t.send(&["C-c"]);
    t.wait_for("the prompt after the watch", |s| last_line(s).ends_with("✗ ❯"));
    let prompts = t.screen().matches(" ❯").count();
    t.typed("wait --for=delete pod/web --timeout=60s");
    t.send(&["Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    t.send(&["C-c"]);
    t.wait_for("the prompt after the wait", |s| s.matches(" ❯").count() > prompts && last_line(s).ends_with("✗ ❯"));
    assert!(!t.screen().contains("condition met"), "{}", t.screen());
    t.typed("get pods -o name");
    t.send(&["Enter"]);
    t.wait_for("the next line to work", |s| s.contains("\npod/web\n"));
}

#[test]
fn notify_off_silences_lifecycle_notices_and_on_brings_them_back() {
    let c = TestCluster::start();
    let t = Shell::start(&c);
    t.typed("notify off");
    t.send(&["Enter"]);
    let prompts = |s: &str| s.matches(" ❯").count();
    t.wait_for("notify off ran", |s| prompts(s) >= 2);
    t.typed("run quiet --image=busybox --restart=Never --command -- sh -c 'sleep 1; exit 1'");
    t.send(&["Enter"]);
    t.wait_for("created", |s| s.contains("pod/quiet created"));
    c.wait_status("quiet", "Error");
    std::thread::sleep(Duration::from_secs(2));
    assert!(!t.screen().contains("pod/quiet: Running -> Failed"), "silenced:\n{}", t.screen());
    let before = prompts(&t.screen());
    t.typed("notify on");
    t.send(&["Enter"]);
    // The next line is typed once the shell is back at its prompt, not into the one before.
    t.wait_for("notify on ran", |s| prompts(s) > before);
    t.typed("run loud --image=busybox --restart=Never --command -- sh -c 'sleep 1; exit 1'");
    t.send(&["Enter"]);
    t.wait_for("the notice, back", |s| s.contains("pod/loud: Running -> Failed (Error, exit code 1)"));
}

/// Completion follows the kubeconfig as commands do: after its file changes (a rotated
/// credential: another CA, token and port under the same context name), the cache's
/// watches connect again with it, and Tab offers the pods the new server has.
#[test]
fn completion_follows_a_kubeconfig_that_changed_on_disk() {
    let here = TestCluster::start();
    let there = TestCluster::start();
    here.kubectl(&["run", "alpha-one", "--image=nginx:1.14.2"]).ok();
    there.kubectl(&["run", "bravo-two", "--image=nginx:1.14.2"]).ok();
    let t = Shell::start(&here);
    let completes = |typed: &str, want: &str| {
        t.typed(typed);
        let ok = tab_until(&t, want);
        t.send(&["C-u"]);
        ok
    };
    assert!(completes("describe pod alp", "describe pod alpha-one"), "screen:\n{}", t.screen());
    std::fs::copy(&there.kubeconfig, &here.kubeconfig).expect("rotate the kubeconfig");
    t.typed("get pods -o name");
    t.send(&["Enter"]);
    t.wait_for("the new server's pods", |s| s.contains("pod/bravo-two"));
    assert!(completes("describe pod bra", "describe pod bravo-two"), "screen:\n{}", t.screen());
}

/// A panic on the main thread while the line editor has the terminal raw (a debug-build
/// hook panics on Tab) ends the shell with the terminal cooked again. (The unwinding
/// through the line editor's raw-mode guard restores it as well as the panic hook does:
/// this checks the outcome, which either keeps.)
#[test]
fn a_panic_on_the_main_thread_puts_the_terminal_back() {
    let c = TestCluster::start();
    let t = shell_reporting_the_terminal_with(&c, "PODSH_TEST_PANIC_ON_TAB=1");
    t.typed("panic now");
    t.send(&["Tab"]);
    let s = t.wait_for("the shell to end", |s| s.contains("MODES="));
    assert!(s.contains("asked to panic"), "the panic is reported:\n{s}");
    assert!(s.contains("MODES=icanon echo"), "the terminal is cooked again after a panic:\n{s}");
}
