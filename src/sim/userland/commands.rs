//! Running a command inside the container: the shell's builtins, then programs found on
//! the PATH of the container's filesystem (so an image without `curl` says `not found`,
//! and removing `/bin/ls` removes `ls`). File programs (`files.rs`), network clients
//! (`net.rs`) and `tar` (`tarball.rs`) live beside this file; the small ones here. Other
//! shells and scripts go back to the shell (`Found`).

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;

use super::fs::absolute;
use super::io::{Sink, Source};
use super::process::Shell;
use super::seed::{Flavor, Server};
use super::{files, net, tarball};

/// What running a command came to: its exit status, or a program the shell itself runs
/// (another shell, or a file that is a script).
pub enum Found {
    Exit(i32),
    Shell(String),
    Script(String),
}

/// Runs `argv` as a builtin or a program on the PATH; returns how it ended.
pub async fn run(sh: &mut Shell, argv: &[String], stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> Found {
    let Some(cmd) = argv.first() else { return Found::Exit(0) };
    let args = &argv[1..];
    if let Some(code) = builtin(sh, cmd, args, out, err) {
        return Found::Exit(code);
    }
    let Some(path) = sh.which(cmd) else { return Found::Exit(sh.report_missing(err, cmd)) };
    let program = path.rsplit('/').next().unwrap_or("").to_string();
    if !super::seed::program_known(&program) || !path.starts_with("/bin/") {
        return Found::Script(path);
    }
    if crate::sim::program::SHELLS.contains(&program.as_str()) {
        return Found::Shell(program);
    }
    Found::Exit(tool(sh, &program, cmd, args, stdin, out, err).await)
}

/// The shell's builtins; `None` when `cmd` is not one.
fn builtin(sh: &mut Shell, cmd: &str, args: &[String], out: &mut Sink, err: &mut Sink) -> Option<i32> {
    let code = match cmd {
        "cd" => cd(sh, args, err),
        "exit" => {
            let code = args.first().and_then(|a| a.parse::<i32>().ok()).unwrap_or(sh.status) & 0xff;
            sh.exited = Some(code);
            code
        }
        "export" => {
            for a in args {
                match a.split_once('=') {
                    Some((k, v)) => sh.set_var(k, v),
                    None if sh.var(a).is_none() => sh.set_var(a, ""),
                    None => {}
                }
            }
            0
        }
        "unset" => {
            sh.vars.retain(|(k, _)| !args.contains(k));
            0
        }
        "echo" => echo(args, out),
        "pwd" => {
            out.say(&format!("{}\n", sh.cwd));
            0
        }
        "true" | ":" => 0,
        "false" => 1,
        "test" | "[" => files::test(sh, cmd, args, err),
        "type" | "command" => kind_of(sh, args, out),
        _ => return None,
    };
    Some(code)
}

/// A program of the image, by its name on disk.
async fn tool(
    sh: &mut Shell,
    program: &str,
    cmd: &str,
    args: &[String],
    stdin: &mut Source<'_>,
    out: &mut Sink,
    err: &mut Sink,
) -> i32 {
    match program {
        "cat" => files::cat(sh, args, stdin, out, err).await,
        "ls" => files::ls(sh, args, out, err),
        "mkdir" => files::mkdir(sh, args, err),
        "touch" => files::touch(sh, args, err),
        "rm" => files::rm(sh, args, err),
        "rmdir" => files::rmdir(sh, args, err),
        "cp" | "mv" => files::copy(sh, program, args, err),
        "chmod" => files::chmod(sh, args, err),
        "head" | "tail" => files::head_tail(sh, program, args, stdin, out, err).await,
        "grep" => files::grep(sh, args, stdin, out, err).await,
        "wc" => files::wc(sh, args, stdin, out, err).await,
        "env" | "printenv" => env(sh, program, args, out),
        "hostname" => {
            out.say(&format!("{}\n", sh.ctr.pod));
            0
        }
        "whoami" => {
            out.say("root\n");
            0
        }
        "id" => {
            out.say("uid=0(root) gid=0(root) groups=0(root)\n");
            0
        }
        "uname" => uname(sh, args, out),
        "date" => {
            out.say(&format!("{}\n", Timestamp::now().strftime("%a %b %e %H:%M:%S UTC %Y")));
            0
        }
        "ps" => ps(sh, args, out),
        "sleep" => sleep(sh, args, stdin, err).await,
        "curl" => net::curl(sh, args, out, err),
        "wget" => net::wget(sh, args, out, err),
        "tar" => tarball::tar(sh, args, stdin, out, err).await,
        "nginx" | "httpd" => {
            err.say(&format!("{} version: {}\n", program, sh.ctr.server_version()));
            0
        }
        _ => sh.report_missing(err, cmd),
    }
}

fn cd(sh: &mut Shell, args: &[String], err: &mut Sink) -> i32 {
    let target = args.first().cloned().unwrap_or_else(|| sh.var("HOME").unwrap_or("/").to_string());
    let path = absolute(&sh.cwd, &target);
    let problem = match sh.fs().lookup("/", &path) {
        Ok(n) if n.is_dir() => None,
        Ok(_) => Some("Not a directory"),
        Err(e) => Some(e.text()),
    };
    match problem {
        None => {
            sh.cwd = path;
            0
        }
        Some(why) => {
            let what = match (sh.ctr.flavor(), sh.name.as_str()) {
                (Flavor::Debian, "bash") => format!("cd: {target}"),
                (Flavor::Debian, _) => "cd".to_string(),
                (Flavor::Ash, _) => format!("cd: can't cd to {target}"),
            };
            let msg = match (sh.ctr.flavor(), sh.name.as_str()) {
                (Flavor::Debian, "bash") => why.to_string(),
                (Flavor::Debian, _) => format!("can't cd to {target}"),
                (Flavor::Ash, _) => why.to_string(),
            };
            sh.complain(err, &what, &msg);
            if sh.name == "bash" || sh.ctr.flavor() == Flavor::Ash { 1 } else { 2 }
        }
    }
}

fn echo(args: &[String], out: &mut Sink) -> i32 {
    let newline = args.first().is_none_or(|a| a != "-n");
    let words: Vec<&str> = args.iter().map(String::as_str).skip(usize::from(!newline)).collect();
    let mut text = words.join(" ");
    if newline {
        text.push('\n');
    }
    out.say(&text);
    0
}

fn kind_of(sh: &Shell, args: &[String], out: &mut Sink) -> i32 {
    let mut status = 0;
    for a in args {
        match sh.which(a) {
            Some(p) => out.say(&format!("{a} is {p}\n")),
            None => {
                out.say(&format!("{a}: not found\n"));
                status = 1;
            }
        }
    }
    status
}

fn env(sh: &Shell, program: &str, args: &[String], out: &mut Sink) -> i32 {
    if program == "printenv" && !args.is_empty() {
        let mut status = 0;
        for a in args {
            match sh.var(a) {
                Some(v) => out.say(&format!("{v}\n")),
                None => status = 1,
            }
        }
        return status;
    }
    for (k, v) in &sh.vars {
        out.say(&format!("{k}={v}\n"));
    }
    0
}

fn uname(sh: &Shell, args: &[String], out: &mut Sink) -> i32 {
    let text = match args.first().map(String::as_str) {
        Some("-a") => format!("Linux {} 6.8.0-podsh #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux", sh.ctr.pod),
        Some("-r") => "6.8.0-podsh".into(),
        Some("-n") => sh.ctr.pod.clone(),
        Some("-m") => "x86_64".into(),
        _ => "Linux".into(),
    };
    out.say(&format!("{text}\n"));
    0
}

/// The processes in the container: its main process (PID 1, with a server's workers),
/// the shell and `ps` itself.
fn ps(sh: &Shell, args: &[String], out: &mut Sink) -> i32 {
    let main = if sh.ctr.main.is_empty() { vec!["sh".to_string()] } else { sh.ctr.main.clone() };
    let mut procs: Vec<(u32, &str, String)> = Vec::new();
    match sh.ctr.server() {
        Some(Server::Nginx) => {
            procs.push((1, "root", "nginx: master process nginx -g daemon off;".into()));
            procs.push((29, "nginx", "nginx: worker process".into()));
            procs.push((30, "nginx", "nginx: worker process".into()));
        }
        Some(Server::Httpd) => {
            procs.push((1, "root", "httpd -DFOREGROUND".into()));
            procs.push((8, "daemon", "httpd -DFOREGROUND".into()));
        }
        None => procs.push((1, "root", main.join(" "))),
    }
    if sh.pid != 1 {
        procs.push((sh.pid, "root", sh.name.clone()));
    }
    let me = sh.pid + 6;
    let all = args.iter().any(|a| a.contains('a') || a == "-e" || a.contains('e'));
    match sh.ctr.flavor() {
        Flavor::Ash => {
            out.say("PID   USER     TIME  COMMAND\n");
            procs.push((me, "root", format!("ps{}", args.iter().map(|a| format!(" {a}")).collect::<String>())));
            for (pid, user, cmd) in procs {
                out.say(&format!("{pid:>5} {user:<8}  0:00 {cmd}\n"));
            }
        }
        Flavor::Debian if all => {
            out.say("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n");
            procs.push((me, "root", format!("ps {}", args.join(" "))));
            let start = Timestamp::now().strftime("%H:%M").to_string();
            for (pid, user, cmd) in procs {
                let (tty, stat) = if pid == 1 || pid < sh.pid { ("?", "Ss") } else { ("pts/0", "R+") };
                out.say(&format!(
                    "{user:<8} {pid:>7}  0.0  0.0  11404  7424 {tty:<8} {stat:<4} {start}   0:00 {cmd}\n"
                ));
            }
        }
        Flavor::Debian => {
            out.say("    PID TTY          TIME CMD\n");
            if sh.pid != 1 {
                out.say(&format!("{:>7} pts/0    00:00:00 {}\n", sh.pid, sh.name));
            }
            out.say(&format!("{me:>7} pts/0    00:00:00 ps\n"));
        }
    }
    0
}

/// `sleep N`: waits, or stops at Ctrl-C with status 130.
async fn sleep(sh: &Shell, args: &[String], stdin: &mut Source<'_>, err: &mut Sink) -> i32 {
    let Some(secs) = args.first().and_then(|a| parse_seconds(a)) else {
        sh.complain(err, "sleep", "invalid number");
        return 1;
    };
    let wait = tokio::time::sleep(Duration::from_secs_f64(secs.min(1e7)));
    tokio::select! {
        _ = wait => 0,
        _ = stdin.interrupted() => 130,
    }
}

/// `sleep`'s argument for a command: negative times are refused, forever is capped.
fn parse_seconds(a: &str) -> Option<f64> {
    crate::sim::program::sleep_seconds(a).filter(|n| *n >= 0.0).map(|n| n.min(1e7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_arguments() {
        assert_eq!(parse_seconds("2"), Some(2.0));
        assert_eq!(parse_seconds("0.5"), Some(0.5));
        assert_eq!(parse_seconds("2m"), Some(120.0));
        assert_eq!(parse_seconds("1h"), Some(3600.0));
        assert_eq!(parse_seconds("3s"), Some(3.0));
        assert_eq!(parse_seconds("infinity"), Some(1e7));
        assert_eq!(parse_seconds("x"), None);
        assert_eq!(parse_seconds("-1"), None);
    }
}
