//! What a simulated container does, derived from its image, command and args: a tiny
//! shell that understands `echo`, `sleep`, `exit`, `true`, `false`, `&&`, `||`, `;` and
//! `while true; do ...; done`. An unknown command run on its own is a long-running server
//! (it never exits); inside a script it finishes at once, unless it is the script's last
//! command (`...; exec myserver`).
//!
//! Documented rules (README "The simulator"):
//! - no command: `nginx`/`httpd` images print start-up lines and serve forever;
//!   shell images (`busybox`, `alpine`, `ubuntu`, `debian`) run `sh`, which exits 0 at once;
//!   any other image serves forever.
//! - `sh -c SCRIPT` (or `bash -c`) runs SCRIPT; a bare command runs as one simple command.

use std::sync::Arc;
use std::time::Duration;

/// Which earlier status a step depends on (`a && b`, `a || b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    Always,
    IfOk,
    IfFailed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Shared with every log line it writes (a pod's log is mostly its image's banner).
    Echo(Arc<str>),
    Sleep(Duration),
    /// Sets the last status (`true`, `false`).
    Status(i32),
    /// `exit N`; `None` means "exit with the last status".
    Exit(Option<i32>),
    Forever,
    /// Back to the start of a `while true` body.
    Jump(usize),
    /// A command that changes the container's filesystem (`touch`, `rm`, `mkdir`).
    Files(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instr {
    pub op: Op,
    pub guard: Guard,
}

/// A container's behaviour as a flat instruction list, shared by the containers that run
/// it (every nginx container runs one program).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Program(pub Arc<[Instr]>);

/// Where a run stops: a timed wait, forever, or an exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Wait(Duration),
    Forever,
    Exit(i32),
}

/// Interpreter position, kept between wake-ups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub pc: usize,
    pub status: i32,
}

/// Programs that are shells.
pub const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];
const SHELL_IMAGES: &[&str] = &["busybox", "alpine", "ubuntu", "debian", "centos", "fedora"];
const WEB_IMAGES: &[&str] = &["nginx", "httpd"];

/// The image's repository name without registry, path or tag: `docker.io/library/nginx:1.14` -> `nginx`.
pub fn image_base(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    let no_digest = last.split('@').next().unwrap_or(last);
    no_digest.split(':').next().unwrap_or(no_digest)
}

/// What an image runs when the pod gives no command: its shell for shell images
/// (BusyBox and Alpine `sh`, the distributions' `bash`), else its own program.
pub fn default_command(image: &str) -> &str {
    match image_base(image) {
        "busybox" | "alpine" => "sh",
        base if SHELL_IMAGES.contains(&base) => "bash",
        base => base,
    }
}

/// Whether this command is a shell that reads commands from stdin (no `-c`): with
/// `stdin: true` such a container waits for someone to attach and type.
pub fn reads_stdin(image: &str, command: &[String], args: &[String]) -> bool {
    let argv: Vec<&String> = command.iter().chain(args).collect();
    match argv.first() {
        None => SHELL_IMAGES.contains(&image_base(image)),
        Some(first) => {
            let prog = first.rsplit('/').next().unwrap_or(first);
            SHELLS.contains(&prog) && !argv.iter().any(|a| *a == "-c") && argv.len() == 1
        }
    }
}

impl Program {
    /// The program of a container with this image, command and args.
    pub fn of(image: &str, command: &[String], args: &[String]) -> Program {
        let argv: Vec<String> = command.iter().chain(args).cloned().collect();
        if argv.is_empty() {
            let base = image_base(image);
            if SHELL_IMAGES.contains(&base) {
                return Program::default();
            }
            if WEB_IMAGES.contains(&base) {
                return web_server(base);
            }
            return Program::waiting();
        }
        let prog = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
        if SHELLS.contains(&prog) {
            return match argv.iter().position(|a| a == "-c") {
                Some(i) => parse_script(argv.get(i + 1).map_or("", String::as_str)),
                None => Program::default(),
            };
        }
        let mut out = Vec::new();
        simple(&argv, Guard::Always, &mut out);
        Program(out.into())
    }

    /// A process that allocates past its memory limit: the OOM killer ends it (137) soon
    /// after it starts.
    pub fn oom_killed() -> Program {
        Program([instr(Op::Sleep(Duration::from_millis(800))), instr(Op::Exit(Some(137)))].into())
    }

    /// A process that runs until something outside ends it (a shell waiting on stdin).
    pub fn waiting() -> Program {
        Program([instr(Op::Forever)].into())
    }

