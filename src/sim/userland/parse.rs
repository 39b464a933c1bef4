//! The container shell's grammar: a line becomes a list of pipelines joined by `;`, `&&`
//! and `||`; each command is words (quoted or not, with `$VAR` pieces expanded later) and
//! redirections (`>`, `>>`, `<`, `2>`, `2>&1`). `#` starts a comment. What a POSIX shell
//! has beyond that (control flow, subshells, `$(...)`) is refused with the shell's own
//! `Syntax error` wording rather than misread.

/// A piece of a word: literal text or a variable, and whether it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Lit(String, bool),
    Var(String, bool),
}

pub type Word = Vec<Piece>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirKind {
    /// `> file` or `>> file` on stdout (or `2>` on stderr).
    Write { fd: u8, append: bool },
    /// `< file`.
    Read,
    /// `2>&1`.
    ErrToOut,
    /// `>&2`.
    OutToErr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redir {
    pub kind: RedirKind,
    pub target: Word,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simple {
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    Then,
    And,
    Or,
}

/// Pipelines in order; each joined to the one before it by `Join` (the first by `Then`).
pub type List = Vec<(Join, Vec<Simple>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(Word),
    Op(&'static str),
    Redir(RedirKind),
}

fn is_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Reads `$NAME`, `${NAME}`, `$?`, `$$`, `$#`, `$0`-`$9` after the `$`; `None` for a lone `$`.
fn variable(chars: &[char], i: &mut usize) -> Option<String> {
    match chars.get(*i) {
        Some('{') => {
            let end = chars[*i..].iter().position(|c| *c == '}')? + *i;
            let name: String = chars[*i + 1..end].iter().collect();
            *i = end + 1;
            Some(name)
        }
        Some(c) if matches!(c, '?' | '$' | '#') || c.is_ascii_digit() => {
            *i += 1;
            Some(c.to_string())
        }
        Some(c) if is_name(*c) => {
            let start = *i;
            while chars.get(*i).is_some_and(|c| is_name(*c)) {
                *i += 1;
            }
            Some(chars[start..*i].iter().collect())
        }
        _ => None,
    }
}

fn push_lit(word: &mut Word, c: char, quoted: bool) {
    if let Some(Piece::Lit(s, q)) = word.last_mut()
        && *q == quoted
    {
        s.push(c);
        return;
    }
    word.push(Piece::Lit(c.to_string(), quoted));
}

/// Splits a line into tokens. Errors name what is unsupported or unterminated.
fn tokens(line: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut word: Word = Vec::new();
    let mut in_word = false;
    let mut i = 0;
    let finish = |out: &mut Vec<Tok>, word: &mut Word, in_word: &mut bool| {
        if *in_word {
            out.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                finish(&mut out, &mut word, &mut in_word);
                i += 1;
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                let end = chars[i + 1..].iter().position(|c| *c == '\'').ok_or("unterminated quoted string")?;
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                word.push(Piece::Lit(text, true));
                i += end + 2;
            }
            '"' => {
                in_word = true;
                // An empty "" still makes a word.
                word.push(Piece::Lit(String::new(), true));
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated quoted string".into()),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                            push_lit(&mut word, chars[i + 1], true);
                            i += 2;
                        }
                        Some('$') => {
                            i += 1;
                            match variable(&chars, &mut i) {
                                Some(v) => word.push(Piece::Var(v, true)),
                                None => push_lit(&mut word, '$', true),
                            }
                        }
                        Some('`') => return Err("command substitution is not supported here".into()),
                        Some(c) => {
                            push_lit(&mut word, *c, true);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.get(i + 1) {
                    push_lit(&mut word, *n, true);
                }
                i += 2;
            }
            '$' => {
                in_word = true;
                i += 1;
                if chars.get(i) == Some(&'(') {
                    return Err("command substitution is not supported here".into());
                }
                match variable(&chars, &mut i) {
                    Some(v) => word.push(Piece::Var(v, false)),
                    None => push_lit(&mut word, '$', false),
                }
            }
            '`' | '(' | ')' => return Err(format!("Syntax error: \"{c}\" unexpected")),
            ';' | '&' | '|' => {
                finish(&mut out, &mut word, &mut in_word);
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = match two.as_str() {
                    "&&" => "&&",
                    "||" => "||",
                    _ if c == '|' => "|",
                    // `cmd &` runs in the foreground here; the next command follows it.
                    _ => ";",
                };
                i += op.len().max(1);
                out.push(Tok::Op(op));
            }
            '>' | '<' => {
                // A word of digits right before `>` is the file descriptor (`2>`).
                let fd = match (&word[..], in_word) {
                    ([Piece::Lit(s, false)], true) if s == "2" || s == "1" => {
                        let fd = if s == "2" { 2 } else { 1 };
                        word.clear();
                        in_word = false;
                        fd
                    }
                    _ => {
                        finish(&mut out, &mut word, &mut in_word);
                        1
                    }
                };
                let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
                if c == '<' {
                    out.push(Tok::Redir(RedirKind::Read));
                    i += 1;
                } else if rest.starts_with(">&1") && fd == 2 {
                    out.push(Tok::Redir(RedirKind::ErrToOut));
                    i += 3;
                } else if rest.starts_with(">&2") && fd == 1 {
                    out.push(Tok::Redir(RedirKind::OutToErr));
                    i += 3;
                } else if rest.starts_with(">>") {
                    out.push(Tok::Redir(RedirKind::Write { fd, append: true }));
                    i += 2;
                } else {
                    out.push(Tok::Redir(RedirKind::Write { fd, append: false }));
                    i += 1;
                }
            }
            _ => {
                in_word = true;
                push_lit(&mut word, c, false);
                i += 1;
            }
        }
    }
    finish(&mut out, &mut word, &mut in_word);
    Ok(out)
}

/// Parses one line.
pub fn parse(line: &str) -> Result<List, String> {
    let mut list: List = Vec::new();
    let mut join = Join::Then;
    let mut pipeline: Vec<Simple> = Vec::new();
    let mut cmd = Simple::default();
    let mut toks = tokens(line)?.into_iter().peekable();
    while let Some(t) = toks.next() {
        match t {
            Tok::Word(w) => cmd.words.push(w),
            Tok::Redir(k @ (RedirKind::ErrToOut | RedirKind::OutToErr)) => {
                cmd.redirs.push(Redir { kind: k, target: Vec::new() })
            }
            Tok::Redir(kind) => match toks.next() {
                Some(Tok::Word(target)) => cmd.redirs.push(Redir { kind, target }),
                _ => return Err("Syntax error: redirection without a file name".into()),
            },
            Tok::Op(op) => {
                if cmd.words.is_empty() && cmd.redirs.is_empty() {
                    if op == ";" && pipeline.is_empty() && toks.peek().is_none() {
                        continue;
                    }
                    return Err(format!("Syntax error: \"{op}\" unexpected"));
                }
                pipeline.push(std::mem::take(&mut cmd));
                if op != "|" {
                    list.push((join, std::mem::take(&mut pipeline)));
                    join = match op {
                        "&&" => Join::And,
                        "||" => Join::Or,
                        _ => Join::Then,
                    };
                }
            }
        }
    }
    if cmd.words.is_empty() && cmd.redirs.is_empty() {
        if !pipeline.is_empty() || join != Join::Then {
            return Err("Syntax error: end of file unexpected".into());
        }
    } else {
        pipeline.push(cmd);
        list.push((join, pipeline));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Word {
        vec![Piece::Lit(s.into(), false)]
    }

    #[test]
    fn words_quotes_and_variables() {
        let l = parse(r#"echo 'a b' "x $HOME y" c\ d $? ${X}z"#).unwrap();
        let words = &l[0].1[0].words;
        assert_eq!(words[0], lit("echo"));
        assert_eq!(words[1], vec![Piece::Lit("a b".into(), true)]);
        assert_eq!(
            words[2],
            vec![Piece::Lit("x ".into(), true), Piece::Var("HOME".into(), true), Piece::Lit(" y".into(), true)]
        );
        assert_eq!(
            words[3],
            vec![Piece::Lit("c".into(), false), Piece::Lit(" ".into(), true), Piece::Lit("d".into(), false)]
        );
        assert_eq!(words[4], vec![Piece::Var("?".into(), false)]);
        assert_eq!(words[5], vec![Piece::Var("X".into(), false), Piece::Lit("z".into(), false)]);
        assert_eq!(parse("echo \"\"").unwrap()[0].1[0].words[1], vec![Piece::Lit(String::new(), true)]);
        assert_eq!(parse("echo $ a").unwrap()[0].1[0].words[1], lit("$"));
    }

    #[test]
    fn lists_pipelines_and_redirections() {
        let l = parse("a | b > out; c && d || e 2>&1 2>>log < in # note").unwrap();
        assert_eq!(l.len(), 4);
        assert_eq!(l[0].0, Join::Then);
        assert_eq!(l[0].1.len(), 2);
        assert_eq!(
            l[0].1[1].redirs,
            vec![Redir { kind: RedirKind::Write { fd: 1, append: false }, target: lit("out") }]
        );
        assert_eq!(l[2].0, Join::And);
        assert_eq!(l[3].0, Join::Or);
        let kinds: Vec<RedirKind> = l[3].1[0].redirs.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, vec![RedirKind::ErrToOut, RedirKind::Write { fd: 2, append: true }, RedirKind::Read]);
        assert_eq!(parse("sleep 1 &").unwrap().len(), 1);
        assert_eq!(parse("echo x >&2").unwrap()[0].1[0].redirs[0].kind, RedirKind::OutToErr);
        assert_eq!(parse("echo a>b").unwrap()[0].1[0].words, vec![lit("echo"), lit("a")]);
        assert!(parse("").unwrap().is_empty());
        assert!(parse("   # only a comment").unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(parse("echo 'open").unwrap_err(), "unterminated quoted string");
        assert_eq!(parse("echo \"open").unwrap_err(), "unterminated quoted string");
        assert_eq!(parse("| a").unwrap_err(), "Syntax error: \"|\" unexpected");
        assert_eq!(parse("a &&").unwrap_err(), "Syntax error: end of file unexpected");
        assert_eq!(parse("a |").unwrap_err(), "Syntax error: end of file unexpected");
        assert_eq!(parse("echo >").unwrap_err(), "Syntax error: redirection without a file name");
        assert!(parse("echo $(date)").unwrap_err().contains("not supported"));
        assert!(parse("(a)").unwrap_err().contains("unexpected"));
    }
}
