//! Did-you-mean: the edit distance and nearest-candidate rule every "unknown X" message
//! uses (verbs, flags, contexts, manifest fields). Pure.

/// Edit distance counting an adjacent transposition as one edit (optimal string
/// alignment), so `gte` is one step from `get`.
pub fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The closest candidate within a small edit distance (a third of the word's length,
/// between 1 and 3).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("gte", "get"), 1, "a transposition is one edit");
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("same", "same"), 0);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("abcd", "acbd"), 1);
    }

    #[test]
    fn nearest_respects_the_limit() {
        let verbs = ["get", "describe", "delete", "logs"];
        assert_eq!(nearest("gte", verbs), Some("get"));
        assert_eq!(nearest("descrbe", verbs), Some("describe"));
        assert_eq!(nearest("zzzzzz", verbs), None);
        assert_eq!(nearest("lgos", verbs), Some("logs"));
        // Six letters allow two edits, five allow one.
        assert_eq!(nearest("delxxe", verbs), Some("delete"));
        assert_eq!(nearest("dexxe", ["delete"]), None);
        assert_eq!(nearest("deleet", ["delete", "deleet2"]), Some("delete"), "the closest wins");
    }
}
