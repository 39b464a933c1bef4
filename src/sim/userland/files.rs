//! The container's file programs: `ls`, `cat`, `mkdir`, `touch`, `rm`, `rmdir`, `cp`,
//! `mv`, `chmod`, `head`, `tail`, `grep`, `wc` and `test`, over the in-memory filesystem,
//! with GNU coreutils' wording on Debian-based images and BusyBox's on busybox/alpine.

use k8s_openapi::jiff::Timestamp;

use super::fs::{Body, Node, absolute, components};
use super::io::{Sink, Source};
use super::process::Shell;
use super::seed::Flavor;

/// Prints a tool's error in the image's wording; `gnu` and `bb` are the two phrasings.
fn fail(sh: &Shell, err: &mut Sink, tool: &str, gnu: String, bb: String) {
    let text = if sh.ctr.flavor() == Flavor::Ash { bb } else { gnu };
    err.say(&format!("{tool}: {text}\n"));
}

/// Splits `-la`, `-n 5` style options from operands; options are single letters.
fn options(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut rest = Vec::new();
    let mut operands_only = false;
    for a in args {
        if !operands_only && a == "--" {
            operands_only = true;
        } else if !operands_only && a.len() > 1 && a.starts_with('-') {
            flags.push_str(a.trim_start_matches('-'));
        } else {
            rest.push(a.clone());
        }
    }
    (flags, rest)
}

pub async fn cat(sh: &Shell, args: &[String], stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
    let (_, files) = options(args);
    if files.is_empty() || files == ["-"] {
        return match stdin.all().await {
            Ok(d) => {
                out.write(&d);
                0
            }
            Err(_) => 130,
        };
    }
    let mut status = 0;
    for f in &files {
        match sh.read_file(f) {
            Ok(d) => out.write(&d),
            Err(why) => {
                fail(sh, err, "cat", format!("{f}: {why}"), format!("can't open '{f}': {why}"));
                status = 1;
            }
        }
    }
    status
}

