//! A port of Go's `text/tabwriter` as kubectl configures it: cells end at `\t`, a column
//! block is a run of consecutive lines that have a cell in that column, its width is the
//! widest cell plus padding (at least `minwidth`), and text after a line's last tab is
//! never padded. `remember` keeps widths across flushes (liggitt/tabwriter's
//! RememberWidths, used by `get -w` so columns only ever grow).

/// Settings of one writer.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub minwidth: usize,
    pub padding: usize,
}

/// `kubectl get`: minwidth 6, padding 3 (cli-runtime `GetNewTabWriter`).
pub const GET: Layout = Layout { minwidth: 6, padding: 3 };
/// `kubectl describe`: minwidth 0, padding 2 (describe.go `tabbedString`).
pub const DESCRIBE: Layout = Layout { minwidth: 0, padding: 2 };

/// Lays out tab-separated text.
#[derive(Debug, Clone)]
pub struct TabWriter {
    layout: Layout,
    remembered: Vec<usize>,
    remember: bool,
}

impl TabWriter {
    pub fn new(layout: Layout) -> Self {
        Self { layout, remembered: Vec::new(), remember: false }
    }

    /// A writer whose column widths persist across `format` calls.
    pub fn remembering(layout: Layout) -> Self {
        Self { layout, remembered: Vec::new(), remember: true }
    }

    /// Formats `text` (lines of `\t`-terminated cells) into aligned text.
    pub fn format(&mut self, text: &str) -> String {
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines: Vec<Vec<&str>> = body.split('\n').map(|l| l.split('\t').collect()).collect();
        let mut widths = Vec::new();
        let mut out = String::with_capacity(text.len() + text.len() / 2);
        self.block(&lines, 0, lines.len(), &mut widths, &mut out);
        if !text.ends_with('\n') && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    fn block(
        &mut self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            write_lines(&lines[line0..this], widths, out);
            line0 = this;
            let mut width = self.layout.minwidth;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(lines[this][column].chars().count() + self.layout.padding);
                this += 1;
            }
            if self.remember {
                if self.remembered.len() <= column {
                    self.remembered.resize(column + 1, 0);
                }
                width = width.max(self.remembered[column]);
                self.remembered[column] = width;
            }
            widths.push(width);
            self.block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        write_lines(&lines[line0..line1], widths, out);
    }
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], out: &mut String) {
    for line in lines {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            // A line written at this depth has exactly one cell past the block's columns
            // (its text after the last tab), so only cells under a width are padded.
            if j < widths.len() {
                let pad = widths[j].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

/// One-shot formatting with `layout`.
pub fn align(layout: Layout, text: &str) -> String {
    TabWriter::new(layout).format(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected layouts: shared/reference/kubectl-outputs (real kubectl output).
    #[test]
    fn get_table() {
        let t = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nnginx\t1/1\tRunning\t0\t5m1s\n";
        assert_eq!(
            align(GET, t),
            "NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          5m1s\n"
        );
    }

    #[test]
    fn describe_blocks_break_on_lines_without_tabs() {
        let t = "Name:\tnginx\nIPs:\n  IP:\t10.244.0.5\nContainers:\n  nginx:\n    Port:\t<none>\n";
        assert_eq!(
            align(DESCRIBE, t),
            "Name:  nginx\nIPs:\n  IP:  10.244.0.5\nContainers:\n  nginx:\n    Port:  <none>\n"
        );
        let cond = "Conditions:\n  Type\tStatus\n  Ready \tTrue \n";
        assert_eq!(align(DESCRIBE, cond), "Conditions:\n  Type    Status\n  Ready   True \n");
    }

    #[test]
    fn remembered_widths_only_grow() {
        let mut w = TabWriter::remembering(GET);
        assert_eq!(
            w.format("NAME\tSTATUS\tAGE\nlongername\tRunning\t1s\n"),
            "NAME         STATUS    AGE\nlongername   Running   1s\n"
        );
        assert_eq!(w.format("a\tPending\t0s\n"), "a            Pending   0s\n");
    }
}