    /// Runs from `cur` until the program waits, blocks or exits; `say` receives output lines,
    /// `files` the commands that change the filesystem.
    pub fn run(&self, cur: &mut Cursor, mut say: impl FnMut(Arc<str>), mut files: impl FnMut(&[String])) -> Stop {
        let mut jumps = 0;
        while let Some(i) = self.0.get(cur.pc) {
            cur.pc += 1;
            let take = match i.guard {
                Guard::Always => true,
                Guard::IfOk => cur.status == 0,
                Guard::IfFailed => cur.status != 0,
            };
            if !take {
                continue;
            }
            match &i.op {
                Op::Echo(s) => {
                    say(s.clone());
                    cur.status = 0;
                }
                Op::Sleep(d) => {
                    cur.status = 0;
                    return Stop::Wait(*d);
                }
                Op::Status(s) => cur.status = *s,
                Op::Files(argv) => {
                    files(argv);
                    cur.status = 0;
                }
                Op::Exit(code) => return Stop::Exit(code.unwrap_or(cur.status)),
                Op::Forever => return Stop::Forever,
                Op::Jump(to) => {
                    cur.pc = *to;
                    jumps += 1;
                    // A loop without a sleep would spin; pace it like a busy shell loop would
                    // be paced by the log pipeline.
                    if jumps > 1 {
                        return Stop::Wait(Duration::from_millis(100));
                    }
                }
            }
        }
        Stop::Exit(cur.status)
    }
}

fn instr(op: Op) -> Instr {
    Instr { op, guard: Guard::Always }
}

/// A web server's program: its start-up banner, then it serves. Built once per image and
/// shared.
fn web_server(base: &str) -> Program {
    static PROGRAMS: std::sync::OnceLock<[Program; 2]> = std::sync::OnceLock::new();
    let [httpd, nginx] = PROGRAMS.get_or_init(|| {
        ["httpd", "nginx"].map(|b| {
            let banner = startup_lines(b).into_iter().map(|l| instr(Op::Echo(l.into())));
            Program(banner.chain([instr(Op::Forever)]).collect())
        })
    });
    if base == "httpd" { httpd.clone() } else { nginx.clone() }
}

fn startup_lines(base: &str) -> Vec<String> {
    if base == "httpd" {
        return vec![
            "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.0.1. Set the 'ServerName' directive globally to suppress this message".into(),
            "[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations".into(),
        ];
    }
    [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Seconds a `sleep` argument says: `5`, `0.5`, `2s`, `3m`, `1h`, `1d`; infinite for
/// `infinity`; `None` when it is not a time. (Negative values are the caller's to judge.)
pub fn sleep_seconds(a: &str) -> Option<f64> {
    if a == "infinity" {
        return Some(f64::INFINITY);
    }
    let (num, unit) = match a.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&a[..i], &a[i..]),
        None => (a, "s"),
    };
    let n: f64 = num.parse().ok()?;
    let scale = match unit {
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return None,
    };
    Some(n * scale)
}

/// The main process's `sleep`: `None` means forever (`infinity`, or an argument the
/// simulated shell cannot read); negative values sleep not at all.
fn sleep_arg(arg: Option<&String>) -> Option<Duration> {
    let secs = sleep_seconds(arg.map_or("1", String::as_str)).filter(|s| s.is_finite())?;
    Some(Duration::from_secs_f64(secs.clamp(0.0, 1e9)))
}

fn simple(words: &[String], guard: Guard, out: &mut Vec<Instr>) {
    simple_in(words, guard, out, true);
}

/// Appends one simple command; returns whether it was a command this shell does not know.
fn simple_in(words: &[String], guard: Guard, out: &mut Vec<Instr>, last: bool) -> bool {
    let Some(cmd) = words.first() else { return false };
    let cmd = cmd.rsplit('/').next().unwrap_or(cmd);
    let op = match cmd {
        "echo" => {
            // The log holds stdout and stderr alike, so moving between them changes
            // nothing; output sent to a file does not reach the log.
            const BETWEEN_STREAMS: &[&str] = &[">&2", "1>&2", "2>&1", ">&1", ">/dev/stderr", ">/dev/stdout"];
            let to_file = words.iter().position(|w| w.starts_with('>') && !BETWEEN_STREAMS.contains(&w.as_str()));
            let rest: Vec<&str> = words[1..to_file.unwrap_or(words.len())]
                .iter()
                .map(String::as_str)
                .filter(|w| *w != "-n" && *w != "-e" && !BETWEEN_STREAMS.contains(w))
                .collect();
            if to_file.is_some() { Op::Status(0) } else { Op::Echo(rest.join(" ").into()) }
        }
        "sleep" => match sleep_arg(words.get(1)) {
            Some(d) => Op::Sleep(d),
            None => Op::Forever,
        },
        "exit" => Op::Exit(words.get(1).and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff)),
        "true" | ":" => Op::Status(0),
        "touch" | "rm" | "mkdir" => Op::Files(words.to_vec()),
        "false" => Op::Status(1),
        "exec" if words.len() > 1 => return simple_in(&words[1..], guard, out, last),
        _ if last => Op::Forever,
        _ => {
            out.push(Instr { op: Op::Status(0), guard });
            return true;
        }
    };
    out.push(Instr { op, guard });
    false
}

