//! The container's shell (`sh`, `bash`, BusyBox `ash`) interpreting lines: lists,
//! pipelines, `$VAR` and `*` expansion, redirections to files, the interactive loop, and
//! which runs what: builtins and programs in `commands`, other shells and `#!` scripts
//! here. Error wording follows the image's shell (see `process`).

use crate::common::glob::glob;
use std::collections::VecDeque;

use super::commands::{self, Found};
use super::fs::{Body, absolute};
use super::io::{Sink, Source, Wake};
use super::parse::{Join, Piece, RedirKind, Simple, Word, parse};
use super::process::Shell;
use super::seed::Flavor;

impl Shell {
    /// Runs one line; sets and returns the status.
    pub async fn run_line(&mut self, line: &str, stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
        let list = match parse(line) {
            Ok(l) => l,
            Err(e) => {
                let msg = match self.ctr.flavor() {
                    Flavor::Ash => format!("{}: syntax error: {}\n", self.name, e.trim_start_matches("Syntax error: ")),
                    Flavor::Debian => format!("{}: {}: {e}\n", self.name, self.line_no),
                };
                err.say(&msg);
                self.status = 2;
                return 2;
            }
        };
        for (join, pipeline) in list {
            if self.exited.is_some() {
                break;
            }
            let run = match join {
                Join::Then => true,
                Join::And => self.status == 0,
                Join::Or => self.status != 0,
            };
            if run {
                self.status = self.pipeline(&pipeline, stdin, out, err).await;
            }
        }
        self.status
    }

    /// Runs a script's lines in order (`sh -c`, `sh file`), stopping at `exit`.
    pub async fn run_script(&mut self, text: &str, stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
        for (i, line) in text.lines().enumerate() {
            self.line_no = i + 1;
            self.run_line(line, stdin, out, err).await;
            if let Some(code) = self.exited {
                return code;
            }
        }
        self.status
    }

    async fn pipeline(&mut self, cmds: &[Simple], stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
        let mut carried: Option<Vec<u8>> = None;
        let mut status = 0;
        for (i, cmd) in cmds.iter().enumerate() {
            let last = i + 1 == cmds.len();
            let mut pipe_out = Sink::buffer();
            let sink = if last { &mut *out } else { &mut pipe_out };
            status = match carried.take() {
                Some(data) => {
                    let mut src = Source::Bytes(VecDeque::from(data));
                    Box::pin(self.simple(cmd, &mut src, sink, err)).await
                }
                None => Box::pin(self.simple(cmd, stdin, sink, err)).await,
            };
            if !last {
                carried = Some(pipe_out.take_buffer());
            }
        }
        status
    }

    /// Expands a word into fields: variables, then `*`/`?` against the filesystem.
    pub fn expand(&self, word: &Word) -> Vec<String> {
        let mut fields: Vec<String> = vec![String::new()];
        let mut globbed = false;
        let mut any_quoted = false;
        for piece in word {
            match piece {
                Piece::Lit(s, q) => {
                    any_quoted |= *q;
                    globbed |= !q && (s.contains('*') || s.contains('?'));
                    if let Some(f) = fields.last_mut() {
                        f.push_str(s);
                    }
                }
                Piece::Var(name, q) => {
                    any_quoted |= *q;
                    let value = self.lookup(name);
                    if *q {
                        if let Some(f) = fields.last_mut() {
                            f.push_str(&value);
                        }
                    } else {
                        let mut parts = value.split_whitespace();
                        if let (Some(first), Some(f)) = (parts.next(), fields.last_mut()) {
                            f.push_str(first);
                        }
                        fields.extend(parts.map(str::to_string));
                    }
                }
            }
        }
        if fields.len() == 1 && fields[0].is_empty() && !any_quoted {
            return Vec::new();
        }
        if globbed && fields.len() == 1 {
            let matches = self.glob(&fields[0]);
            if !matches.is_empty() {
                return matches;
            }
        }
        fields
    }

    fn lookup(&self, name: &str) -> String {
        match name {
            "?" => self.status.to_string(),
            "$" => self.pid.to_string(),
            "#" => "0".into(),
            "0" => self.name.clone(),
            n => self.var(n).unwrap_or("").to_string(),
        }
    }

