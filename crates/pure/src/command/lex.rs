//! Splits a line into statements the way a POSIX shell would for our small grammar:
//! words with quotes and backslash escapes, `;` between statements, `#` comments,
//! `> file`, `>> file`, `| command`, and a leading `!` for a host shell command.
//! Pure: no I/O. Each word keeps its byte span for caret diagnostics.

/// A word and where it came from in the line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Where a statement's output goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Sink {
    #[default]
    Stdout,
    /// `> path` (replace) or `>> path` (append).
    File { path: String, append: bool },
    /// `| command`, run by `sh -c`.
    Pipe(String),
}

/// One statement of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    Words {
        words: Vec<Word>,
        sink: Sink,
    },
    /// `!command`: handed to the host's shell as typed.
    Host(String),
}

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexError {
    /// An open quote or a trailing backslash: the line continues.
    Incomplete,
    /// A redirection without a target, e.g. `get pods >`.
    MissingTarget { at: usize, op: &'static str },
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Word),
    Semi,
    Redirect { append: bool, at: usize },
    Pipe(String),
}

/// What `lex` found besides tokens: a comment started, or the line ended inside a quote
/// or after a backslash (a line that continues; `split` refuses it, `tail` reads it).
#[derive(Debug, Default)]
struct Ends {
    comment: bool,
    open: bool,
}

/// Tokens of a line; an open quote or a trailing backslash ends at the end of the line
/// (marked in `Ends::open`), as completion reads a line still being typed.
fn lex(line: &str) -> (Vec<Tok>, Ends) {
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut cur: Option<(String, usize)> = None;
    let mut ends = Ends::default();
    let end_word = |cur: &mut Option<(String, usize)>, toks: &mut Vec<Tok>, end: usize| {
        if let Some((text, start)) = cur.take() {
            toks.push(Tok::Word(Word { text, start, end }));
        }
    };
    while i < bytes.len() {
        let (pos, c) = bytes[i];
        match c {
            '\'' | '"' => {
                let word = cur.get_or_insert_with(|| (String::new(), pos));
                let quote = c;
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    let (_, d) = bytes[i];
                    if d == quote {
                        closed = true;
                        break;
                    }
                    if quote == '"' && d == '\\' && i + 1 < bytes.len() && "\"\\$`\n".contains(bytes[i + 1].1) {
                        i += 1;
                        word.0.push(bytes[i].1);
                    } else {
                        word.0.push(d);
                    }
                    i += 1;
                }
                ends.open |= !closed;
            }
            '\\' => {
                if i + 1 >= bytes.len() {
                    cur.get_or_insert_with(|| (String::new(), pos));
                    ends.open = true;
                    break;
                }
                i += 1;
                let word = cur.get_or_insert_with(|| (String::new(), pos));
                if bytes[i].1 != '\n' {
                    word.0.push(bytes[i].1);
                }
            }
            '#' if cur.is_none() => {
                ends.comment = true;
                break;
            }
            ';' => {
                end_word(&mut cur, &mut toks, pos);
                toks.push(Tok::Semi);
            }
            '>' => {
                end_word(&mut cur, &mut toks, pos);
                let append = bytes.get(i + 1).is_some_and(|(_, d)| *d == '>');
                if append {
                    i += 1;
                }
                toks.push(Tok::Redirect { append, at: pos });
            }
            '|' => {
                end_word(&mut cur, &mut toks, pos);
                let rest_start = bytes.get(i + 1).map_or(line.len(), |(p, _)| *p);
                let rest = &line[rest_start..];
                let stop = unquoted_semicolon(rest).unwrap_or(rest.len());
                toks.push(Tok::Pipe(rest[..stop].trim().to_string()));
                let consumed = rest_start + stop;
                while i + 1 < bytes.len() && bytes[i + 1].0 < consumed {
                    i += 1;
                }
            }
            c if c.is_whitespace() => end_word(&mut cur, &mut toks, pos),
            c => cur.get_or_insert_with(|| (String::new(), pos)).0.push(c),
        }
        i += 1;
    }
    end_word(&mut cur, &mut toks, line.len());
    (toks, ends)
}

