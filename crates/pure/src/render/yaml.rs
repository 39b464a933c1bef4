//! YAML exactly as kubectl prints it: kubectl turns JSON into YAML through
//! sigs.k8s.io/yaml, i.e. go-yaml v2, so keys come out sorted, sequences sit at their
//! parent key's indentation, strings that would read back as another type are
//! double-quoted, strings that cannot be plain are single-quoted, multi-line strings
//! are literal blocks, and long plain or single-quoted strings fold at column 80.

use serde_json::Value;

const BEST_WIDTH: usize = 80;

/// Renders `v` as kubectl's `-o yaml` does.
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter { out: String::new() };
    match v {
        Value::Object(m) if !m.is_empty() => e.mapping(v, 0),
        Value::Array(a) if !a.is_empty() => e.sequence(v, 0),
        other => {
            let s = e.scalar_text(other, 0, 0);
            e.out.push_str(&s);
            e.out.push('\n');
        }
    }
    e.out
}

struct Emitter {
    out: String,
}

fn sorted(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
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
    let (sign, digits) = match plain.strip_prefix('-').or_else(|| plain.strip_prefix('+')) {
        Some(rest) => (true, rest),
        None => (false, plain.as_str()),
    };
    let _ = sign;
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

fn is_float(s: &str) -> bool {
    let t = s.strip_prefix('-').or_else(|| s.strip_prefix('+')).unwrap_or(s);
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || "eE.+-".contains(c)) {
        return false;
    }
    t.chars().any(|c| c.is_ascii_digit()) && s.parse::<f64>().is_ok()
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

/// go-yaml v2 reads `2006-1-2`, `2006-1-2T15:4:5Z07:00`-style text as timestamps.
fn is_timestamp(s: &str) -> bool {
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = d.len() == 3
        && d[0].len() == 4
        && d.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && d[1].len() <= 2
        && d[2].len() <= 2;
    if !date_ok {
        return false;
    }
    let Some(t) = time else { return true };
    let t = t.trim_end_matches('Z').trim_end_matches('z');
    let core = t.split(['+', '-']).next().unwrap_or(t);
    let hms: Vec<&str> = core.split(':').collect();
    hms.len() == 3 && hms.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

enum Style {
    Plain,
    Single,
}

/// libyaml's `yaml_emitter_analyze_scalar`, for block context.
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

/// Writes a plain or single-quoted scalar, breaking at a space once past column 80.
fn fold(s: &str, indent: usize, start_col: usize, quoted: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 2);
    let mut col = start_col;
    if quoted {
        out.push('\'');
        col += 1;
    }
    let mut prev_space = false;
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let next_space = chars.get(i + 1).is_some_and(|n| *n == ' ');
            let inner = !quoted || (i != 0 && i + 1 != chars.len());
            if !prev_space && col > BEST_WIDTH && !next_space && inner {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
                col = indent;
            } else {
                out.push(' ');
                col += 1;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        if quoted && *c == '\'' {
            out.push_str("''");
            col += 2;
        } else {
            out.push(*c);
            col += 1;
        }
    }
    if quoted {
        out.push('\'');
    }
    out
}

/// A double-quoted scalar as go-yaml writes one: escapes for what is not printable, and,
/// past column 80, a break at a single space (which the break replaces; a second space
/// after it is kept as `\ `). go-yaml's BOM test looks at the start of the string
/// wherever it is asked, so a string that starts with a BOM is escaped throughout.
fn double_quoted(s: &str, indent: usize, start_col: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let escape_all = s.starts_with('\u{feff}');
    let mut out = String::from("\"");
    let mut col = start_col + 1;
    let mut spaces = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
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
            col += e.len();
            out.push_str(&e);
            spaces = false;
        } else if c == ' ' {
            if !spaces && col > BEST_WIDTH && i != 0 && i + 1 != chars.len() {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
                col = indent;
                if chars.get(i + 1) == Some(&' ') {
                    out.push('\\');
                    col += 1;
                }
            } else {
                out.push(' ');
                col += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            col += 1;
            spaces = false;
        }
        i += 1;
    }
    out.push('"');
    out
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