    /// Paths matching a pattern whose last component has wildcards.
    fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, name) = match pattern.rsplit_once('/') {
            Some((d, n)) => (if d.is_empty() { "/" } else { d }, n),
            None => (".", pattern),
        };
        if dir.contains(['*', '?']) {
            return Vec::new();
        }
        let fs = self.fs();
        let Ok(node) = fs.lookup(&self.cwd, dir) else { return Vec::new() };
        let Some(children) = node.children() else { return Vec::new() };
        children
            .keys()
            .filter(|k| !k.starts_with('.') && glob(name, k))
            .map(|k| match pattern.rsplit_once('/') {
                Some((d, _)) => format!("{d}/{k}"),
                None => k.clone(),
            })
            .collect()
    }

    async fn simple(&mut self, cmd: &Simple, stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
        let mut argv: Vec<String> = cmd.words.iter().flat_map(|w| self.expand(w)).collect();
        // Leading NAME=value words set variables (for the shell when nothing follows).
        let assigns = argv.iter().take_while(|a| assignment(a).is_some()).count();
        for a in argv.drain(..assigns).collect::<Vec<_>>() {
            if let Some((k, v)) = assignment(&a) {
                self.set_var(k, v);
            }
        }
        // Redirections apply in order, as a shell applies them (`> f 2>&1` and `2>&1 > f`
        // differ); files are created before the command runs and filled after it.
        let mut redirected_in: Option<Source<'static>> = None;
        let (mut o, mut e) = (out.share(), err.share());
        let mut files: Vec<(String, Sink)> = Vec::new();
        for r in &cmd.redirs {
            let target = self.expand(&r.target).join(" ");
            match r.kind {
                RedirKind::ErrToOut => e = o.share(),
                RedirKind::OutToErr => o = e.share(),
                RedirKind::Read => match self.read_file(&target) {
                    Ok(data) => redirected_in = Some(Source::Bytes(VecDeque::from(data))),
                    Err(msg) => {
                        self.complain(err, &target, msg);
                        return 1;
                    }
                },
                RedirKind::Write { fd, append } => {
                    let sink = if target == "/dev/null" {
                        Sink::Null
                    } else {
                        let path = absolute(&self.cwd, &target);
                        if let Err(why) = self.fs().write("/", &path, b"", append) {
                            self.complain(err, &target, &cannot_create(why.text()));
                            return if self.ctr.flavor() == Flavor::Debian && self.name != "bash" { 2 } else { 1 };
                        }
                        let buffer = Sink::buffer();
                        files.push((path, buffer.share()));
                        buffer
                    };
                    if fd == 2 {
                        e = sink;
                    } else {
                        o = sink;
                    }
                }
            }
        }
        if argv.is_empty() {
            return 0;
        }
        let status = match redirected_in.as_mut() {
            Some(src) => run_command(self, &argv, src, &mut o, &mut e).await,
            None => run_command(self, &argv, stdin, &mut o, &mut e).await,
        };
        for (path, mut buffer) in files {
            let _ = self.fs().write("/", &path, &buffer.take_buffer(), true);
        }
        status
    }

    /// The interactive loop: prompt, read a line, run it; ends at `exit` or end of input.
    pub async fn interact(&mut self, stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink, prompt: bool) -> i32 {
        loop {
            if prompt {
                out.say(&self.prompt());
            }
            match stdin.line().await {
                Ok(line) => {
                    let text = String::from_utf8_lossy(&line).into_owned();
                    self.run_line(&text, stdin, out, err).await;
                    if let Some(code) = self.exited {
                        if prompt && self.name == "bash" {
                            out.say("exit\n");
                        }
                        return code;
                    }
                }
                Err(Wake::Interrupt) => {
                    self.status = 130;
                }
                Err(_) => {
                    if prompt {
                        out.say("exit\n");
                    }
                    return self.status;
                }
            }
        }
    }
}

/// Runs a command line's words: builtins and programs through `commands`, another shell
/// or a `#!` script here. Returns the exit status.
pub async fn run_command(
    sh: &mut Shell,
    argv: &[String],
    stdin: &mut Source<'_>,
    out: &mut Sink,
    err: &mut Sink,
) -> i32 {
    match commands::run(sh, argv, stdin, out, err).await {
        Found::Exit(code) => code,
        Found::Shell(name) => subshell(sh, &name, &argv[1..], stdin, out, err).await,
        Found::Script(path) => script(sh, &argv[0], &path, stdin, out, err).await,
    }
}

/// Another shell: `sh -c SCRIPT`, `sh FILE`, or `sh` reading its input.
async fn subshell(
    sh: &mut Shell,
    name: &str,
    args: &[String],
    stdin: &mut Source<'_>,
    out: &mut Sink,
    err: &mut Sink,
) -> i32 {
    let mut child = sh.child(name);
    match args.first().map(String::as_str) {
        Some("-c") => {
            let script = args.get(1).cloned().unwrap_or_default();
            Box::pin(child.run_script(&script, stdin, out, err)).await
        }
        Some(file) => match sh.read_file(file) {
            Ok(data) => Box::pin(child.run_script(&String::from_utf8_lossy(&data), stdin, out, err)).await,
            Err(why) => {
                let msg = format!("{name}: can't open '{file}': {why}\n");
                err.say(&msg);
                if sh.ctr.flavor() == Flavor::Ash { 2 } else { 127 }
            }
        },
        None => Box::pin(child.interact(stdin, out, err, sh.tty)).await,
    }
}

/// A file on the PATH that is not a built-in program: a `#!` shell script runs; anything
/// else cannot be executed here.
async fn script(sh: &mut Shell, cmd: &str, path: &str, stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
    let (mode, data) = {
        let fs = sh.fs();
        match fs.lookup("/", path) {
            Ok(n) => (n.mode, if let Body::File(d) = &n.body { d.clone() } else { Vec::new() }),
            Err(_) => return sh.report_missing(err, cmd),
        }
    };
    if mode & 0o111 == 0 {
        sh.complain(err, cmd, "Permission denied");
        return 126;
    }
    let text = String::from_utf8_lossy(&data).into_owned();
    if !text.starts_with("#!") {
        sh.complain(err, cmd, "Exec format error");
        return 126;
    }
    let mut child = sh.child("sh");
    Box::pin(child.run_script(&text, stdin, out, err)).await
}

fn cannot_create(reason: &str) -> String {
    format!("cannot create: {reason}")
}

/// `NAME=value` splits into its parts.
fn assignment(word: &str) -> Option<(&str, &str)> {
    let (k, v) = word.split_once('=')?;
    let ok = !k.is_empty()
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !k.starts_with(|c: char| c.is_ascii_digit());
    ok.then_some((k, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments() {
        assert_eq!(assignment("A=1"), Some(("A", "1")));
        assert_eq!(assignment("A_b2="), Some(("A_b2", "")));
        assert_eq!(assignment("1A=1"), None);
        assert_eq!(assignment("=1"), None);
        assert_eq!(assignment("a-b=1"), None);
        assert_eq!(assignment("--x=1"), None);
    }
}
