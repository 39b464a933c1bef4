//! A process in a container: the shell's state (working directory, variables, last
//! status, how it was invoked) with what every program it runs needs from it: the
//! filesystem, the environment, PATH lookup, and complaints in the image's wording.

use std::sync::{Arc, Mutex, MutexGuard};

use super::fs::{Body, Fs, absolute, components};
use super::io::Sink;
use super::seed::{Container, Flavor};
use super::web::Served;

/// What a running shell may do outside its container's filesystem.
pub trait Host: Send + Sync {
    /// Appends a line to the log of `container` in the pod (a server's access log goes to
    /// its stdout).
    fn log_line(&self, container: &str, line: String);
}

/// Where the shell looks for programs.
pub const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

pub struct Shell {
    pub ctr: Arc<Container>,
    pub fs: Arc<Mutex<Fs>>,
    pub host: Arc<dyn Host>,
    pub cwd: String,
    pub vars: Vec<(String, String)>,
    pub status: i32,
    /// How it was invoked: `sh`, `bash` or `ash`.
    pub name: String,
    pub pid: u32,
    /// Line number inside a script (dash puts it in error messages).
    pub line_no: usize,
    pub exited: Option<i32>,
    /// The web servers reachable on the pod's `localhost`.
    pub network: Arc<Vec<Served>>,
    /// On a terminal: an interactive shell prompts.
    pub tty: bool,
    /// The terminal's width when the session has said it (`ls` lays out columns then).
    pub columns: Option<usize>,
}

impl Shell {
    pub fn new(ctr: Arc<Container>, fs: Arc<Mutex<Fs>>, host: Arc<dyn Host>, name: &str, pid: u32) -> Self {
        let mut vars = ctr.env.clone();
        if !vars.iter().any(|(k, _)| k == "HOME") {
            vars.push(("HOME".into(), "/root".into()));
        }
        Shell {
            ctr,
            fs,
            host,
            cwd: "/".into(),
            vars,
            status: 0,
            name: name.into(),
            pid,
            line_no: 1,
            exited: None,
            network: Arc::default(),
            tty: false,
            columns: None,
        }
    }

    /// A process this one starts (another shell, a script): same container, working
    /// directory, variables and terminal.
    pub fn child(&self, name: &str) -> Shell {
        let mut child =
            Shell::new(Arc::clone(&self.ctr), Arc::clone(&self.fs), Arc::clone(&self.host), name, self.pid + 1);
        child.cwd = self.cwd.clone();
        child.vars = self.vars.clone();
        child.tty = self.tty;
        child.network = Arc::clone(&self.network);
        child.columns = self.columns;
        child
    }

    pub fn fs(&self) -> MutexGuard<'_, Fs> {
        self.fs.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn set_var(&mut self, name: &str, value: &str) {
        match self.vars.iter_mut().find(|(k, _)| k == name) {
            Some(v) => v.1 = value.into(),
            None => self.vars.push((name.into(), value.into())),
        }
    }

    /// The prompt an interactive shell of this kind prints.
    pub fn prompt(&self) -> String {
        let home = self.var("HOME").unwrap_or("/root");
        let short = if self.cwd == home {
            "~".to_string()
        } else if let Some(rest) = self.cwd.strip_prefix(&format!("{home}/")) {
            format!("~/{rest}")
        } else {
            self.cwd.clone()
        };
        match (self.ctr.flavor(), self.name.as_str()) {
            (Flavor::Debian, "bash") => format!("root@{}:{short}# ", self.ctr.pod),
            (Flavor::Debian, _) => "# ".into(),
            (Flavor::Ash, _) => format!("{short} # "),
        }
    }

    /// The shell's complaint about a command, in its own format.
    pub fn complain(&self, err: &mut Sink, what: &str, message: &str) {
        let text = match (self.ctr.flavor(), self.name.as_str()) {
            (Flavor::Debian, "bash") => format!("bash: {what}: {message}\n"),
            (Flavor::Debian, _) => format!("{}: {}: {what}: {message}\n", self.name, self.line_no),
            (Flavor::Ash, _) => format!("{}: {what}: {message}\n", self.name),
        };
        err.say(&text);
    }

    fn not_found(&self, err: &mut Sink, cmd: &str) {
        let message = if self.name == "bash" { "command not found" } else { "not found" };
        self.complain(err, cmd, message);
    }

    /// A file's bytes, or the reason it cannot be read.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, &'static str> {
        let fs = self.fs();
        match fs.lookup(&self.cwd, path) {
            Ok(n) => match &n.body {
                Body::File(d) => Ok(d.clone()),
                Body::Dir(_) => Err("Is a directory"),
            },
            Err(e) => Err(e.text()),
        }
    }

    /// Finds a program: a path, or a name searched on the PATH.
    pub fn which(&self, cmd: &str) -> Option<String> {
        let fs = self.fs();
        if cmd.contains('/') {
            let p = absolute(&self.cwd, cmd);
            return fs.get(&components("/", &p)).ok().filter(|n| !n.is_dir()).map(|_| p);
        }
        let path = self.var("PATH").unwrap_or(PATH).to_string();
        path.split(':')
            .map(|d| format!("{}/{cmd}", d.trim_end_matches('/')))
            .find(|p| fs.lookup("/", p).is_ok_and(|n| !n.is_dir()))
    }

    pub fn report_missing(&self, err: &mut Sink, cmd: &str) -> i32 {
        self.not_found(err, cmd);
        127
    }
}
