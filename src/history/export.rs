//! `history export`: chosen entries as a bash script of plain kubectl lines (pure).
//! Each statement becomes `kubectl --context C --namespace N WORDS` with its
//! redirection or pipe, in the directory and with the kubeconfig the session had; the
//! shell's own verbs are left out (`ns` and `ctx` live on as the flags of the lines
//! after them), `!cmd` becomes `cmd`, and failed entries are left out unless asked.

use super::Entry;
use crate::command::lex::{Sink, Statement, split};
use crate::command::table;
use crate::command::verbs::Exec;

pub use crate::command::history_range::{Range, parse_range};

/// The numbered entries (1-based) in `range`.
pub fn chosen<'a>(entries: &'a [Entry], range: &Range) -> Vec<(usize, &'a Entry)> {
    let numbered = entries.iter().enumerate().map(|(i, e)| (i + 1, e));
    match range {
        Range::Session(s) => numbered.filter(|(_, e)| e.meta.as_ref().is_some_and(|m| m.session() == s)).collect(),
        Range::Numbers(from, to) => numbered.filter(|(n, _)| n >= from && to.is_none_or(|t| *n <= t)).collect(),
    }
}

/// A word as bash reads it back unchanged.
pub fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=,@%+".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Words and their redirection or pipe as bash reads them back.
pub fn shell_line(words: &[String], sink: &Sink) -> String {
    let mut line = words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ");
    match sink {
        Sink::Stdout => {}
        Sink::File { path, append } => line.push_str(&format!(" {} {}", if *append { ">>" } else { ">" }, quote(path))),
        Sink::Pipe(cmd) => line.push_str(&format!(" | {}", cmd.trim())),
    }
    line
}

/// The bash form of one statement, or `None` when it only concerns the shell.
fn statement(st: Statement, scope: Option<(&str, &str)>) -> Option<String> {
    let (words, sink) = match st {
        Statement::Host(cmd) => return Some(cmd.trim().to_string()),
        Statement::Words { words, sink } => (words, sink),
    };
    let mut words: Vec<String> = words.into_iter().map(|w| w.text).collect();
    if words.first().is_some_and(|w| w == "kubectl" || w == "k") {
        words.remove(0);
    }
    let verb = table::find(words.first()?)?;
    if matches!(verb.exec, Exec::Builtin(_)) {
        return None;
    }
    let mut line = String::from("kubectl");
    if let Some((ctx, ns)) = scope {
        line.push_str(&format!(" --context {} --namespace {}", quote(ctx), quote(ns)));
    }
    line.push(' ');
    line.push_str(&shell_line(&words, &sink));
    Some(line)
}

