//! YAML exactly as kubectl prints it: kubectl turns JSON into YAML through
//! sigs.k8s.io/yaml, i.e. go-yaml v2, so keys come out sorted, sequences sit at their
//! parent key's indentation, strings that would read back as another type are
//! double-quoted, strings that cannot be plain are single-quoted, multi-line strings
//! are literal blocks, and long plain or single-quoted strings fold at column 80.

use std::cmp::Ordering;

use serde_json::Value;

const BEST_WIDTH: usize = 80;

/// Renders `v` as kubectl's `-o yaml` does.
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter { out: String::new() };
    match v {
        Value::Object(m) if !m.is_empty() => e.mapping(v, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(v, 0),
        other => {
            // go-yaml indents a top-level scalar's continuation lines as it would a
            // mapping value's: by its indentation step, 2.
            let s = e.scalar_text(other, 2, 0);
            e.out.push_str(&s);
            e.out.push('\n');
        }
    }
    e.out
}

struct Emitter {
    out: String,
}

/// A mapping's entries in go-yaml's key order (kubectl's YAML goes through go-yaml's
/// generic maps, so it is this order, not the JSON's byte order): runs of digits compare
/// as numbers (`key2` before `key10`), and at the first difference a non-letter sorts
/// before a letter. Sorted with Go's own `sort.Sort`, which never gives up on a
/// comparison that is not a total order (this one is not, for keys like `a1b`/`a01`).
fn sorted(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    crate::common::gosort::sort(&mut v, |a, b| key_less(a.0, b.0));
    v
}

/// go-yaml v2.4's `keyList.Less` for two string keys. Letters are Unicode's; digits are
/// ASCII (Go takes any decimal digit, which Kubernetes keys never hold).
fn key_less(a: &str, b: &str) -> bool {
    key_order(a, b) == Ordering::Less
}

fn key_order(a: &str, b: &str) -> Ordering {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let Some(i) = ar.iter().zip(&br).position(|(x, y)| x != y) else {
        return ar.len().cmp(&br.len());
    };
    match (ar[i].is_alphabetic(), br[i].is_alphabetic()) {
        (true, true) => return ar[i].cmp(&br[i]),
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    // A zero inside a number that has a non-zero digit before it counts from 1.
    let inside = ar[..i].iter().rev().take_while(|c| c.is_ascii_digit()).any(|c| *c != '0');
    let start = i64::from((ar[i] == '0' || br[i] == '0') && inside);
    let number = |r: &[char]| {
        let run = r[i..].iter().take_while(|c| c.is_ascii_digit());
        let n = run.clone().fold(start, |n, c| n.wrapping_mul(10).wrapping_add(i64::from(*c as u8 - b'0')));
        (n, run.count())
    };
    let ((an, alen), (bn, blen)) = (number(&ar), number(&br));
    an.cmp(&bn).then(alen.cmp(&blen)).then(ar[i].cmp(&br[i]))
}

fn column(out: &str) -> usize {
    out.rsplit('\n').next().map_or(0, |l| l.chars().count())
}

impl Emitter {
    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Writes a mapping whose first key goes where the cursor is; later keys at `indent`.
    fn mapping(&mut self, v: &Value, indent: usize) {
        let Value::Object(m) = v else { return };
        for (i, (k, val)) in sorted(m).into_iter().enumerate() {
            if i > 0 {
                self.pad(indent);
            }
            let key = self.scalar_text(&Value::String(k.clone()), indent, column(&self.out));
            self.out.push_str(&key);
            self.out.push(':');
            self.value(val, indent);
        }
    }

    /// Writes what follows `key:` (or `- `) and ends the line.
    fn value(&mut self, val: &Value, indent: usize) {
        match val {
            Value::Object(m) if !m.is_empty() => {
                self.out.push('\n');
                self.pad(indent + 2);
                self.mapping(val, indent + 2);
            }
            Value::Array(a) if !a.is_empty() => {
                self.out.push('\n');
                self.pad(indent);
                self.sequence(val, indent);
            }
            _ => {
                self.out.push(' ');
                let col = column(&self.out);
                let s = self.scalar_text(val, indent + 2, col);
                self.out.push_str(&s);
                self.out.push('\n');
            }
        }
    }

    fn sequence(&mut self, v: &Value, indent: usize) {
        let Value::Array(items) = v else { return };
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.pad(indent);
            }
            self.out.push_str("- ");
            match item {
                Value::Object(m) if !m.is_empty() => self.mapping(item, indent + 2),
                Value::Array(a) if !a.is_empty() => self.sequence(item, indent + 2),
                _ => {
                    let col = column(&self.out);
                    let s = self.scalar_text(item, indent + 2, col);
                    self.out.push_str(&s);
                    self.out.push('\n');
                }
            }
        }
    }

    /// A scalar starting at `col`, continuation lines indented by `indent`.
    fn scalar_text(&self, v: &Value, indent: usize, col: usize) -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => number(n),
            Value::Object(_) => "{}".into(),
            Value::Array(_) => "[]".into(),
            Value::String(s) => string(s, indent, col),
        }
    }
}

