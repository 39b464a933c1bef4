//! `tar` inside the container: create (`c`), extract (`x`) and list (`t`) archives on
//! stdin/stdout or files, with `-C DIR`. This is what `kubectl cp` drives over exec in
//! both directions (`tar cf - PATH` from a pod, `tar -xmf - -C DIR` into one).

use std::io::Read;

use super::files::file_bytes;
#[cfg(test)]
use super::fs::Fs;
use super::fs::{Node, absolute, components};
use super::io::{Sink, Source};
use super::process::Shell;
use super::seed::Flavor;

#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    mode: Option<char>,
    file: Option<String>,
    dir: Option<String>,
    verbose: bool,
    paths: Vec<String>,
}

fn parse_args(args: &[String]) -> Args {
    let mut a = Args::default();
    let mut wants_file = false;
    let mut it = args.iter().enumerate().peekable();
    while let Some((i, arg)) = it.next() {
        let letters = if let Some(l) = arg.strip_prefix('-').filter(|l| !l.starts_with('-')) {
            Some(l)
        } else if i == 0 && !arg.starts_with('-') {
            Some(arg.as_str())
        } else {
            None
        };
        match letters {
            Some("C") => a.dir = it.next().map(|(_, d)| d.clone()),
            Some(l) => {
                for c in l.chars() {
                    match c {
                        'c' | 'x' | 't' => a.mode = Some(c),
                        'v' => a.verbose = true,
                        'f' => wants_file = true,
                        _ => {}
                    }
                }
                if wants_file && a.file.is_none() {
                    a.file = it.next().map(|(_, f)| f.clone());
                }
            }
            None if arg.starts_with("--") => {}
            None => a.paths.push(arg.clone()),
        }
    }
    a
}

pub async fn tar(sh: &Shell, args: &[String], stdin: &mut Source<'_>, out: &mut Sink, err: &mut Sink) -> i32 {
    let a = parse_args(args);
    let to_std = a.file.as_deref().is_none_or(|f| f == "-");
    let base = a.dir.as_deref().map_or_else(|| sh.cwd.clone(), |d| absolute(&sh.cwd, d));
    match a.mode {
        Some('c') => {
            let (data, status) = create(sh, &base, &a.paths, a.verbose, err);
            if to_std {
                out.write(&data);
            } else if let Some(f) = &a.file {
                let _ = sh.fs().write(&sh.cwd, f, &data, false);
            }
            status
        }
        Some(m) => {
            let data = if to_std {
                match stdin.all().await {
                    Ok(d) => d,
                    Err(_) => return 130,
                }
            } else {
                match sh.read_file(a.file.as_deref().unwrap_or_default()) {
                    Ok(d) => d,
                    Err(why) => {
                        err.say(&format!("tar: {}: Cannot open: {why}\n", a.file.unwrap_or_default()));
                        return 2;
                    }
                }
            };
            read(sh, &base, &data, m == 'x', a.verbose || m == 't', out, err)
        }
        None => {
            err.say("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\n");
            2
        }
    }
}

fn add(
    builder: &mut tar::Builder<Vec<u8>>,
    name: &str,
    node: &Node,
    verbose: bool,
    listed: &mut Vec<String>,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_mode(node.mode);
    header.set_mtime(node.mtime.as_second().max(0) as u64);
    header.set_uid(0);
    header.set_gid(0);
    match (file_bytes(node), node.children()) {
        (Some(data), _) => {
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(data.len() as u64);
            builder.append_data(&mut header, name, data)?;
            if verbose {
                listed.push(name.to_string());
            }
        }
        (None, Some(children)) => {
            let dir_name = format!("{}/", name.trim_end_matches('/'));
            header.set_entry_type(tar::EntryType::Directory);
            header.set_size(0);
            builder.append_data(&mut header, &dir_name, std::io::empty())?;
            if verbose {
                listed.push(dir_name.clone());
            }
            for (k, child) in children {
                add(builder, &format!("{dir_name}{k}"), child, verbose, listed)?;
            }
        }
        (None, None) => {}
    }
    Ok(())
}

