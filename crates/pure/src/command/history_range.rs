//! The range word of `history export` (`N`, `N-M`, `N-`), read while a line is parsed so
//! that a bad range is a parse error with a caret, before anything runs.

/// Which entries to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Range {
    /// This session's entries.
    Session(String),
    /// Entries FROM..=TO (1-based, as `history` numbers them); `None` = to the end.
    Numbers(usize, Option<usize>),
}

/// Reads `N`, `N-M` or `N-`.
pub fn parse_range(text: &str) -> Option<Range> {
    let num = |s: &str| s.parse::<usize>().ok().filter(|n| *n > 0);
    match text.split_once('-') {
        None => num(text).map(|n| Range::Numbers(n, Some(n))),
        Some((a, "")) => num(a).map(|a| Range::Numbers(a, None)),
        Some((a, b)) => match (num(a), num(b)) {
            (Some(a), Some(b)) if a <= b => Some(Range::Numbers(a, Some(b))),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("3"), Some(Range::Numbers(3, Some(3))));
        assert_eq!(parse_range("3-9"), Some(Range::Numbers(3, Some(9))));
        assert_eq!(parse_range("3-"), Some(Range::Numbers(3, None)));
        for bad in ["0", "9-3", "x", "-3", "3-x", ""] {
            assert_eq!(parse_range(bad), None, "{bad}");
        }
    }
}
