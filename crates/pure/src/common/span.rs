//! Where a borrowed piece of an encoding sits in it: a Table row splices an object's
//! `metadata` into its response by range instead of re-serializing it.

use std::ops::Range;

/// Where `part` (borrowed from `whole`, as serde's `RawValue` borrows) sits in `whole`;
/// `None` when it is not inside it.
pub fn span(whole: &[u8], part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_borrowed_piece_is_found_and_a_foreign_one_is_not() {
        let whole = br#"{"metadata":{"name":"a"},"spec":{}}"#;
        #[derive(serde::Deserialize)]
        struct Raw<'a> {
            #[serde(borrow)]
            metadata: &'a serde_json::value::RawValue,
        }
        let raw: Raw<'_> = serde_json::from_slice(whole).expect("json");
        let at = span(whole, raw.metadata.get()).expect("inside");
        assert_eq!(at, 12..24);
        assert_eq!(&whole[at], br#"{"name":"a"}"#);
        let tail = std::str::from_utf8(&whole[30..]).expect("utf8");
        assert_eq!(span(whole, tail), Some(30..whole.len()));
        assert_eq!(span(b"abc", "elsewhere"), None);
        assert_eq!(span(&whole[..10], raw.metadata.get()), None, "past the end");
    }
}