/// Splits a script into words and separators, honouring quotes and backslashes.
fn lex(script: &str) -> Vec<String> {
    let mut toks = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = script.chars().peekable();
    let flush = |cur: &mut String, quoted: &mut bool, toks: &mut Vec<String>| {
        if !cur.is_empty() || *quoted {
            toks.push(std::mem::take(cur));
        }
        *quoted = false;
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = true;
                for d in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                quoted = true;
                while let Some(d) = chars.next() {
                    match d {
                        '"' => break,
                        '\\' => cur.extend(chars.next()),
                        _ => cur.push(d),
                    }
                }
            }
            '\\' => cur.extend(chars.next()),
            ';' | '\n' => {
                flush(&mut cur, &mut quoted, &mut toks);
                toks.push(";".into());
            }
            '&' | '|' if chars.peek() == Some(&c) => {
                chars.next();
                flush(&mut cur, &mut quoted, &mut toks);
                toks.push(if c == '&' { "&&".into() } else { "||".into() });
            }
            c if c.is_whitespace() => flush(&mut cur, &mut quoted, &mut toks),
            c => cur.push(c),
        }
    }
    flush(&mut cur, &mut quoted, &mut toks);
    toks
}

/// A `for` loop body instruction with `$var` / `${var}` replaced in echoed text.
fn substitute(i: &Instr, var: &str, value: &str) -> Instr {
    match &i.op {
        Op::Echo(t) => Instr {
            op: Op::Echo(t.replace(&format!("${{{var}}}"), value).replace(&format!("${var}"), value).into()),
            guard: i.guard,
        },
        _ => i.clone(),
    }
}

