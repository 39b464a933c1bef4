//! A command in a real terminal: a tmux pane on a private server, keys typed into it and
//! the screen read back, every wait bounded. The pane prints `EXITED=<code>` when the
//! command ends and stays up long enough to be read.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `cmd` (a shell command line) in a new 150x45 pane.
    pub fn spawn(cmd: &str) -> Tmux {
        let socket = format!("podsh-test-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        // The pane's own sh must outlive a Ctrl-C meant for the program under test (it
        // shares the terminal's foreground group); a no-op trap keeps it, and is not inherited.
        let line = format!("trap : INT; {cmd}; echo EXITED=$?; sleep 60");
        let ok = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-s", "main", "-x", "150", "-y", "45", &line])
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "tmux is required for terminal tests (apt-get install tmux)");
        Tmux { socket }
    }

    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        let _ = Command::new("tmux").args(args).status();
    }

    pub fn typed(&self, text: &str) {
        self.send(&["-l", "--", text]);
    }

    /// Types a line and presses Enter.
    pub fn line(&self, text: &str) {
        self.typed(text);
        self.send(&["Enter"]);
    }

    pub fn screen(&self) -> String {
        Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-S", "-300", "-t", "main"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if cond(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}