/// A JSON number as go-yaml writes what it read: an integer that fits 64 bits as it is,
/// anything else as a float in Go's shortest `%g` form, which switches to an exponent
/// (`1e+21`, `1.5e-07`) below 1e-4 and from 1e6 on.
fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    go_float(n.as_f64().unwrap_or(0.0))
}

fn go_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
    } else {
        format!("{f}")
    }
}

fn string(s: &str, indent: usize, col: usize) -> String {
    // libyaml's analysis: a character outside YAML's printable set (a tab, a control, a
    // BOM, anything beyond the Basic Multilingual Plane) allows only double quotes; so do
    // a space before a line break and a trailing space in a multi-line string.
    let special = s.chars().any(|c| !printable(c));
    if s.contains('\n') {
        let block = !special && !s.ends_with(' ') && !s.contains(" \n");
        return if block { literal(s, indent) } else { double_quoted(s, indent, col) };
    }
    if special || resolves_to_non_string(s) {
        return double_quoted(s, indent, col);
    }
    match analyze(s) {
        Style::Plain => fold(s, indent, col, false),
        Style::Single => fold(s, indent, col, true),
        Style::Double => double_quoted(s, indent, col),
    }
}

/// go-yaml's `is_printable`: a line feed, printable ASCII, and the rest of the Basic
/// Multilingual Plane from U+00A0 but for surrogates, the BOM and U+FFFE/U+FFFF.
fn printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{feff}'
}

fn literal(s: &str, indent: usize) -> String {
    let chomp = if !s.ends_with('\n') {
        "-"
    } else if s == "\n" || s.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let lead = if s.starts_with(' ') || s.starts_with('\n') { "2" } else { "" };
    let mut out = format!("|{lead}{chomp}");
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(line);
        }
    }
    out
}

/// go-yaml v2's `resolve`: would this plain text read back as something other than a string?
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
        "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".nan", ".NaN", ".NAN", ".inf",
        ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || "+-.".contains(first)) {
        return false;
    }
    let plain = s.replace('_', "");
    let digits = plain.strip_prefix('-').or_else(|| plain.strip_prefix('+')).unwrap_or(&plain);
    // Go's strconv.ParseInt with base 0: 0x, 0o and 0b prefixes in either case.
    let radix = |p: &str| digits.strip_prefix(p).or_else(|| digits.strip_prefix(&p.to_uppercase()));
    let int = if let Some(h) = radix("0x") {
        !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit())
    } else if let Some(o) = radix("0o") {
        !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c))
    } else if let Some(b) = radix("0b") {
        !b.is_empty() && b.chars().all(|c| c == '0' || c == '1')
    } else {
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    if int || is_float(&plain) || is_base60(s) {
        return true;
    }
    is_timestamp(s)
}

/// go-yaml's `yamlStyleFloat` (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`)
/// whose value Go's `ParseFloat` takes without a range error.
fn is_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let digits = |from: usize| b.get(from..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    let mut i = digits(0);
    if i == 0 {
        let fraction = digits(1);
        if b.first() != Some(&b'.') || fraction == 0 {
            return false;
        }
        i = 1 + fraction;
    } else if b.get(i) == Some(&b'.') {
        i += 1 + digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let exponent = digits(i + 1 + sign);
        if exponent == 0 {
            return false;
        }
        i += 1 + sign + exponent;
    }
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

fn is_base60(s: &str) -> bool {
    let t = s.strip_prefix('-').or_else(|| s.strip_prefix('+')).unwrap_or(s);
    let mut parts = t.split(':');
    let Some(head) = parts.next() else { return false };
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !head.is_empty()
        && head.chars().all(|c| c.is_ascii_digit() || c == '_')
        && head.starts_with(|c: char| c.is_ascii_digit())
        && rest.iter().enumerate().all(|(i, p)| {
            let last = i + 1 == rest.len();
            let (int, frac) = if last { p.split_once('.').unwrap_or((p, "")) } else { (*p, "") };
            !int.is_empty()
                && int.len() <= 2
                && int.chars().all(|c| c.is_ascii_digit())
                && int.parse::<u32>().is_ok_and(|v| v < 60)
                && frac.chars().all(|c| c.is_ascii_digit() || c == '_')
        })
}

/// go-yaml v2's `parseTimestamp`: text that Go's `time.Parse` reads with one of
/// `2006-1-2T15:4:5.999999999Z07:00` (or a lower-case `t`), `2006-1-2 15:4:5.999999999`
/// or `2006-1-2`, ranges checked (month 1-12, the month's days, hour 0-23, minute and
/// second 0-59; a zone is `Z` or `+hh:mm`).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = TimeText { b, i: 5 };
    let year: u32 = s[..4].parse().unwrap_or(0);
    let Some(month) = p.num().filter(|m| (1..=12).contains(m)) else { return false };
    let Some(day) = p.lit(b'-').and_then(|()| p.num()) else { return false };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    let zoned = match p.next() {
        None => return true,
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        Some(_) => return false,
    };
    let clock = p.num().filter(|h| *h < 24).and_then(|_| p.lit(b':')).and_then(|()| p.num()).filter(|m| *m < 60);
    let clock = clock.and_then(|_| p.lit(b':')).and_then(|()| p.num()).filter(|s| *s < 60);
    if clock.is_none() {
        return false;
    }
    if matches!(p.peek(), Some(b'.' | b',')) && p.b.get(p.i + 1).is_some_and(u8::is_ascii_digit) {
        p.i += 1;
        while p.peek().is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
        }
    }
    if zoned {
        match p.next() {
            Some(b'Z') => {}
            Some(b'+' | b'-') => {
                let hh = p.fixed2().filter(|h| *h <= 24);
                if hh.and_then(|_| p.lit(b':')).and_then(|()| p.fixed2()).filter(|m| *m <= 60).is_none() {
                    return false;
                }
            }
            _ => return false,
        }
    }
    p.i == b.len()
}

