//! Short strings packed into one allocation: what a stored revision keeps beside its
//! encoding for selectors (labels, selectable fields) costs a few hundred bytes a pod
//! this way instead of a map node and an allocation per string, which at 150,000 pods
//! is the difference of ~150 MB.

use std::collections::BTreeMap;

/// Strings in order, as one text and where each ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Packed {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Packed {
    pub fn new<'a>(parts: impl IntoIterator<Item = &'a str>) -> Self {
        let (mut text, mut ends) = (String::new(), Vec::new());
        for p in parts {
            text.push_str(p);
            // Objects are bounded far below 4 GB (the API server's request limit is 3 MB).
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Self { text: text.into_boxed_str(), ends: ends.into_boxed_slice() }
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }
}

/// An object's labels, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels(Packed);

impl Labels {
    pub fn of(labels: Option<&BTreeMap<String, String>>) -> Self {
        Self(Packed::new(labels.into_iter().flatten().flat_map(|(k, v)| [k.as_str(), v.as_str()])))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        let n = self.0.len() / 2;
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.0.get(2 * mid)?.cmp(key) {
                std::cmp::Ordering::Equal => return self.0.get(2 * mid + 1),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }
}

/// A kind's selectable fields, valued in the order of its field names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    names: &'static [&'static str],
    values: Packed,
}

impl Fields {
    pub fn of(names: &'static [&'static str], value: impl Fn(&str) -> String) -> Self {
        let values: Vec<String> = names.iter().map(|n| value(n)).collect();
        Self { names, values: Packed::new(values.iter().map(String::as_str)) }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(self.names.iter().position(|n| *n == name)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_strings_come_back_in_order_including_empty_ones() {
        let p = Packed::new(["ab", "", "c", "défg"]);
        let got: Vec<Option<&str>> = (0..5).map(|i| p.get(i)).collect();
        assert_eq!(got, [Some("ab"), Some(""), Some("c"), Some("défg"), None]);
        assert_eq!(p.len(), 4);
        assert_eq!(Packed::default().get(0), None);
        assert_eq!(Packed::new([""]).get(0), Some(""));
    }

    #[test]
    fn labels_are_found_by_key_and_absent_keys_are_not() {
        let map: BTreeMap<String, String> =
            [("app", "web"), ("run", "pod-1"), ("tier", ""), ("z", "last"), ("a.b/c", "x")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let labels = Labels::of(Some(&map));
        for (k, v) in &map {
            assert_eq!(labels.get(k), Some(v.as_str()), "{k}");
        }
        for absent in ["", "ap", "apps", "web", "zz", "a"] {
            assert_eq!(labels.get(absent), None, "{absent}");
        }
        assert_eq!(Labels::of(None).get("app"), None);
        let one: BTreeMap<String, String> = [("k".to_string(), "v".to_string())].into();
        assert_eq!(Labels::of(Some(&one)).get("k"), Some("v"));
    }

    #[test]
    fn fields_are_found_by_name() {
        const NAMES: &[&str] = &["metadata.name", "status.phase", "spec.nodeName"];
        let fields = Fields::of(NAMES, |n| if n == "spec.nodeName" { String::new() } else { format!("{n}!") });
        assert_eq!(fields.get("metadata.name"), Some("metadata.name!"));
        assert_eq!(fields.get("status.phase"), Some("status.phase!"));
        assert_eq!(fields.get("spec.nodeName"), Some(""));
        assert_eq!(fields.get("status.podIP"), None);
    }
}
