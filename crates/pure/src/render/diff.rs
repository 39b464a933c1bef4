//! A unified diff of two texts, as `diff -u` and `kubectl diff` show it: `---`/`+++`
//! headers, `@@` hunks with three lines of context, and (on a terminal) removals red,
//! additions green. An empty `before` is a new object: every line is an addition.

use nu_ansi_term::Color;
use similar::{ChangeTag, TextDiff};

/// The diff of `before` and `after`, both named `name`; empty when they are the same.
pub fn unified(before: &str, after: &str, name: &str, color: bool) -> String {
    if before == after {
        return String::new();
    }
    let diff = TextDiff::from_lines(before, after);
    let (old, new) = if before.is_empty() { ("/dev/null", name) } else { (name, name) };
    let mut out = format!("--- {old} (live)\n+++ {new} (draft)\n");
    for group in diff.grouped_ops(3) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let (o, n) = (first.old_range().start..last.old_range().end, first.new_range().start..last.new_range().end);
        out.push_str(&format!("@@ -{} +{} @@\n", span(o.start, o.len()), span(n.start, n.len())));
        for op in &group {
            for change in diff.iter_changes(op) {
                let (sign, paint) = match change.tag() {
                    ChangeTag::Delete => ('-', Some(Color::Red)),
                    ChangeTag::Insert => ('+', Some(Color::Green)),
                    ChangeTag::Equal => (' ', None),
                };
                let mut line = format!("{sign}{}", change.value());
                if !line.ends_with('\n') {
                    line.push('\n');
                }
                match paint {
                    Some(c) if color => out.push_str(&format!("{}\n", c.paint(line.trim_end_matches('\n')))),
                    _ => out.push_str(&line),
                }
            }
        }
    }
    out
}

/// A hunk's line range as `diff -u` writes it: `START,COUNT` (1-based), `START` for one.
fn span(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_as_diff_u_writes_them() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let after = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified(before, after, "p.yaml", false),
            "--- p.yaml (live)\n+++ p.yaml (draft)\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
        assert_eq!(unified("x\n", "x\n", "p", false), "");
        assert_eq!(unified("", "a\nb\n", "p", false), "--- /dev/null (live)\n+++ p (draft)\n@@ -0,0 +1,2 @@\n+a\n+b\n");
        assert_eq!(unified("a\n", "b\n", "p", false), "--- p (live)\n+++ p (draft)\n@@ -1 +1 @@\n-a\n+b\n");
        let coloured = unified("a\n", "b\n", "p", true);
        assert!(
            coloured.contains("\u{1b}[31m-a\u{1b}[0m\n") && coloured.contains("\u{1b}[32m+b\u{1b}[0m\n"),
            "{coloured:?}"
        );
    }
}