fn create(sh: &Shell, base: &str, paths: &[String], verbose: bool, err: &mut Sink) -> (Vec<u8>, i32) {
    let mut builder = tar::Builder::new(Vec::new());
    let mut status = 0;
    let mut listed = Vec::new();
    let mut warned = false;
    let fs = sh.fs();
    for p in paths {
        let node = match fs.lookup(base, p) {
            Ok(n) => n,
            Err(e) => {
                err.say(&format!("tar: {p}: Cannot stat: {}\n", e.text()));
                status = 2;
                continue;
            }
        };
        let name = p.trim_start_matches('/');
        if name.len() != p.len() && !warned {
            warned = true;
            let msg = match sh.ctr.flavor() {
                Flavor::Ash => "tar: removing leading '/' from member names\n",
                Flavor::Debian => "tar: Removing leading `/' from member names\n",
            };
            err.say(msg);
        }
        let name = if name.is_empty() { "." } else { name };
        if add(&mut builder, name, node, verbose, &mut listed).is_err() {
            status = 2;
        }
    }
    drop(fs);
    for l in listed {
        err.say(&format!("{l}\n"));
    }
    let data = builder.into_inner().unwrap_or_default();
    if status == 2 && sh.ctr.flavor() == Flavor::Debian {
        err.say("tar: Exiting with failure status due to previous errors\n");
    }
    (data, status)
}

fn read(sh: &Shell, base: &str, data: &[u8], extract: bool, list: bool, out: &mut Sink, err: &mut Sink) -> i32 {
    let mut archive = tar::Archive::new(data);
    let Ok(entries) = archive.entries() else {
        err.say("tar: This does not look like a tar archive\n");
        return 2;
    };
    let mut fs = sh.fs();
    for entry in entries {
        let Ok(mut entry) = entry else {
            err.say(
                "tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous errors\n",
            );
            return 2;
        };
        let name = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        if list {
            out.say(&format!("{name}\n"));
        }
        if !extract {
            continue;
        }
        let target = components(base, &name);
        let mode = entry.header().mode().unwrap_or(0o644);
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                let _ = fs.mkdir("/", &format!("/{}", target.join("/")), true);
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let mut bytes = Vec::new();
                if entry.read_to_end(&mut bytes).is_err() {
                    continue;
                }
                if let Some((_, parent)) = target.split_last() {
                    let _ = fs.mkdir("/", &format!("/{}", parent.join("/")), true);
                }
                if let Err(e) = fs.put(&target, &bytes, false, mode) {
                    err.say(&format!("tar: {name}: Cannot open: {}\n", e.text()));
                    return 2;
                }
            }
            _ => {}
        }
    }
    0
}

/// Builds an archive of `paths` from `fs`.
#[cfg(test)]
pub fn archive_of(fs: &Fs, paths: &[&str]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut listed = Vec::new();
    for p in paths {
        if let Ok(n) = fs.lookup("/", p) {
            let _ = add(&mut builder, p.trim_start_matches('/'), n, false, &mut listed);
        }
    }
    builder.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn argument_forms() {
        let a = parse_args(&s(&["cf", "-", "/tmp/x"]));
        assert_eq!((a.mode, a.file.as_deref(), a.paths.clone()), (Some('c'), Some("-"), s(&["/tmp/x"])));
        let a = parse_args(&s(&["--no-same-owner", "-xmf", "-", "-C", "/tmp"]));
        assert_eq!((a.mode, a.file.as_deref(), a.dir.as_deref()), (Some('x'), Some("-"), Some("/tmp")));
        let a = parse_args(&s(&["-tvf", "a.tar"]));
        assert_eq!((a.mode, a.verbose, a.file.as_deref()), (Some('t'), true, Some("a.tar")));
    }

    #[test]
    fn archives_round_trip() {
        let mut fs = Fs::default();
        fs.mkdir("/", "/tmp/d", true).unwrap();
        fs.write("/", "/tmp/d/a.txt", b"alpha\n", false).unwrap();
        let data = archive_of(&fs, &["/tmp/d"]);
        let names: Vec<String> = tar::Archive::new(&data[..])
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, s(&["tmp/d/", "tmp/d/a.txt"]));
    }
}