/// A cursor over the text of a would-be timestamp, reading numbers as Go's `getnum` does.
struct TimeText<'a> {
    b: &'a [u8],
    i: usize,
}

impl TimeText<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek();
        self.i += usize::from(c.is_some());
        c
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        (self.next() == Some(c)).then_some(())
    }

    /// One or two digits.
    fn num(&mut self) -> Option<u32> {
        let first = self.peek().filter(u8::is_ascii_digit)?;
        self.i += 1;
        match self.peek().filter(u8::is_ascii_digit) {
            Some(second) => {
                self.i += 1;
                Some(u32::from(first - b'0') * 10 + u32::from(second - b'0'))
            }
            None => Some(u32::from(first - b'0')),
        }
    }

    /// Exactly two digits.
    fn fixed2(&mut self) -> Option<u32> {
        let pair = self.b.get(self.i..self.i + 2).filter(|p| p.iter().all(u8::is_ascii_digit))?;
        self.i += 2;
        Some(u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0'))
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

enum Style {
    Plain,
    Single,
    Double,
}

/// libyaml's `yaml_emitter_analyze_scalar`, for block context: indicators and blanks
/// rule out plain text; a line break (U+2028/U+2029 here: `\n` never gets this far)
/// does too, and next to a space it rules out single quotes as well.
fn analyze(s: &str) -> Style {
    let chars: Vec<char> = s.chars().collect();
    let mut plain = true;
    if chars.first().is_some_and(|c| *c == ' ' || *c == '\t') || chars.last().is_some_and(|c| *c == ' ' || *c == '\t') {
        plain = false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        plain = false;
    }
    for (i, c) in chars.iter().enumerate() {
        let next_blank = chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t');
        let prev_blank = i > 0 && (chars[i - 1] == ' ' || chars[i - 1] == '\t');
        if is_break(*c) {
            if (i > 0 && chars[i - 1] == ' ') || chars.get(i + 1) == Some(&' ') {
                return Style::Double;
            }
            plain = false;
        }
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    plain = false
                }
                '?' | ':' | '-' if next_blank => plain = false,
                _ => {}
            }
        } else {
            match c {
                ':' if next_blank => plain = false,
                '#' if prev_blank => plain = false,
                _ => {}
            }
        }
    }
    if plain { Style::Plain } else { Style::Single }
}

/// Writes a plain or single-quoted scalar, breaking at a space once past column 80; a
/// line or paragraph separator (only single quotes carry them) is written as it is and
/// the text after it starts at the indentation.
fn fold(s: &str, indent: usize, start_col: usize, quoted: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut w = Cursor::new(indent, start_col, s.len() + 2);
    if quoted {
        w.put('\'');
    }
    let (mut spaces, mut breaks) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            let inner = !quoted || (i != 0 && i + 1 != chars.len());
            if !spaces && w.col > BEST_WIDTH && !next_space && inner {
                w.break_line();
            } else {
                w.put(' ');
            }
            spaces = true;
        } else if is_break(c) {
            w.out.push(c);
            w.col = 0;
            breaks = true;
        } else {
            if breaks {
                w.pad();
            }
            if quoted && c == '\'' {
                w.put('\'');
            }
            w.put(c);
            spaces = false;
            breaks = false;
        }
    }
    if quoted {
        w.put('\'');
    }
    w.out
}