fn unquoted_semicolon(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (_, '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ';') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits a line into statements. Blank lines and comments give none. A line that
/// starts with `!` is one host command, taken whole.
pub fn split(line: &str) -> Result<Vec<Statement>, LexError> {
    if let Some(cmd) = line.trim_start().strip_prefix('!') {
        return Ok(vec![Statement::Host(cmd.trim().to_string())]);
    }
    let (toks, ends) = lex(line);
    if ends.open {
        return Err(LexError::Incomplete);
    }
    let mut out = Vec::new();
    let mut toks = toks.into_iter().peekable();
    let mut words: Vec<Word> = Vec::new();
    let mut sink = Sink::Stdout;
    loop {
        match toks.next() {
            Some(Tok::Word(w)) => words.push(w),
            Some(Tok::Redirect { append, at }) => match toks.next() {
                Some(Tok::Word(w)) => sink = Sink::File { path: w.text, append },
                _ => return Err(LexError::MissingTarget { at, op: if append { ">>" } else { ">" } }),
            },
            Some(Tok::Pipe(cmd)) if cmd.is_empty() => return Err(LexError::MissingTarget { at: 0, op: "|" }),
            Some(Tok::Pipe(cmd)) => sink = Sink::Pipe(cmd),
            Some(Tok::Semi) | None => {
                match (words.first(), words.last()) {
                    // `!cmd` after a `;`: the rest of its statement as typed.
                    (Some(first), Some(last)) if first.text.starts_with('!') => {
                        out.push(Statement::Host(line.get(first.start + 1..last.end).unwrap_or("").trim().to_string()));
                        words.clear();
                    }
                    (Some(_), _) => out
                        .push(Statement::Words { words: std::mem::take(&mut words), sink: std::mem::take(&mut sink) }),
                    _ => {}
                }
                if toks.peek().is_none() {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The statement being typed at the end of a line, read leniently, for completion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tail {
    /// The finished words of the statement, before the word being typed.
    pub words: Vec<Word>,
    /// The word being typed (empty text right after a space), with where it starts.
    pub current: Word,
    /// The word being typed is the target of `>` or `>>`.
    pub redirect: bool,
    /// The cursor is in text that is not ours: after `|`, in a `!command`, or a comment.
    pub foreign: bool,
}

/// Reads the last statement of `line` (the text before the cursor) as completion needs
/// it: quotes and escapes as the parser reads them, an unfinished quote tolerated.
pub fn tail(line: &str) -> Tail {
    let empty_at_end = Word { text: String::new(), start: line.len(), end: line.len() };
    let (toks, ends) = lex(line);
    let mut toks: Vec<Tok> = toks.rsplit(|t| *t == Tok::Semi).next().unwrap_or_default().to_vec();
    let ends_in_word = ends.open || !line.ends_with(char::is_whitespace) || line.ends_with("\\ ");
    let mut current = empty_at_end;
    if ends_in_word && let Some(Tok::Word(w)) = toks.last().filter(|t| matches!(t, Tok::Word(w) if w.end == line.len()))
    {
        current = w.clone();
        toks.pop();
    }
    let redirect = matches!(toks.last(), Some(Tok::Redirect { .. }));
    let piped = toks.iter().any(|t| matches!(t, Tok::Pipe(_)));
    let words: Vec<Word> = toks
        .into_iter()
        .filter_map(|t| match t {
            Tok::Word(w) => Some(w),
            _ => None,
        })
        .collect();
    let host = words.first().unwrap_or(&current).text.starts_with('!');
    Tail { words, current, redirect, foreign: ends.comment || piped || host }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Vec<String>> {
        split(s)
            .expect("lexes")
            .into_iter()
            .map(|st| match st {
                Statement::Words { words, .. } => words.into_iter().map(|w| w.text).collect(),
                Statement::Host(c) => vec![format!("!{c}")],
            })
            .collect()
    }

    #[test]
    fn quotes_escapes_and_separators() {
        assert_eq!(
            words("get pods; describe pod 'my pod'"),
            vec![vec!["get", "pods"], vec!["describe", "pod", "my pod"]]
        );
        assert_eq!(
            words(r#"run x --command -- sh -c "echo \"hi\"; sleep 1""#)[0].last().map(String::as_str),
            Some("echo \"hi\"; sleep 1")
        );
        assert_eq!(words(r"echo a\ b"), vec![vec!["echo", "a b"]]);
        assert_eq!(words("get pods # comment"), vec![vec!["get", "pods"]]);
        assert_eq!(words("   # only a comment"), Vec::<Vec<String>>::new());
        assert_eq!(words("get pods -l 'app in (a,b)'")[0][3], "app in (a,b)");
        assert_eq!(words("!ls -la | wc -l"), vec![vec!["!ls -la | wc -l"]]);
        assert_eq!(
            words("get pods; !echo 'a b' x; ns"),
            vec![vec!["get".to_string(), "pods".into()], vec!["!echo 'a b' x".into()], vec!["ns".into()]]
        );
        assert_eq!(words("a''b"), vec![vec!["ab"]]);
        assert_eq!(words("x ''")[0], vec!["x", ""]);
    }

    #[test]
    fn sinks() {
        let st = split("run nginx --image=nginx -o yaml > nginx-pod.yaml").expect("lexes");
        assert!(
            matches!(&st[0], Statement::Words { sink: Sink::File { path, append: false }, .. } if path == "nginx-pod.yaml")
        );
        let st = split("get pods >> out.txt; logs x | grep 'a;b' ; get ns").expect("lexes");
        assert!(matches!(&st[0], Statement::Words { sink: Sink::File { append: true, .. }, .. }));
        assert!(matches!(&st[1], Statement::Words { sink: Sink::Pipe(cmd), .. } if cmd == "grep 'a;b'"));
        assert_eq!(st.len(), 3);
    }

    #[test]
    fn incomplete_and_broken_lines() {
        assert_eq!(split("get 'pods"), Err(LexError::Incomplete));
        assert_eq!(split("get pods \\"), Err(LexError::Incomplete));
        assert_eq!(split("get pods >"), Err(LexError::MissingTarget { at: 9, op: ">" }));
        assert!(matches!(split("get pods |"), Err(LexError::MissingTarget { op: "|", .. })));
    }

    #[test]
    fn tails_of_unfinished_lines() {
        let t = tail("get pods; describe pod 'ng");
        assert_eq!(t.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["describe", "pod"]);
        assert_eq!((t.current.text.as_str(), t.current.start), ("ng", 23));
        assert!(!t.redirect && !t.foreign);
        let t = tail("logs \"my pod\" -c ");
        assert_eq!(t.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["logs", "my pod", "-c"]);
        assert_eq!((t.current.text.as_str(), t.current.start), ("", 17));
        let r = tail("get pods > out");
        assert!(r.redirect);
        assert_eq!(r.current.text, "out");
        assert!(tail("get pods >").redirect);
        assert!(tail("get pods | gr").foreign);
        assert!(tail("!ls -").foreign);
        assert!(tail("get pods # a comment").foreign);
        assert!(tail("a\\").current.text.starts_with('a'));
        assert_eq!(tail("describe pod 'my ").current.text, "my ", "an open quote keeps its spaces");
        assert_eq!(tail("").current.text, "");
        assert_eq!(tail("exec x -- ls").words.len(), 3);
    }

    #[test]
    fn spans_point_at_words() {
        let st = split("get  pods").expect("lexes");
        let Statement::Words { words, .. } = &st[0] else { panic!("words") };
        assert_eq!((words[1].start, words[1].end), (5, 9));
    }

    #[test]
    fn words_as_bash_splits_them() {
        let raw = |s: &str| s.replace('␉', "\t").replace('␤', "\n");
        let mut checked = 0;
        for case in include_str!("testdata/lex_words.txt").lines().filter(|l| !l.starts_with('#')) {
            let (line, want) = case.split_once('\t').expect("LINE<TAB>WORDS");
            let (line, want) = (raw(line), raw(want));
            let got: String = words(&line).concat().iter().map(|w| format!("[{w}]")).collect();
            assert_eq!(got, want, "{line:?}");
            checked += 1;
        }
        assert!(checked > 50, "{checked} cases");
    }

    #[test]
    fn separators_sinks_and_host_commands_end_where_they_should() {
        // The words after `|` belong to the host command, not to the statement.
        let st = split("get pods -o name | grep web --count").expect("lexes");
        let Statement::Words { words: w, sink } = &st[0] else { panic!("words") };
        assert_eq!(w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["get", "pods", "-o", "name"]);
        assert_eq!(sink, &Sink::Pipe("grep web --count".into()));
        assert_eq!(st.len(), 1);
        // A quoted `;` stays in the pipe; an unquoted one ends it, also after an escape.
        assert_eq!(words(r#"logs x | grep "a;b" \; c; ns"#).len(), 2);
        assert_eq!(words("logs x | grep 'a;b'; ns"), vec![vec!["logs", "x"], vec!["ns"]]);
        assert_eq!(words("logs x | grep a\\;b; ns")[1], vec!["ns"]);
        // `>` needs no spaces, `>>` appends, and the last sink wins.
        let st = split("get pods>a.txt").expect("lexes");
        assert!(
            matches!(&st[0], Statement::Words { sink: Sink::File { path, append: false }, words } if path == "a.txt" && words.len() == 2)
        );
        let st = split("get pods >>a >b").expect("lexes");
        assert!(matches!(&st[0], Statement::Words { sink: Sink::File { path, append: false }, .. } if path == "b"));
        assert_eq!(split("get pods >> ;"), Err(LexError::MissingTarget { at: 9, op: ">>" }));
        assert_eq!(split("ns; get pods > "), Err(LexError::MissingTarget { at: 13, op: ">" }));
        assert_eq!(split("ns; get |  ; x"), Err(LexError::MissingTarget { at: 0, op: "|" }));
        // Empty statements vanish; `!` starts a host command only at a statement's start.
        assert_eq!(words(";; get pods ;;"), vec![vec!["get", "pods"]]);
        assert_eq!(
            words("get pods; !  ls -l  ; ns"),
            vec![vec!["get".to_string(), "pods".into()], vec!["!ls -l".into()], vec!["ns".into()]]
        );
        assert_eq!(words("echo a!b"), vec![vec!["echo", "a!b"]]);
        assert_eq!(words("  !cat x | wc; y"), vec![vec!["!cat x | wc; y"]]);
        assert_eq!(split("").expect("blank"), vec![]);
        assert_eq!(split("  # get pods").expect("comment"), vec![]);
    }

    #[test]
    fn spans_follow_statements_and_escapes() {
        let st = split("ns x;  get 'my pod'").expect("lexes");
        let Statement::Words { words: w, .. } = &st[1] else { panic!("words") };
        assert_eq!(w.iter().map(|w| (w.start, w.end)).collect::<Vec<_>>(), [(7, 10), (11, 19)]);
        let st = split("a\\ b c").expect("lexes");
        let Statement::Words { words: w, .. } = &st[0] else { panic!("words") };
        assert_eq!((w[0].text.as_str(), w[0].start, w[0].end, w[1].start), ("a b", 0, 4, 5));
    }

    #[test]
    fn tails_know_what_is_being_typed() {
        let t = tail("get pods; logs -f ");
        assert_eq!(t.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["logs", "-f"]);
        assert_eq!((t.current.text.as_str(), t.current.start, t.current.end), ("", 18, 18));
        let t = tail("logs my\\ po");
        assert_eq!((t.current.text.as_str(), t.current.start), ("my po", 5));
        let t = tail("logs my\\ ");
        assert_eq!(t.current.text, "my ", "an escaped space continues the word");
        let t = tail("get pods >> o");
        assert!(t.redirect && !t.foreign);
        assert_eq!(t.current.text, "o");
        assert!(!tail("get pods > out ").redirect, "the target is finished");
        assert!(!tail("get pods").foreign && !tail("get pods ").redirect);
        assert!(tail("get x #").foreign);
        assert!(!tail("get a#b").foreign, "a # inside a word is not a comment");
        assert!(tail("  !get").foreign);
        assert!(tail("ns; !ls ").foreign);
        let t = tail("get \"a b");
        assert_eq!((t.current.text.as_str(), t.current.start, t.words.len()), ("a b", 4, 1));
    }

    #[test]
    fn a_backslash_at_the_end_of_an_open_quote_continues_the_line() {
        assert_eq!(split("echo \"a\\"), Err(LexError::Incomplete));
        assert_eq!(split("echo \"a\\\""), Err(LexError::Incomplete));
        assert_eq!(words("echo \"a\\\"\""), vec![vec!["echo", "a\""]]);
        let t = tail("logs \"a\\");
        assert_eq!((t.current.text.as_str(), t.current.start, t.foreign), ("a\\", 5, false));
        assert_eq!(tail("ns;").words.len(), 0);
        assert_eq!(tail("get pods;ns").current.text, "ns");
    }
}
