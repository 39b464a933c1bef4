//! The one verb table: the native, built-in and kubectl rows joined, and lookups over
//! them. Parsing, `help` and completion all start here.

use super::args::Flag;
use super::verbs::Verb;
use super::{builtin_verbs, kubectl_flags, kubectl_verbs, native_verbs};

/// The whole table: native verbs, built-ins, then kubectl's own verbs.
pub fn all() -> impl Iterator<Item = &'static Verb> {
    native_verbs::VERBS.iter().chain(builtin_verbs::VERBS).chain(kubectl_verbs::VERBS)
}

/// The verbs this shell carries out itself (native and built-in), as `help` lists them.
pub fn own() -> impl Iterator<Item = &'static Verb> {
    native_verbs::VERBS.iter().chain(builtin_verbs::VERBS)
}

/// The verb named `word`, by name or alias. The shell's own verbs come first, so a
/// built-in alias (`namespace`) is not mistaken for a kubectl word.
pub fn find(word: &str) -> Option<&'static Verb> {
    all().find(|v| v.name == word || v.aliases.contains(&word))
}

/// Every verb word the shell knows, native, built-in and pass-through.
pub fn all_verb_words() -> impl Iterator<Item = &'static str> {
    all().flat_map(|v| std::iter::once(v.name).chain(v.aliases.iter().copied()))
}

// These read kubectl's generated tables, which are rows of `Verb`; they live here, above
// both, so `verbs.rs` does not import the rows built from it.
impl Verb {
    /// The flag tables a line of this verb is read with: the shell's, then kubectl's for
    /// the verb, then kubectl's global options.
    pub fn tables(&self) -> [&'static [Flag]; 3] {
        [self.flags, self.kubectl_flags, kubectl_flags::GLOBAL]
    }

    /// The flag written `word` (`--long`, `-s`), if this verb has it (natively, as
    /// kubectl's, or as a global option).
    pub fn flag(&self, word: &str) -> Option<&'static Flag> {
        let all = || self.tables().into_iter().flat_map(|t| t.iter());
        if let Some(long) = word.strip_prefix("--") {
            return all().find(|f| f.long == long);
        }
        let mut chars = word.strip_prefix('-')?.chars();
        let c = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        all().find(|f| f.short == Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::args::Arg;
    use crate::common::spelling::nearest;

    #[test]
    fn suggestions() {
        assert_eq!(nearest("gte", all_verb_words()), Some("get"));
        assert_eq!(nearest("descrbe", all_verb_words()), Some("describe"));
        assert_eq!(nearest("zzzzzz", all_verb_words()), None);
        assert_eq!(find("log").map(|v| v.name), Some("logs"));
    }

    #[test]
    fn flags_are_unique_per_verb() {
        for v in all().chain(all().flat_map(|v| v.subverbs.iter())) {
            for (i, f) in v.flags.iter().enumerate() {
                assert!(
                    !v.flags[i + 1..].iter().any(|g| g.long == f.long || (f.short.is_some() && g.short == f.short)),
                    "{} --{}",
                    v.name,
                    f.long
                );
            }
        }
    }

    #[test]
    fn verb_words_are_unique() {
        let words: Vec<&str> = all_verb_words().collect();
        for (i, w) in words.iter().enumerate() {
            assert!(!words[i + 1..].contains(w), "{w} names two verbs");
        }
    }

    #[test]
    fn flag_lookup_by_long_and_short() {
        let get = find("get").expect("get");
        assert_eq!(get.flag("--selector").map(|f| f.long), Some("selector"));
        assert_eq!(get.flag("-l").map(|f| f.long), Some("selector"));
        assert_eq!(get.flag("-lx"), None, "a short flag is one letter");
        assert_eq!(get.flag("--nope"), None);
        assert_eq!(get.flag("l"), None);
        assert_eq!(get.operand(0), Some(Arg::Resource));
        assert_eq!(get.operand(7), Some(Arg::Name), "the last operand kind repeats");
    }

    #[test]
    fn every_own_verb_says_what_it_does() {
        for v in own() {
            assert!(v.usage.starts_with(v.name), "{}: usage {:?}", v.name, v.usage);
            assert!(!v.summary.is_empty(), "{} has no summary", v.name);
            // A native verb knows kubectl's flags for the verb, so a line using one it
            // does not implement goes to kubectl rather than being refused.
            assert_eq!(
                matches!(v.exec, super::super::verbs::Exec::Native(_)),
                !v.kubectl_flags.is_empty(),
                "{}",
                v.name
            );
        }
    }

    #[test]
    fn built_in_operands_complete_what_they_name() {
        let operands = |w: &str| find(w).map(|v| v.operands.to_vec()).unwrap_or_default();
        assert_eq!(operands("ns"), [Arg::NamespaceOrBack]);
        assert_eq!(operands("ctx"), [Arg::ContextOrBack]);
        assert_eq!(operands("help"), [Arg::Verb]);
        assert_eq!(operands("notify"), [Arg::Choice(&["on", "off"])]);
        assert_eq!(operands("readonly"), [Arg::Choice(&["on", "off"])]);
        assert_eq!(operands("history"), [Arg::Choice(&["export"]), Arg::File]);
        assert!(operands("exit").is_empty() && operands("clear").is_empty());
        assert_eq!(find("quit").map(|v| v.name), Some("exit"));
        assert_eq!(find("?").map(|v| v.name), Some("help"));
    }

    #[test]
    fn sub_verbs_and_where_verbs_run() {
        let own: Vec<&str> = own().map(|v| v.name).collect();
        assert!(own.contains(&"get") && own.contains(&"ns") && !own.contains(&"exec"), "{own:?}");
        let create = find("create").expect("create");
        assert_eq!(create.subverb("namespace").map(|v| v.name), Some("namespace"));
        assert!(create.subverb("pods").is_none());
        // A sub-verb is found by an alias too (the generated table records none yet).
        use super::super::verbs::{Exec, Verb};
        const SUB: &[Verb] = &[Verb { aliases: &["ns"], ..Verb::new("namespace", Exec::Kubectl) }];
        let made = Verb::new("create", Exec::Kubectl).with_subverbs(SUB);
        assert_eq!(
            (made.subverb("ns").map(|v| v.name), made.subverb("namespace").is_some()),
            (Some("namespace"), true)
        );
        assert!(find("config").is_some_and(|v| v.is_kubectl() && v.subverb("view").is_some()));
        assert!(!find("get").is_some_and(|v| v.is_kubectl()) && !find("ns").is_some_and(|v| v.is_kubectl()));
        use crate::command::types::Kind;
        let namespaced: Vec<bool> =
            [Kind::Pods, Kind::Events, Kind::Nodes, Kind::Namespaces].iter().map(|k| k.namespaced()).collect();
        assert_eq!(namespaced, [true, true, false, false]);
    }
}