/// Where the emitter stands in a scalar it writes: the text so far, the column, and the
/// indentation a new line of the scalar starts at. go-yaml indents every scalar by at
/// least 2 (a root scalar too), so libyaml's `write_indent` reduces to a line break and
/// the indentation mid-line, and to the indentation alone right after a break the text
/// itself held.
struct Cursor {
    out: String,
    col: usize,
    indent: usize,
}

impl Cursor {
    fn new(indent: usize, col: usize, capacity: usize) -> Self {
        Cursor { out: String::with_capacity(capacity), col, indent }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.col += 1;
    }

    /// An escape sequence (ASCII, so one column a byte).
    fn put_str(&mut self, s: &str) {
        self.out.push_str(s);
        self.col += s.len();
    }

    fn break_line(&mut self) {
        self.out.push('\n');
        self.col = 0;
        self.pad();
    }

    fn pad(&mut self) {
        while self.col < self.indent {
            self.put(' ');
        }
    }
}

/// Line breaks other than `\n` that go-yaml writes raw in single quotes (U+0085 and `\r`
/// are not printable, so they only ever appear escaped in double quotes).
fn is_break(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// A double-quoted scalar as go-yaml writes one: escapes for what is not printable, and,
/// past column 80, a break at a single space (which the break replaces; a second space
/// after it is kept as `\ `). go-yaml's BOM test looks at the start of the string
/// wherever it is asked, so a string that starts with a BOM is escaped throughout.
fn double_quoted(s: &str, indent: usize, start_col: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let escape_all = s.starts_with('\u{feff}');
    let mut w = Cursor::new(indent, start_col, s.len() + 2);
    w.put('"');
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\0' => Some("\\0".to_string()),
            '\u{07}' => Some("\\a".into()),
            '\u{08}' => Some("\\b".into()),
            '\t' => Some("\\t".into()),
            '\n' => Some("\\n".into()),
            '\u{0b}' => Some("\\v".into()),
            '\u{0c}' => Some("\\f".into()),
            '\r' => Some("\\r".into()),
            '\u{1b}' => Some("\\e".into()),
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\u{85}' => Some("\\N".into()),
            '\u{2028}' => Some("\\L".into()),
            '\u{2029}' => Some("\\P".into()),
            c if !printable(c) || escape_all => Some(match c as u32 {
                n @ 0..=0xFF => format!("\\x{n:02X}"),
                n @ 0x100..=0xFFFF => format!("\\u{n:04X}"),
                n => format!("\\U{n:08X}"),
            }),
            _ => None,
        };
        if let Some(e) = escape {
            w.put_str(&e);
            spaces = false;
        } else if c == ' ' {
            if !spaces && w.col > BEST_WIDTH && i != 0 && i + 1 != chars.len() {
                w.break_line();
                if chars.get(i + 1) == Some(&' ') {
                    w.put('\\');
                }
            } else {
                w.put(' ');
            }
            spaces = true;
        } else {
            w.put(c);
            spaces = false;
        }
    }
    w.put('"');
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // shared/reference/kubectl-outputs/run_outputs.txt (real kubectl).
    #[test]
    fn run_dry_run_manifest() {
        let pod = json!({"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": "nginx", "creationTimestamp": null, "labels": {"run": "nginx"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx", "args": ["sleep", "3600"],
                "env": [{"name": "FOO", "value": "bar"}], "resources": {}}],
                "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"},
            "status": {}});
        assert_eq!(
            to_yaml(&pod),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: nginx\n  name: nginx\nspec:\n  containers:\n  - args:\n    - sleep\n    - \"3600\"\n    env:\n    - name: FOO\n      value: bar\n    image: nginx\n    name: nginx\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n"
        );
    }

    #[test]
    fn quoting_rules() {
        let v = json!({"a": "2026-11-28T01:41:07Z", "b": "true", "c": "*", "d": "", "e": "-c", "f": "x: y",
                       "g": "it's", "h": "line1\nline2\n", "i": "0x1F", "j": "1.5", "k": "v1", "l": "- x", "m": "a #b"});
        assert_eq!(
            to_yaml(&v),
            "a: \"2026-11-28T01:41:07Z\"\nb: \"true\"\nc: '*'\nd: \"\"\ne: -c\nf: 'x: y'\ng: it's\nh: |\n  line1\n  line2\ni: \"0x1F\"\nj: \"1.5\"\nk: v1\nl: '- x'\nm: 'a #b'\n"
        );
    }

    #[test]
    fn long_strings_fold_past_column_80() {
        let msg = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
        let v = json!({"conditions": [{"message": msg, "type": "PodScheduled"}]});
        let y = to_yaml(&v);
        assert_eq!(
            y,
            "conditions:\n- message: '0/1 nodes are available: 1 node(s) didn''t match Pod''s node affinity/selector.\n    preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'\n  type: PodScheduled\n"
        );
    }
}