/// The script. `include_failed` keeps entries that ended with a non-zero status;
/// entries whose status is unknown (interrupted, or from before annotations) are kept.
pub fn script(rows: &[(usize, &Entry)], include_failed: bool) -> String {
    let mut text =
        String::from("#!/usr/bin/env bash\n# Exported by kubectl-podsh `history export`.\nset -euo pipefail\n");
    let (mut kubeconfig, mut cwd) = (None::<&str>, None::<&str>);
    for (n, e) in rows {
        let failed = e.meta.as_ref().and_then(|m| m.status).is_some_and(|s| s != 0);
        if failed && !include_failed {
            continue;
        }
        let line = e.meta.as_ref().and_then(|m| m.ran.as_deref()).unwrap_or(&e.line);
        let Ok(statements) = split(line) else { continue };
        let scope = e.meta.as_ref().map(|m| (m.ctx.as_str(), m.ns.as_str()));
        let lines: Vec<String> = statements.into_iter().filter_map(|st| statement(st, scope)).collect();
        if lines.is_empty() {
            continue;
        }
        text.push('\n');
        match &e.meta {
            Some(m) => {
                if !m.kubeconfig.is_empty() && kubeconfig != Some(m.kubeconfig.as_str()) {
                    text.push_str(&format!("export KUBECONFIG={}\n", quote(&m.kubeconfig)));
                    kubeconfig = Some(&m.kubeconfig);
                }
                if !m.cwd.is_empty() && cwd != Some(m.cwd.as_str()) {
                    text.push_str(&format!("cd {}\n", quote(&m.cwd)));
                    cwd = Some(&m.cwd);
                }
                let status = m.status.map_or(String::new(), |s| format!(", exit {s}"));
                text.push_str(&format!("# [{n}] {}/{}{status}\n", m.ctx, m.ns));
            }
            None => text.push_str(&format!("# [{n}] no context recorded\n")),
        }
        for l in lines {
            text.push_str(&l);
            text.push('\n');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::Meta;
    use super::*;

    fn entry(line: &str, id: &str, ns: &str, status: Option<i32>) -> Entry {
        let meta = Meta {
            id: id.into(),
            at: "2026-11-29T01:02:03Z".into(),
            ctx: "sim".into(),
            ns: ns.into(),
            cwd: "/work/demo".into(),
            kubeconfig: "/tmp/k.yaml".into(),
            status,
            ms: Some(5),
            ran: None,
        };
        Entry { line: line.into(), meta: Some(meta) }
    }

    #[test]
    fn ranges() {
        let e = vec![entry("a", "s1.1", "d", None), entry("b", "s2.1", "d", None), entry("c", "s1.2", "d", None)];
        let nums = |r: &Range| chosen(&e, r).iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(nums(&Range::Session("s1".into())), [1, 3]);
        assert_eq!(nums(&Range::Numbers(2, None)), [2, 3]);
        assert_eq!(nums(&Range::Numbers(1, Some(2))), [1, 2]);
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("--image=nginx:1.14.2"), "--image=nginx:1.14.2");
        assert_eq!(quote("echo hi"), "'echo hi'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("{.status.phase}"), "'{.status.phase}'");
    }

    #[test]
    fn a_session_becomes_kubectl_lines() {
        let e = vec![
            entry(
                "k run nginx --image=nginx:1.14.2 --dry-run=client -o yaml > nginx-pod.yaml",
                "s.1",
                "default",
                Some(0),
            ),
            entry("apply -f nginx-pod.yaml; get pods | grep nginx", "s.2", "default", Some(0)),
            entry("ns dev", "s.3", "default", Some(0)),
            entry("run web --image=nginx -- sh -c 'echo hi'", "s.4", "dev", Some(0)),
            entry("logs nope", "s.5", "dev", Some(1)),
            entry("!echo done >> log.txt", "s.6", "dev", Some(0)),
            entry("help; history", "s.7", "dev", Some(0)),
            entry("get pods -w", "s.8", "dev", None),
        ];
        let rows = chosen(&e, &Range::Numbers(1, None));
        let expected = "#!/usr/bin/env bash\n# Exported by kubectl-podsh `history export`.\nset -euo pipefail\n\
            \nexport KUBECONFIG=/tmp/k.yaml\ncd /work/demo\n# [1] sim/default, exit 0\n\
            kubectl --context sim --namespace default run nginx --image=nginx:1.14.2 --dry-run=client -o yaml > nginx-pod.yaml\n\
            \n# [2] sim/default, exit 0\n\
            kubectl --context sim --namespace default apply -f nginx-pod.yaml\n\
            kubectl --context sim --namespace default get pods | grep nginx\n\
            \n# [4] sim/dev, exit 0\n\
            kubectl --context sim --namespace dev run web --image=nginx -- sh -c 'echo hi'\n\
            \n# [6] sim/dev, exit 0\necho done >> log.txt\n\
            \n# [8] sim/dev\nkubectl --context sim --namespace dev get pods -w\n";
        assert_eq!(script(&rows, false), expected);
        let with_failed = script(&rows, true);
        assert!(with_failed.contains("# [5] sim/dev, exit 1\nkubectl --context sim --namespace dev logs nope\n"));
        let mut referenced = entry("logs @1", "s.9", "dev", Some(0));
        referenced.meta.as_mut().expect("meta").ran = Some("logs web".into());
        assert!(script(&[(9, &referenced)], false).ends_with("kubectl --context sim --namespace dev logs web\n"));
        let old = vec![Entry { line: "get pods".into(), meta: None }];
        assert!(
            script(&chosen(&old, &Range::Numbers(1, None)), false)
                .ends_with("# [1] no context recorded\nkubectl get pods\n")
        );
    }
}