fn mode_string(n: &Node) -> String {
    let mut s = String::from(if n.is_dir() { "d" } else { "-" });
    for shift in [6, 3, 0] {
        let bits = (n.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

fn long_line(name: &str, n: &Node, size_width: usize) -> String {
    let links = n.children().map_or(1, |c| 2 + c.values().filter(|x| x.is_dir()).count());
    let when = n.mtime.strftime("%b %e %H:%M");
    format!("{} {links:>2} root root {:>size_width$} {when} {name}\n", mode_string(n), n.size())
}

/// Names laid out in columns down then across, as `ls` does on a terminal `width` wide.
pub fn columns(names: &[String], width: usize) -> String {
    if names.is_empty() {
        return String::new();
    }
    let n = names.len();
    for cols in (1..=n).rev() {
        let rows = n.div_ceil(cols);
        let used_cols = n.div_ceil(rows);
        let widths: Vec<usize> = (0..used_cols)
            .map(|c| names[c * rows..((c + 1) * rows).min(n)].iter().map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let total: usize = widths.iter().sum::<usize>() + 2 * (used_cols - 1);
        if total <= width || cols == 1 {
            let mut out = String::new();
            for r in 0..rows {
                let mut line = String::new();
                for (c, w) in widths.iter().enumerate() {
                    if let Some(name) = names.get(c * rows + r) {
                        line.push_str(name);
                        if c + 1 < used_cols && names.get((c + 1) * rows + r).is_some() {
                            line.push_str(&" ".repeat(w - name.chars().count() + 2));
                        }
                    }
                }
                out.push_str(&line);
                out.push('\n');
            }
            return out;
        }
    }
    String::new()
}

pub fn ls(sh: &Shell, args: &[String], out: &mut Sink, err: &mut Sink) -> i32 {
    let (flags, mut paths) = options(args);
    let (long, all, one) = (flags.contains('l'), flags.contains('a'), flags.contains('1'));
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut status = 0;
    let many = paths.len() > 1;
    let fs = sh.fs();
    for (i, p) in paths.iter().enumerate() {
        let node = match fs.lookup(&sh.cwd, p) {
            Ok(n) => n,
            Err(e) => {
                let why = e.text();
                fail(sh, err, "ls", format!("cannot access '{p}': {why}"), format!("{p}: {why}"));
                status = if sh.ctr.flavor() == Flavor::Ash { 1 } else { 2 };
                continue;
            }
        };
        let entries: Vec<(String, &Node)> = match node.children() {
            None => vec![(p.clone(), node)],
            Some(children) => {
                let mut e: Vec<(String, &Node)> = Vec::new();
                if all {
                    e.push((".".into(), node));
                    e.push(("..".into(), node));
                }
                e.extend(children.iter().filter(|(k, _)| all || !k.starts_with('.')).map(|(k, v)| (k.clone(), v)));
                e
            }
        };
        if many && node.is_dir() {
            out.say(&format!("{}{p}:\n", if i > 0 { "\n" } else { "" }));
        }
        if long {
            if node.is_dir() {
                let blocks: usize = entries.iter().map(|(_, n)| n.size().div_ceil(4096) * 4).sum();
                out.say(&format!("total {blocks}\n"));
            }
            let w = entries.iter().map(|(_, n)| n.size().to_string().len()).max().unwrap_or(1);
            for (name, n) in &entries {
                out.say(&long_line(name, n, w));
            }
        } else {
            let names: Vec<String> = entries.into_iter().map(|(k, _)| k).collect();
            match sh.columns {
                Some(width) if !one => out.say(&columns(&names, width)),
                _ => {
                    for name in names {
                        out.say(&format!("{name}\n"));
                    }
                }
            }
        }
    }
    status
}

pub fn mkdir(sh: &Shell, args: &[String], err: &mut Sink) -> i32 {
    let (flags, dirs) = options(args);
    let mut status = 0;
    for d in &dirs {
        if let Err(e) = sh.fs().mkdir(&sh.cwd, d, flags.contains('p')) {
            let why = e.text();
            fail(
                sh,
                err,
                "mkdir",
                format!("cannot create directory '{d}': {why}"),
                format!("can't create directory '{d}': {why}"),
            );
            status = 1;
        }
    }
    status
}

pub fn touch(sh: &Shell, args: &[String], err: &mut Sink) -> i32 {
    let (_, files) = options(args);
    let mut status = 0;
    for f in &files {
        if let Err(e) = sh.fs().touch(&sh.cwd, f) {
            let why = e.text();
            fail(sh, err, "touch", format!("cannot touch '{f}': {why}"), format!("{f}: {why}"));
            status = 1;
        }
    }
    status
}

pub fn rm(sh: &Shell, args: &[String], err: &mut Sink) -> i32 {
    let (flags, paths) = options(args);
    let recursive = flags.contains('r') || flags.contains('R');
    let force = flags.contains('f');
    let mut status = 0;
    for p in &paths {
        let result = sh.fs().remove(&sh.cwd, p, recursive, false);
        match result {
            Ok(()) => {}
            Err(super::fs::FsError::NotFound) if force => {}
            Err(super::fs::FsError::IsDir) => {
                fail(sh, err, "rm", format!("cannot remove '{p}': Is a directory"), format!("'{p}' is a directory"));
                status = 1;
            }
            Err(e) => {
                let why = e.text();
                fail(sh, err, "rm", format!("cannot remove '{p}': {why}"), format!("can't remove '{p}': {why}"));
                status = 1;
            }
        }
    }
    status
}

pub fn rmdir(sh: &Shell, args: &[String], err: &mut Sink) -> i32 {
    let (_, paths) = options(args);
    let mut status = 0;
    for p in &paths {
        let is_file = sh.fs().lookup(&sh.cwd, p).is_ok_and(|n| !n.is_dir());
        let result = if is_file { Err(super::fs::FsError::NotDir) } else { sh.fs().remove(&sh.cwd, p, false, true) };
        if let Err(e) = result {
            let why = e.text();
            fail(sh, err, "rmdir", format!("failed to remove '{p}': {why}"), format!("'{p}': {why}"));
            status = 1;
        }
    }
    status
}

/// `cp [-r] SRC... DEST` and `mv SRC... DEST`.
pub fn copy(sh: &Shell, program: &str, args: &[String], err: &mut Sink) -> i32 {
    let (flags, mut paths) = options(args);
    let Some(dest) = paths.pop().filter(|_| !paths.is_empty()) else {
        err.say(&format!("{program}: missing file operand\n"));
        return 1;
    };
    let recursive = program == "mv" || flags.contains('r') || flags.contains('R') || flags.contains('a');
    let mut fs = sh.fs();
    let dest_is_dir = fs.lookup(&sh.cwd, &dest).is_ok_and(Node::is_dir);
    let mut status = 0;
    for src in &paths {
        let node = match fs.lookup(&sh.cwd, src) {
            Ok(n) if n.is_dir() && !recursive => {
                fail(
                    sh,
                    err,
                    program,
                    format!("-r not specified; omitting directory '{src}'"),
                    format!("omitting directory '{src}'"),
                );
                status = 1;
                continue;
            }
            Ok(n) => n.clone(),
            Err(e) => {
                let why = e.text();
                fail(sh, err, program, format!("cannot stat '{src}': {why}"), format!("can't stat '{src}': {why}"));
                status = 1;
                continue;
            }
        };
        let base = components(&sh.cwd, src).pop().unwrap_or_default();
        let target =
            if dest_is_dir { format!("{}/{base}", absolute(&sh.cwd, &dest)) } else { absolute(&sh.cwd, &dest) };
        let mut node = node;
        node.mtime = Timestamp::now();
        match fs.insert(&components("/", &target), node) {
            Ok(()) if program == "mv" => {
                let _ = fs.remove(&sh.cwd, src, true, false);
            }
            Ok(()) => {}
            Err(e) => {
                let why = e.text();
                fail(
                    sh,
                    err,
                    program,
                    format!("cannot create regular file '{dest}': {why}"),
                    format!("can't create '{dest}': {why}"),
                );
                status = 1;
            }
        }
    }
    status
}

pub fn chmod(sh: &Shell, args: &[String], err: &mut Sink) -> i32 {
    let (Some(mode), files) = (args.first(), args.get(1..).unwrap_or(&[])) else {
        err.say("chmod: missing operand\n");
        return 1;
    };
    let mut status = 0;
    for f in files {
        let parts = components(&sh.cwd, f);
        let mut fs = sh.fs();
        let Ok(node) = fs.get(&parts).cloned() else {
            fail(
                sh,
                err,
                "chmod",
                format!("cannot access '{f}': No such file or directory"),
                format!("{f}: No such file or directory"),
            );
            status = 1;
            continue;
        };
        let new_mode = if let Ok(m) = u32::from_str_radix(mode, 8) {
            m
        } else if mode.ends_with("+x") {
            node.mode | 0o111
        } else if mode.ends_with("-x") {
            node.mode & !0o111
        } else if mode.ends_with("-w") {
            node.mode & !0o222
        } else {
            err.say(&format!("chmod: invalid mode: '{mode}'\n"));
            return 1;
        };
        let _ = fs.insert(&parts, Node { mode: new_mode, ..node });
    }
    status
}

/// Reads the named files, or stdin when there are none (`-` too).
async fn inputs(
    sh: &Shell,
    tool: &str,
    files: &[String],
    stdin: &mut Source<'_>,
    err: &mut Sink,
) -> (Vec<(String, Vec<u8>)>, i32) {
    if files.is_empty() || files == ["-"] {
        return match stdin.all().await {
            Ok(d) => (vec![("-".into(), d)], 0),
            Err(_) => (Vec::new(), 130),
        };
    }
    let mut out = Vec::new();
    let mut status = 0;
    for f in files {
        match sh.read_file(f) {
            Ok(d) => out.push((f.clone(), d)),
            Err(why) => {
                let text = match (sh.ctr.flavor(), tool) {
                    (Flavor::Debian, "head" | "tail") => format!("cannot open '{f}' for reading: {why}"),
                    (Flavor::Ash, _) => format!("can't open '{f}': {why}"),
                    _ => format!("{f}: {why}"),
                };
                err.say(&format!("{tool}: {text}\n"));
                status = if tool == "grep" { 2 } else { 1 };
            }
        }
    }
    (out, status)
}

pub async fn head_tail(
    sh: &Shell,
    tool: &str,
    args: &[String],
    stdin: &mut Source<'_>,
    out: &mut Sink,
    err: &mut Sink,
) -> i32 {
    let mut count = 10usize;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-n" {
            count = it.next().and_then(|n| n.trim_start_matches('+').parse().ok()).unwrap_or(10);
        } else if let Some(n) = a.strip_prefix("-n").or_else(|| a.strip_prefix('-')).and_then(|n| n.parse().ok()) {
            count = n;
        } else {
            files.push(a.clone());
        }
    }
    let (data, status) = inputs(sh, tool, &files, stdin, err).await;
    for (_, d) in data {
        let text = String::from_utf8_lossy(&d);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let pick =
            if tool == "head" { &lines[..count.min(lines.len())] } else { &lines[lines.len().saturating_sub(count)..] };
        out.say(&pick.concat());
    }
    status
}

pub async fn grep(sh: &Shell, args: &[String], stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
    let (flags, mut rest) = options(args);
    if rest.is_empty() {
        err.say("Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        return 2;
    }
    let pattern = rest.remove(0);
    let (ignore, invert, count) = (flags.contains('i'), flags.contains('v'), flags.contains('c'));
    let needle = if ignore { pattern.to_lowercase() } else { pattern.clone() };
    let (data, mut status) = inputs(sh, "grep", &rest, stdin, err).await;
    let many = data.len() > 1;
    let mut matched = false;
    for (name, d) in data {
        let text = String::from_utf8_lossy(&d);
        let mut n = 0;
        for line in text.lines() {
            let hay = if ignore { line.to_lowercase() } else { line.to_string() };
            if hay.contains(&needle) != invert {
                n += 1;
                if !count {
                    out.say(&if many { format!("{name}:{line}\n") } else { format!("{line}\n") });
                }
            }
        }
        if count {
            out.say(&if many { format!("{name}:{n}\n") } else { format!("{n}\n") });
        }
        matched |= n > 0;
    }
    if status == 0 && !matched {
        status = 1;
    }
    status
}

pub async fn wc(sh: &Shell, args: &[String], stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
    let (flags, files) = options(args);
    let (data, status) = inputs(sh, "wc", &files, stdin, err).await;
    for (name, d) in data {
        let text = String::from_utf8_lossy(&d);
        let (l, w, c) = (d.iter().filter(|b| **b == b'\n').count(), text.split_whitespace().count(), d.len());
        let mut fields: Vec<usize> = Vec::new();
        if flags.is_empty() || flags.contains('l') {
            fields.push(l);
        }
        if flags.is_empty() || flags.contains('w') {
            fields.push(w);
        }
        if flags.is_empty() || flags.contains('c') {
            fields.push(c);
        }
        let nums: Vec<String> = if fields.len() == 1 {
            vec![fields[0].to_string()]
        } else {
            fields.iter().map(|f| format!("{f:>7}")).collect()
        };
        let suffix = if name == "-" { String::new() } else { format!(" {name}") };
        out.say(&format!("{}{suffix}\n", nums.join(" ").trim_start_matches(' ').to_string().as_str()));
    }
    status
}

/// `test` / `[`: file tests, string tests and integer comparison.
pub fn test(sh: &Shell, cmd: &str, args: &[String], err: &mut Sink) -> i32 {
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    if cmd == "[" {
        if args.last() != Some(&"]") {
            err.say("sh: [: missing ]\n");
            return 2;
        }
        args.pop();
    }
    let negate = args.first() == Some(&"!");
    if negate {
        args.remove(0);
    }
    let node = |p: &str| sh.fs().lookup(&sh.cwd, p).ok().map(|n| (n.is_dir(), n.size()));
    let ok = match args.as_slice() {
        [] => false,
        [s] => !s.is_empty(),
        ["-d", p] => node(p).is_some_and(|(d, _)| d),
        ["-f", p] => node(p).is_some_and(|(d, _)| !d),
        ["-e", p] => node(p).is_some(),
        ["-s", p] => node(p).is_some_and(|(_, s)| s > 0),
        ["-z", s] => s.is_empty(),
        ["-n", s] => !s.is_empty(),
        [a, "=" | "==", b] => a == b,
        [a, "!=", b] => a != b,
        [a, op, b] if op.starts_with('-') => {
            let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) else {
                err.say("sh: test: integer expression expected\n");
                return 2;
            };
            match *op {
                "-eq" => x == y,
                "-ne" => x != y,
                "-lt" => x < y,
                "-le" => x <= y,
                "-gt" => x > y,
                "-ge" => x >= y,
                _ => false,
            }
        }
        _ => false,
    };
    i32::from(ok == negate)
}

/// A file node's bytes (for `tar`); `None` for directories.
pub fn file_bytes(n: &Node) -> Option<&[u8]> {
    match &n.body {
        Body::File(d) => Some(d),
        Body::Dir(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn columns_fill_down_then_across() {
        let n = names(&["bin", "boot", "dev", "etc", "home", "lib"]);
        assert_eq!(columns(&n, 80), "bin  boot  dev  etc  home  lib\n");
        assert_eq!(columns(&n, 15), "bin   dev  home\nboot  etc  lib\n");
        assert_eq!(columns(&n, 3), "bin\nboot\ndev\netc\nhome\nlib\n");
        assert_eq!(columns(&[], 80), "");
    }

    #[test]
    fn options_and_operands() {
        let (f, r) = options(&names(&["-la", "x", "--", "-y"]));
        assert_eq!(f, "la");
        assert_eq!(r, names(&["x", "-y"]));
        let (f, r) = options(&names(&["-"]));
        assert_eq!(f, "");
        assert_eq!(r, names(&["-"]));
    }
}