/// Parses a shell script into a program.
pub fn parse_script(script: &str) -> Program {
    let toks = lex(script);
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut guard = Guard::Always;
    let mut loop_start: Option<usize> = None;
    let mut for_items: Option<(String, Vec<String>)> = None;
    let mut last_was_unknown = false;
    for t in toks.into_iter().chain(std::iter::once(";".to_string())) {
        match t.as_str() {
            ";" | "&&" | "||" => {
                match words.first().map(String::as_str) {
                    Some("while") if words.get(1).is_some_and(|w| w == "true" || w == ":") => {
                        loop_start = Some(out.len());
                    }
                    Some("for") if words.get(2).is_some_and(|w| w == "in") => {
                        loop_start = Some(out.len());
                        for_items = Some((words[1].clone(), words[3..].to_vec()));
                    }
                    Some("do") => {
                        loop_start.get_or_insert(out.len());
                        last_was_unknown = simple_in(&words[1..], guard, &mut out, false);
                    }
                    Some("done") => {
                        match (loop_start.take(), for_items.take()) {
                            (Some(start), Some((var, items))) => {
                                let body: Vec<Instr> = out.drain(start..).collect();
                                for item in &items {
                                    out.extend(body.iter().map(|i| substitute(i, &var, item)));
                                }
                            }
                            (Some(start), None) => out.push(instr(Op::Jump(start))),
                            _ => {}
                        }
                        last_was_unknown = false;
                    }
                    _ if words.is_empty() => {}
                    _ => last_was_unknown = simple_in(&words, guard, &mut out, false),
                }
                words.clear();
                guard = match t.as_str() {
                    "&&" => Guard::IfOk,
                    "||" => Guard::IfFailed,
                    _ => Guard::Always,
                };
            }
            _ => words.push(t),
        }
    }
    // The last unknown command of a script is what the container runs.
    if let Some(last) = out.last_mut()
        && last.op == Op::Status(0)
        && last_was_unknown
    {
        last.op = Op::Forever;
    }
    Program(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn file_commands_reach_the_filesystem() {
        let p = Program::of(
            "busybox",
            &s(&["sh", "-c"]),
            &s(&["touch /tmp/healthy; sleep 1; rm -f /tmp/healthy; sleep 600"]),
        );
        let mut cur = Cursor::default();
        let mut ops: Vec<Vec<String>> = Vec::new();
        assert_eq!(p.run(&mut cur, |_| {}, |a| ops.push(a.to_vec())), Stop::Wait(Duration::from_secs(1)));
        assert_eq!(ops, vec![s(&["touch", "/tmp/healthy"])]);
        assert_eq!(p.run(&mut cur, |_| {}, |a| ops.push(a.to_vec())), Stop::Wait(Duration::from_secs(600)));
        assert_eq!(ops[1], s(&["rm", "-f", "/tmp/healthy"]));
    }

    fn run_all(p: &Program) -> (Vec<String>, Vec<Stop>) {
        let mut cur = Cursor::default();
        let (mut lines, mut stops) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            let stop = p.run(&mut cur, |l| lines.push(l.to_string()), |_| {});
            stops.push(stop.clone());
            if !matches!(stop, Stop::Wait(_)) {
                break;
            }
        }
        (lines, stops)
    }

    #[test]
    fn echo_sleep_exit() {
        let p = Program::of("busybox", &s(&["sh", "-c"]), &s(&["echo hi; sleep 2; exit 1"]));
        let (lines, stops) = run_all(&p);
        assert_eq!(lines, vec!["hi"]);
        assert_eq!(stops, vec![Stop::Wait(Duration::from_secs(2)), Stop::Exit(1)]);
    }

    #[test]
    fn bare_commands_and_defaults() {
        assert_eq!(run_all(&Program::of("busybox", &s(&["false"]), &[])).1, vec![Stop::Exit(1)]);
        assert_eq!(run_all(&Program::of("busybox", &s(&["true"]), &[])).1, vec![Stop::Exit(0)]);
        assert_eq!(run_all(&Program::of("busybox", &[], &[])).1, vec![Stop::Exit(0)]);
        assert_eq!(run_all(&Program::of("redis:7", &[], &[])).1, vec![Stop::Forever]);
        assert!(reads_stdin("busybox", &[], &[]));
        assert_eq!(default_command("docker.io/library/busybox:1.36"), "sh");
        assert_eq!(default_command("fedora"), "bash");
        assert_eq!(default_command("redis:7"), "redis");
        assert!(reads_stdin("busybox", &s(&["sh"]), &[]));
        assert!(reads_stdin("nginx", &[], &s(&["/bin/bash"])));
        assert!(!reads_stdin("busybox", &s(&["sh", "-c"]), &s(&["x"])));
        assert!(!reads_stdin("nginx", &[], &[]));
        assert!(!reads_stdin("busybox", &s(&["sleep", "1"]), &[]));
        assert_eq!(
            run_all(&Program::of("busybox", &[], &s(&["sleep", "3600"]))).1,
            vec![Stop::Wait(Duration::from_secs(3600)), Stop::Exit(0)]
        );
        let (lines, stops) = run_all(&Program::of("nginx:1.14.2", &[], &[]));
        assert_eq!(lines.len(), 5);
        assert_eq!(stops, vec![Stop::Forever]);
    }

    #[test]
    fn conditionals_and_loops() {
        let (lines, stops) = run_all(&parse_script("false && echo no || echo yes; exit 3"));
        assert_eq!(lines, vec!["yes"]);
        assert_eq!(stops, vec![Stop::Exit(3)]);
        let p = parse_script("while true; do echo tick; sleep 1; done");
        let (lines, _) = run_all(&p);
        assert!(lines.len() >= 5 && lines.iter().all(|l| l == "tick"), "{lines:?}");
        assert_eq!(parse_script("echo 'a;b' \"c d\"").0[0].op, Op::Echo("a;b c d".into()));
        assert_eq!(parse_script("echo bad config >&2").0[0].op, Op::Echo("bad config".into()));
        assert_eq!(parse_script("echo x 2>&1").0[0].op, Op::Echo("x".into()));
        assert_eq!(parse_script("echo x > /tmp/f").0[0].op, Op::Status(0));
        let (lines, _) = run_all(&parse_script("for i in 1 2 3; do echo n=$i; done; echo end"));
        assert_eq!(lines, vec!["n=1", "n=2", "n=3", "end"]);
        let (lines, stops) = run_all(&parse_script("apt-get update; echo done"));
        assert_eq!((lines, stops), (vec!["done".to_string()], vec![Stop::Exit(0)]));
        assert_eq!(run_all(&parse_script("echo up; exec myserver --port 80")).1, vec![Stop::Forever]);
    }

    #[test]
    fn image_names() {
        assert_eq!(image_base("docker.io/library/nginx:1.14.2"), "nginx");
        assert_eq!(image_base("nginx@sha256:abc"), "nginx");
        assert_eq!(image_base("localhost:5000/app"), "app");
    }
}
