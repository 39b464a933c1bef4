//! Label and field selector syntax (apimachinery `labels.Parse` and `fields.ParseSelector`):
//! parsed once into data, then matched against any key/value lookup.

use std::collections::BTreeMap;

/// One label requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
    Gt(String, i64),
    Lt(String, i64),
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector(pub Vec<LabelReq>);

/// A parsed field selector: `(field, wanted value, equal?)` terms, all of which must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector(pub Vec<(String, String, bool)>);

/// Splits on commas that are not inside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn parse_set(key: &str, rest: &str) -> Result<Vec<String>, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .ok_or_else(|| format!("unable to parse requirement: found '{}', expected: '('", shown(rest)))?;
    let inner = inner
        .strip_suffix(')')
        .ok_or_else(|| "unable to parse requirement: found '', expected: ',' or ')'".to_string())?;
    let values: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
    for v in &values {
        validate_value(key, v)?;
    }
    Ok(values)
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?` of at most `max` characters: a label
/// value (empty allowed by the caller) or a key's name part (apimachinery's validation).
fn is_label_word(s: &str, max: usize) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    s.len() <= max
        && edge(s.chars().next())
        && edge(s.chars().last())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// A DNS-1123 subdomain: lower-case labels joined by dots, at most 253 characters.
fn is_dns_subdomain(s: &str) -> bool {
    let label = |l: &str| {
        let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        edge(l.chars().next())
            && edge(l.chars().last())
            && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    s.len() <= 253 && s.split('.').all(label)
}

/// A label key is a qualified name: `[prefix/]name`, the prefix a DNS subdomain and the
/// name at most 63 characters (apimachinery's `IsQualifiedName`).
fn validate_key(key: &str) -> Result<(), String> {
    let ok = match key.split_once('/') {
        Some((prefix, name)) => is_dns_subdomain(prefix) && is_label_word(name, 63),
        None => is_label_word(key, 63),
    };
    if ok { Ok(()) } else { Err(format!("unable to parse requirement: invalid label key \"{}\"", shown(key))) }
}

fn validate_value(key: &str, v: &str) -> Result<(), String> {
    if v.is_empty() || is_label_word(v, 63) {
        Ok(())
    } else {
        Err(format!("unable to parse requirement: invalid label value: \"{}\" for key \"{}\"", shown(v), shown(key)))
    }
}

fn parse_req(term: &str) -> Result<LabelReq, String> {
    let t = term.trim();
    if let Some(key) = t.strip_prefix('!') {
        let key = key.trim();
        validate_key(key)?;
        return Ok(LabelReq::NotExists(key.to_string()));
    }
    for (op, i) in [("!=", 2usize), ("==", 2), ("=", 1), (">", 1), ("<", 1)] {
        if let Some(pos) = t.find(op) {
            let (key, value) = (t[..pos].trim(), t[pos + i..].trim());
            validate_key(key)?;
            let number = || {
                value.parse::<i64>().map_err(|_| {
                    "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer".to_string()
                })
            };
            return match op {
                ">" => Ok(LabelReq::Gt(key.into(), number()?)),
                "<" => Ok(LabelReq::Lt(key.into(), number()?)),
                _ => {
                    validate_value(key, value)?;
                    Ok(if op == "!=" {
                        LabelReq::NotEq(key.into(), value.into())
                    } else {
                        LabelReq::Eq(key.into(), value.into())
                    })
                }
            };
        }
    }
    let mut words = t.splitn(2, char::is_whitespace);
    let key = words.next().unwrap_or_default();
    let rest = words.next().unwrap_or_default().trim_start();
    validate_key(key)?;
    if rest.is_empty() {
        return Ok(LabelReq::Exists(key.to_string()));
    }
    if let Some(r) = rest.strip_prefix("notin") {
        return Ok(LabelReq::NotIn(key.into(), parse_set(key, r)?));
    }
    if let Some(r) = rest.strip_prefix("in") {
        return Ok(LabelReq::In(key.into(), parse_set(key, r)?));
    }
    Err(format!("unable to parse requirement: found '{}', expected: in, notin, =, ==, !=, gt, lt", shown(rest)))
}

impl LabelSelector {
    /// Parses the `labelSelector` query syntax.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Ok(Self::default());
        }
        split_top(s).into_iter().map(parse_req).collect::<Result<_, _>>().map(Self)
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        self.matches_by(|k| labels.and_then(|l| l.get(k)).map(String::as_str))
    }

    /// Whether the labels that `get` looks up satisfy every requirement.
    pub fn matches_by<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        let among = |vs: &[String], x: &str| vs.iter().any(|v| v == x);
        self.0.iter().all(|r| match r {
            LabelReq::Eq(k, v) => get(k) == Some(v.as_str()),
            LabelReq::NotEq(k, v) => get(k) != Some(v.as_str()),
            LabelReq::In(k, vs) => get(k).is_some_and(|x| among(vs, x)),
            LabelReq::NotIn(k, vs) => get(k).is_none_or(|x| !among(vs, x)),
            LabelReq::Exists(k) => get(k).is_some(),
            LabelReq::NotExists(k) => get(k).is_none(),
            LabelReq::Gt(k, n) => get(k).and_then(|x| x.parse::<i64>().ok()).is_some_and(|x| x > *n),
            LabelReq::Lt(k, n) => get(k).and_then(|x| x.parse::<i64>().ok()).is_some_and(|x| x < *n),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FieldSelector {
    /// Parses the `fieldSelector` syntax: `a=b`, `a==b`, `a!=b`, joined by commas.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for t in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (key, value, eq) = if let Some((k, v)) = t.split_once("!=") {
                (k, v, false)
            } else if let Some((k, v)) = t.split_once("==") {
                (k, v, true)
            } else if let Some((k, v)) = t.split_once('=') {
                (k, v, true)
            } else {
                return Err(format!("invalid selector: '{}'; can't understand '{}'", shown(s), shown(t)));
            };
            terms.push((key.trim().to_string(), value.trim().to_string(), eq));
        }
        Ok(Self(terms))
    }

    /// The first field name that `supported` rejects, if any.
    pub fn unsupported(&self, supported: impl Fn(&str) -> bool) -> Option<&str> {
        self.0.iter().map(|(k, _, _)| k.as_str()).find(|k| !supported(k))
    }

    /// Whether every term holds, with `value(field)` giving the object's value.
    pub fn matches(&self, value: impl Fn(&str) -> String) -> bool {
        self.0.iter().all(|(k, v, eq)| (value(k) == *v) == *eq)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Input as an error message shows it: control characters escaped (`\n`), so a message
/// stays one line whatever was typed.
fn shown(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn what_was_typed_is_shown_on_one_line() {
        assert_eq!(
            LabelSelector::parse("me\nta=x"),
            Err("unable to parse requirement: invalid label key \"me\\nta\"".to_string())
        );
        assert_eq!(
            FieldSelector::parse("a\tb"),
            Err("invalid selector: 'a\\tb'; can't understand 'a\\tb'".to_string())
        );
        assert_eq!(shown("été ok"), "été ok");
    }

    #[test]
    fn every_operator() {
        let l = labels(&[("app", "web"), ("tier", "fe")]);
        let yes = [
            "app=web",
            "app==web",
            "app!=db",
            "app in (web,db)",
            "tier notin (be)",
            "app",
            "!missing",
            "app=web,tier=fe",
        ];
        for s in yes {
            assert!(LabelSelector::parse(s).expect(s).matches(Some(&l)), "{s} should match");
        }
        let no = ["app=db", "app notin (web)", "!app", "missing", "app=web,tier=be", "app in (db)"];
        for s in no {
            assert!(!LabelSelector::parse(s).expect(s).matches(Some(&l)), "{s} should not match");
        }
    }

    #[test]
    fn rejects_broken_syntax() {
        assert!(LabelSelector::parse("a in (b").is_err());
        assert!(LabelSelector::parse("a b").is_err());
        assert!(LabelSelector::parse("a=b c").is_err());
        assert!(FieldSelector::parse("status.phase").is_err());
    }

    #[test]
    fn field_terms() {
        let f = FieldSelector::parse("status.phase=Running,metadata.name!=x").expect("valid");
        assert!(f.matches(|k| if k == "status.phase" { "Running".into() } else { "y".into() }));
        assert!(!f.matches(|_| "x".into()));
        assert_eq!(f.unsupported(|k| k == "status.phase"), Some("metadata.name"));
    }

    #[test]
    fn the_apimachinery_cases() {
        let unescape = |s: &str| s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r");
        let mut counts = [0; 4];
        for line in include_str!("testdata/label_selectors.txt").lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let (verdict, selector) = (fields.next().unwrap_or_default(), unescape(fields.next().unwrap_or_default()));
            let parsed = LabelSelector::parse(&selector);
            match verdict {
                "valid" => assert!(parsed.is_ok(), "{selector:?} should parse: {parsed:?}"),
                "invalid" => assert!(parsed.is_err(), "{selector:?} should not parse: {parsed:?}"),
                "match" | "nomatch" => {
                    let pairs: Vec<(&str, &str)> =
                        fields.next().unwrap_or_default().split(',').filter_map(|kv| kv.split_once('=')).collect();
                    let got = parsed.expect("a selector that parses").matches(Some(&labels(&pairs)));
                    assert_eq!(got, verdict == "match", "{selector:?} on {pairs:?}");
                }
                other => panic!("unknown verdict {other:?}"),
            }
            counts[["valid", "invalid", "match", "nomatch"].iter().position(|v| *v == verdict).unwrap_or(0)] += 1;
        }
        assert!(counts.iter().all(|n| *n > 20), "{counts:?}");
    }

    #[test]
    fn each_requirement_is_read_as_its_operator() {
        let s = |t: &str| LabelSelector::parse(t).expect(t).0;
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            s("a=1,b==2,c!=3,d in (4, 5),e notin (6),f,!g,h>7,i<-8"),
            vec![
                LabelReq::Eq("a".into(), "1".into()),
                LabelReq::Eq("b".into(), "2".into()),
                LabelReq::NotEq("c".into(), "3".into()),
                LabelReq::In("d".into(), v(&["4", "5"])),
                LabelReq::NotIn("e".into(), v(&["6"])),
                LabelReq::Exists("f".into()),
                LabelReq::NotExists("g".into()),
                LabelReq::Gt("h".into(), 7),
                LabelReq::Lt("i".into(), -8),
            ]
        );
        assert!(LabelSelector::parse("  ").expect("blank").is_empty());
        assert!(!LabelSelector::parse("a").expect("a").is_empty());
        assert_eq!(
            LabelSelector::parse("x<a"),
            Err("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer".into())
        );
        assert_eq!(
            LabelSelector::parse("a (b)"),
            Err("unable to parse requirement: found '(b)', expected: in, notin, =, ==, !=, gt, lt".into())
        );
        assert_eq!(LabelSelector::parse("a in b"), Err("unable to parse requirement: found 'b', expected: '('".into()));
        assert_eq!(
            LabelSelector::parse("a in (b"),
            Err("unable to parse requirement: found '', expected: ',' or ')'".into())
        );
        assert_eq!(
            LabelSelector::parse("a=-b"),
            Err("unable to parse requirement: invalid label value: \"-b\" for key \"a\"".into())
        );
        assert_eq!(LabelSelector::parse("!-a"), Err("unable to parse requirement: invalid label key \"-a\"".into()));
        assert!(LabelSelector::parse("a").expect("a").matches(Some(&labels(&[("a", "")]))));
        assert!(!LabelSelector::parse("a").expect("a").matches(None));
        assert!(LabelSelector::parse("!a").expect("!a").matches(None));
    }

    #[test]
    fn field_selectors_read_each_operator() {
        assert_eq!(
            FieldSelector::parse(" a=1 , b==2,c!=3,,").expect("valid").0,
            vec![("a".into(), "1".into(), true), ("b".into(), "2".into(), true), ("c".into(), "3".into(), false)]
        );
        assert!(FieldSelector::parse("").expect("empty").is_empty());
        assert!(!FieldSelector::parse("a=1").expect("one").is_empty());
        let f = FieldSelector::parse("spec.nodeName==n1").expect("valid");
        assert!(f.matches(|_| "n1".into()) && !f.matches(|_| "n2".into()));
        assert_eq!(f.unsupported(|_| true), None);
    }
}
