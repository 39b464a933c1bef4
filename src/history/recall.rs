//! `!!`, `!N` and `!-N` at the start of a line, as bash expands them (pure): the
//! previous line, history entry N (as `history` numbers them), or the Nth line back;
//! whatever follows is kept (`!! -o yaml`). `!word` stays a host command.

/// Why a reference expands to nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound(pub String);

/// Whether the line starts with a history reference (so the history must be read).
pub fn refers(line: &str) -> bool {
    let mut c = line.trim_start().chars();
    c.next() == Some('!') && c.next().is_some_and(|c| c == '!' || c == '-' || c.is_ascii_digit())
}

/// The line with its leading history reference replaced, or `None` when it has none.
/// `entries` are the history, oldest first; `previous` is this session's last line.
pub fn expand(line: &str, previous: Option<&str>, entries: &[String]) -> Result<Option<String>, NotFound> {
    let trimmed = line.trim_start();
    let Some(after) = trimmed.strip_prefix('!') else { return Ok(None) };
    let (found, rest) = if let Some(rest) = after.strip_prefix('!') {
        (previous.or(entries.last().map(String::as_str)), rest)
    } else {
        let digits_from = usize::from(after.starts_with('-'));
        let len = after[digits_from..].bytes().take_while(u8::is_ascii_digit).count();
        let rest = &after[digits_from + len..];
        if len == 0 || !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            return Ok(None);
        }
        let n: usize = after[digits_from..digits_from + len].parse().map_err(|_| NotFound(reference(after, len)))?;
        let index = if digits_from == 1 { entries.len().checked_sub(n) } else { n.checked_sub(1) };
        (index.and_then(|i| entries.get(i)).map(String::as_str), rest)
    };
    match found {
        Some(text) => Ok(Some(format!("{text}{rest}"))),
        None => Err(NotFound(reference(after, after.len() - rest.len()))),
    }
}

/// The reference as typed (`!!`, `!12`, `!-2`), for the error.
fn reference(after: &str, len: usize) -> String {
    format!("!{}", &after[..len.min(after.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<String> {
        ["get pods", "ns dev", "logs web -f"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bang_bang_numbers_and_offsets() {
        let e = entries();
        assert_eq!(expand("!!", Some("describe pod x"), &e), Ok(Some("describe pod x".into())));
        assert_eq!(expand("!!", None, &e), Ok(Some("logs web -f".into())), "the file's last line");
        assert_eq!(expand("  !! -o yaml", None, &e), Ok(Some("logs web -f -o yaml".into())));
        assert_eq!(expand("!1", None, &e), Ok(Some("get pods".into())));
        assert_eq!(expand("!2 extra", None, &e), Ok(Some("ns dev extra".into())));
        assert_eq!(expand("!-1", None, &e), Ok(Some("logs web -f".into())));
        assert_eq!(expand("!-3", None, &e), Ok(Some("get pods".into())));
        assert!(refers(" !!") && refers("!2") && refers("!-1"));
        assert!(!refers("!ls") && !refers("get !!") && !refers("!"));
    }

    #[test]
    fn host_commands_and_misses() {
        let e = entries();
        for host in ["!ls", "!1abc", "!echo !!", "get pods", "!", "!-", "!-x"] {
            assert_eq!(expand(host, Some("x"), &e), Ok(None), "{host}");
        }
        assert_eq!(expand("!4", None, &e), Err(NotFound("!4".into())));
        assert_eq!(expand("!0", None, &e), Err(NotFound("!0".into())));
        assert_eq!(expand("!-4 x", None, &e), Err(NotFound("!-4".into())));
        assert_eq!(expand("!-0", None, &e), Err(NotFound("!-0".into())));
        assert_eq!(expand("!!", None, &[]), Err(NotFound("!!".into())));
        assert_eq!(expand("!99999999999999999999999", None, &e), Err(NotFound("!99999999999999999999999".into())));
    }
}
