//! What `history` prints (pure): the chosen entries, numbered as `!N` reads them, with
//! their time, exit status, duration and context/namespace when the file recorded them.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Entry;

/// Which entries `history` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only the last N (after the other filters).
    pub last: Option<usize>,
    /// Only entries that ended with a non-zero status.
    pub failed: bool,
    /// Only entries run in this context.
    pub context: Option<String>,
}

/// The numbered entries (1-based) the filter keeps, oldest first.
pub fn select<'a>(entries: &'a [Entry], f: &Filter) -> Vec<(usize, &'a Entry)> {
    let kept: Vec<(usize, &Entry)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i + 1, e))
        .filter(|(_, e)| !f.failed || e.meta.as_ref().and_then(|m| m.status).is_some_and(|s| s != 0))
        .filter(|(_, e)| f.context.as_ref().is_none_or(|c| e.meta.as_ref().is_some_and(|m| &m.ctx == c)))
        .collect();
    let skip = f.last.map_or(0, |n| kept.len().saturating_sub(n));
    kept.into_iter().skip(skip).collect()
}

/// A duration as people read it: `35ms`, `1.2s`, `4m05s`, `1h02m`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms}ms"),
        1_000..60_000 => format!("{}.{}s", ms / 1000, ms % 1000 / 100),
        60_000..3_600_000 => format!("{}m{:02}s", ms / 60_000, ms % 60_000 / 1000),
        _ => format!("{}h{:02}m", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// An entry's time in `tz`, `MM-DD HH:MM:SS`.
fn when(at: &str, tz: &TimeZone) -> String {
    at.parse::<Timestamp>()
        .map_or_else(|_| "-".into(), |t| t.to_zoned(tz.clone()).strftime("%m-%d %H:%M:%S").to_string())
}

/// The listing. Without any recorded metadata it is `N  LINE`, as before annotations.
pub fn render(rows: &[(usize, &Entry)], tz: &TimeZone) -> String {
    let width = rows.last().map_or(1, |(n, _)| n.to_string().len());
    if rows.iter().all(|(_, e)| e.meta.is_none()) {
        return rows.iter().map(|(n, e)| format!("{n:>width$}  {}\n", e.line)).collect();
    }
    let place = |e: &Entry| e.meta.as_ref().map_or(String::new(), |m| format!("{}/{}", m.ctx, m.ns));
    let place_width = rows.iter().map(|(_, e)| place(e).chars().count()).max().unwrap_or(0);
    let mut text = String::new();
    for (n, e) in rows {
        let (at, status, took) = match &e.meta {
            Some(m) => {
                (when(&m.at, tz), m.status.map_or("-".into(), |s| s.to_string()), m.ms.map_or("-".into(), duration))
            }
            None => (String::new(), String::new(), String::new()),
        };
        text.push_str(&format!(
            "{n:>width$}  {at:<14}  {status:>3}  {took:>6}  {:<place_width$}  {}\n",
            place(e),
            e.line
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::Meta;
    use super::*;

    fn entry(line: &str, ctx: &str, status: Option<i32>, ms: Option<u64>) -> Entry {
        let meta = Meta {
            id: "s.1".into(),
            at: "2026-11-29T01:02:03Z".into(),
            ctx: ctx.into(),
            ns: "default".into(),
            status,
            ms,
            ..Meta::default()
        };
        Entry { line: line.into(), meta: Some(meta) }
    }

    #[test]
    fn filters_keep_the_numbers() {
        let e = vec![
            Entry { line: "old".into(), meta: None },
            entry("get pods", "sim", Some(0), Some(30)),
            entry("logs nope", "prod", Some(1), Some(1500)),
            entry("get pods -w", "sim", Some(130), Some(65_000)),
        ];
        let nums = |f: &Filter| select(&e, f).iter().map(|(n, _)| *n).collect::<Vec<_>>();
        assert_eq!(nums(&Filter::default()), [1, 2, 3, 4]);
        assert_eq!(nums(&Filter { failed: true, ..Filter::default() }), [3, 4]);
        assert_eq!(nums(&Filter { context: Some("sim".into()), ..Filter::default() }), [2, 4]);
        assert_eq!(nums(&Filter { last: Some(2), context: Some("sim".into()), failed: false }), [2, 4]);
        assert_eq!(nums(&Filter { last: Some(1), ..Filter::default() }), [4]);
        assert_eq!(nums(&Filter { last: Some(0), ..Filter::default() }), Vec::<usize>::new());
    }

    #[test]
    fn renders_annotations_and_plain_entries() {
        let e = vec![
            Entry { line: "old".into(), meta: None },
            entry("get pods", "sim", Some(0), Some(30)),
            entry("logs nope", "production", Some(1), Some(1500)),
            entry("sleepy", "sim", None, None),
        ];
        let rows = select(&e, &Filter::default());
        assert_eq!(
            render(&rows, &TimeZone::UTC),
            "1                                                   old\n\
             2  11-29 01:02:03    0    30ms  sim/default         get pods\n\
             3  11-29 01:02:03    1    1.5s  production/default  logs nope\n\
             4  11-29 01:02:03    -       -  sim/default         sleepy\n"
        );
        let plain = vec![Entry { line: "a".into(), meta: None }];
        assert_eq!(render(&select(&plain, &Filter::default()), &TimeZone::UTC), "1  a\n");
    }

    #[test]
    fn durations() {
        let cases = [(0, "0ms"), (999, "999ms"), (1000, "1.0s"), (1999, "1.9s"), (59_999, "59.9s")];
        for (ms, text) in cases {
            assert_eq!(duration(ms), text);
        }
        assert_eq!(duration(60_000), "1m00s");
        assert_eq!(duration(245_000), "4m05s");
        assert_eq!(duration(3_600_000), "1h00m");
        assert_eq!(duration(3_725_000), "1h02m");
    }
}
