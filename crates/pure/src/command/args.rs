//! The flag grammar of one statement: what a flag's value or an operand is (`Arg`), a
//! flag (`Flag`), and `split`, which matches a statement's words against a verb's flags
//! the way kubectl's pflag does (`--long=v`, `--long v`, `-s v`, `-sv`, `-s=v`, grouped
//! switches `-it`, `--` ending the flags). The parser and the completer both use it, so
//! a line is read one way only.

use super::lex::Word;
use super::types::Scope;

/// What a flag's value or an operand is, which decides how it completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// A boolean flag: no value (`--flag=false` turns it off).
    Switch,
    /// A pod name; `pod/NAME` and `pods/NAME` are accepted too.
    Pod,
    /// A container of the pod on the line.
    Container,
    Namespace,
    /// A namespace, or `-` for the previous one.
    NamespaceOrBack,
    Context,
    /// A context, or `-` for the previous one.
    ContextOrBack,
    /// A file or directory path.
    File,
    /// A label selector (completes `key=value` pairs of the pods in view).
    Selector,
    /// A port pair `LOCAL:REMOTE`, from the containerPorts of the pod on the line.
    Port,
    /// A resource type word (`pods`, `pod/NAME`, ...).
    Resource,
    /// A name of the resource the line names before it.
    Name,
    /// A verb of this table (`help VERB`).
    Verb,
    /// `POD:PATH` or a local path (`cp`).
    CopyPath,
    /// `CONTAINER=IMAGE` for the pod on the line (`set image`).
    ContainerImage,
    /// One of a fixed list.
    Choice(&'static [&'static str]),
    /// One of a fixed list, given as `--flag=value`; the flag alone means the second
    /// field (pflag's NoOptDefVal: `--dry-run` is `--dry-run=unchanged`).
    Bare(&'static [&'static str], &'static str),
    /// Anything; the text is the placeholder `help` shows.
    Free(&'static str),
}

impl Arg {
    /// The placeholder `help` shows for a value of this kind; `None` for a switch.
    pub fn placeholder(self) -> Option<&'static str> {
        Some(match self {
            Arg::Switch => return None,
            Arg::Pod | Arg::Name => "NAME",
            Arg::Container => "CONTAINER",
            Arg::Namespace | Arg::NamespaceOrBack => "NAMESPACE",
            Arg::Context | Arg::ContextOrBack => "CONTEXT",
            Arg::File => "FILE",
            Arg::Selector => "SELECTOR",
            Arg::Port => "LOCAL:REMOTE",
            Arg::Resource => "TYPE",
            Arg::Verb => "VERB",
            Arg::CopyPath => "POD:PATH",
            Arg::ContainerImage => "CONTAINER=IMAGE",
            Arg::Choice(_) | Arg::Bare(..) => "VALUE",
            Arg::Free(p) => p,
        })
    }

    /// The fixed values of a choice, else none.
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            Arg::Choice(v) | Arg::Bare(v, _) => v,
            _ => &[],
        }
    }
}

/// A flag a verb accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub arg: Arg,
    pub help: &'static str,
}

impl Flag {
    pub fn takes_value(&self) -> bool {
        self.arg != Arg::Switch
    }
}

/// One flag as given on the line.
#[derive(Debug, Clone)]
pub struct Given {
    pub flag: &'static Flag,
    pub value: String,
    /// The flag's word, for carets.
    pub at: Word,
}

/// A statement's words, matched against a verb's flags.
#[derive(Debug, Clone, Default)]
pub struct Args {
    /// Every word from the verb on (the verb word first), as typed.
    pub words: Vec<Word>,
    /// Words that are neither flags nor flag values, before `--`.
    pub positional: Vec<Word>,
    given: Vec<Given>,
    /// Words after `--`.
    pub after_dashes: Vec<String>,
    /// Flags the verb does not have.
    pub unknown: Vec<Word>,
    /// The last word is a flag that needs a value and none follows.
    pub missing_value: Option<(&'static Flag, Word)>,
}

/// Flag tables searched in order (a verb's own flags first, then kubectl's).
pub type Tables<'a> = &'a [&'static [Flag]];

fn find_long(tables: Tables<'_>, name: &str) -> Option<&'static Flag> {
    tables.iter().flat_map(|t| t.iter()).find(|f| f.long == name)
}

fn find_short(tables: Tables<'_>, c: char) -> Option<&'static Flag> {
    tables.iter().flat_map(|t| t.iter()).find(|f| f.short == Some(c))
}

/// A word that is a negative number is an operand, not a flag (`-1`).
fn looks_like_flag(t: &str) -> bool {
    t.len() > 1 && t.starts_with('-') && !t[1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Matches `words` (the verb word first) against the flags of `tables`.
pub fn split(flags: Tables<'_>, words: &[Word]) -> Args {
    let mut a = Args { words: words.to_vec(), ..Args::default() };
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        let t = w.text.as_str();
        i += 1;
        if t == "--" {
            a.after_dashes = words[i..].iter().map(|w| w.text.clone()).collect();
            break;
        }
        if !looks_like_flag(t) {
            a.positional.push(w.clone());
            continue;
        }
        let next = words.get(i);
        let consumed = match t.strip_prefix("--") {
            Some(long) => a.long_flag(flags, w, long, next),
            None => a.short_flags(flags, w, &t[1..], next),
        };
        i += consumed;
    }
    a
}

impl Args {
    /// Every word after the verb as an operand, flags included (built-ins take words as
    /// they are: `ns --x` names a namespace `--x`).
    pub fn operands_only(words: &[Word]) -> Args {
        Args { words: words.to_vec(), positional: words.iter().skip(1).cloned().collect(), ..Args::default() }
    }

    /// `--name[=value]`; returns how many following words it took as its value.
    fn long_flag(&mut self, flags: Tables<'_>, w: &Word, long: &str, next: Option<&Word>) -> usize {
        let (name, inline) = match long.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (long, None),
        };
        let Some(f) = find_long(flags, name) else {
            self.unknown.push(w.clone());
            return 0;
        };
        self.take(f, w, inline, next)
    }

    /// `-abc` as pflag reads it: switches until a flag that takes the rest as its value.
    /// An unknown letter before that makes the whole word unknown.
    fn short_flags(&mut self, flags: Tables<'_>, w: &Word, group: &str, next: Option<&Word>) -> usize {
        let mut switches = Vec::new();
        for (idx, c) in group.char_indices() {
            let Some(f) = find_short(flags, c) else {
                self.unknown.push(w.clone());
                return 0;
            };
            let rest = &group[idx + c.len_utf8()..];
            if f.takes_value() || rest.starts_with('=') {
                self.given.extend(switches);
                // pflag takes `-n=v` as v, but `-n=` alone as the value "=".
                let rest = if rest.len() > 1 { rest.strip_prefix('=').unwrap_or(rest) } else { rest };
                let inline = (!rest.is_empty()).then(|| rest.to_string());
                return self.take(f, w, inline, next);
            }
            switches.push(Given { flag: f, value: "true".to_string(), at: w.clone() });
        }
        self.given.extend(switches);
        0
    }

    /// Records flag `f` with its value (inline, the next word, or `true` for a switch).
    fn take(&mut self, f: &'static Flag, w: &Word, inline: Option<String>, next: Option<&Word>) -> usize {
        let mut record = |value: String| self.given.push(Given { flag: f, value, at: w.clone() });
        if let (Arg::Bare(_, bare), None) = (f.arg, &inline) {
            record(bare.to_string());
            return 0;
        }
        match (f.takes_value(), inline) {
            (_, Some(v)) => {
                record(v);
                0
            }
            (false, None) => {
                record("true".to_string());
                0
            }
            (true, None) => match next {
                Some(v) => {
                    record(v.text.clone());
                    1
                }
                None => {
                    self.missing_value = Some((f, w.clone()));
                    0
                }
            },
        }
    }

    /// The last value given for flag `long`.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.given.iter().rev().find(|g| g.flag.long == long).map(|g| g.value.as_str())
    }

    /// Every value given for a repeatable flag, in order.
    pub fn all(&self, long: &str) -> Vec<String> {
        self.given.iter().filter(|g| g.flag.long == long).map(|g| g.value.clone()).collect()
    }

    /// Whether a switch is on (`--x`, `--x=true`).
    pub fn on(&self, long: &str) -> bool {
        matches!(self.get(long), Some("true") | Some(""))
    }

    pub fn has(&self, long: &str) -> bool {
        self.get(long).is_some()
    }

    /// The flags given, in order.
    pub fn given(&self) -> &[Given] {
        &self.given
    }

    /// `--namespace` and `--context` overrides of the session's scope; an empty value
    /// is no override (kubectl then uses the kubeconfig's).
    pub fn scope(&self) -> Scope {
        let given = |long| self.get(long).filter(|v| !v.is_empty()).map(str::to_string);
        Scope {
            namespace: given("namespace"),
            context: given("context"),
            request_timeout: self.get("request-timeout").map(str::to_string),
        }
    }

    /// The verb word, for carets.
    pub fn verb_word(&self) -> Option<&Word> {
        self.words.first()
    }

    /// The words as typed (from the verb on), for handing the line to kubectl.
    pub fn raw(&self) -> Vec<String> {
        self.words.iter().map(|w| w.text.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGS: &[Flag] = &[
        Flag { long: "namespace", short: Some('n'), arg: Arg::Namespace, help: "" },
        Flag { long: "stdin", short: Some('i'), arg: Arg::Switch, help: "" },
        Flag { long: "tty", short: Some('t'), arg: Arg::Switch, help: "" },
        Flag { long: "container", short: Some('c'), arg: Arg::Container, help: "" },
        Flag { long: "output", short: Some('o'), arg: Arg::Choice(&["yaml"]), help: "" },
        Flag { long: "dry-run", short: None, arg: Arg::Bare(&["client"], "unchanged"), help: "" },
    ];

    fn words(line: &str) -> Vec<Word> {
        let mut at = 0;
        line.split(' ')
            .map(|t| {
                let w = Word { text: t.to_string(), start: at, end: at + t.len() };
                at += t.len() + 1;
                w
            })
            .collect()
    }

    #[test]
    fn long_short_grouped_and_inline() {
        let a = split(&[FLAGS], &words("exec -it nginx -c web --namespace=dev -oyaml -n=prod -- sh -c x"));
        assert_eq!(a.positional.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["nginx"]);
        assert!(a.on("stdin") && a.on("tty"));
        assert_eq!(a.get("container"), Some("web"));
        assert_eq!(a.get("namespace"), Some("prod"), "the last value wins");
        assert_eq!(a.all("namespace"), ["dev", "prod"]);
        assert_eq!(a.get("output"), Some("yaml"));
        assert_eq!(a.after_dashes, ["sh", "-c", "x"]);
        assert!(a.unknown.is_empty() && a.missing_value.is_none());
        let longs: Vec<&str> = a.given().iter().map(|g| g.flag.long).collect();
        assert_eq!(longs, ["stdin", "tty", "container", "namespace", "output", "namespace"]);
    }

    #[test]
    fn switches_values_unknowns_and_missing_values() {
        let a = split(&[FLAGS], &words("x --stdin=false -1 - --bogus -z -iz -ic web"));
        assert_eq!(a.positional.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["-1", "-"]);
        assert_eq!(a.unknown.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["--bogus", "-z", "-iz"]);
        assert_eq!(a.all("stdin"), ["false", "true"], "-iz records nothing; -ic records -i");
        assert_eq!(a.get("container"), Some("web"), "a switch then a flag taking the next word");
        let m = split(&[FLAGS], &words("logs x -c"));
        assert_eq!(m.missing_value.map(|(f, w)| (f.long, w.text)), Some(("container", "-c".to_string())));
        let off = split(&[FLAGS], &words("x --stdin=false"));
        assert!(!off.on("stdin"));
        assert_eq!(off.get("stdin"), Some("false"));
        let scope = split(&[FLAGS], &words("x -n dev")).scope();
        assert_eq!((scope.namespace.as_deref(), scope.context), (Some("dev"), None));
        assert_eq!(split(&[FLAGS], &words("x a")).raw(), ["x", "a"]);
        let bare = split(&[FLAGS], &words("run --dry-run client --dry-run=server"));
        assert_eq!(bare.all("dry-run"), ["unchanged", "server"], "a bare value never takes the next word");
        assert_eq!(bare.positional.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["client"]);
    }

    #[test]
    fn placeholders_and_choices() {
        let cases = [
            (Arg::Switch, None),
            (Arg::Pod, Some("NAME")),
            (Arg::Name, Some("NAME")),
            (Arg::Container, Some("CONTAINER")),
            (Arg::Namespace, Some("NAMESPACE")),
            (Arg::NamespaceOrBack, Some("NAMESPACE")),
            (Arg::Context, Some("CONTEXT")),
            (Arg::ContextOrBack, Some("CONTEXT")),
            (Arg::File, Some("FILE")),
            (Arg::Selector, Some("SELECTOR")),
            (Arg::Port, Some("LOCAL:REMOTE")),
            (Arg::Resource, Some("TYPE")),
            (Arg::Verb, Some("VERB")),
            (Arg::CopyPath, Some("POD:PATH")),
            (Arg::ContainerImage, Some("CONTAINER=IMAGE")),
            (Arg::Choice(&["a"]), Some("VALUE")),
            (Arg::Bare(&["a"], "b"), Some("VALUE")),
            (Arg::Free("SECONDS"), Some("SECONDS")),
        ];
        for (arg, placeholder) in cases {
            assert_eq!(arg.placeholder(), placeholder, "{arg:?}");
            assert_eq!(Flag { long: "x", short: None, arg, help: "" }.takes_value(), placeholder.is_some());
        }
        assert_eq!(Arg::Choice(&["json", "yaml"]).choices(), ["json", "yaml"]);
        assert_eq!(Arg::Bare(&["client", "server"], "unchanged").choices(), ["client", "server"]);
        assert!(Arg::Free("N").choices().is_empty());
    }

    #[test]
    fn operands_only_keeps_every_word() {
        let a = Args::operands_only(&words("ns --x -n dev"));
        assert_eq!(a.positional.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["--x", "-n", "dev"]);
        assert_eq!(a.raw(), ["ns", "--x", "-n", "dev"]);
        assert_eq!(a.verb_word().map(|w| (w.text.as_str(), w.start)), Some(("ns", 0)));
        assert!(a.given().is_empty() && a.get("namespace").is_none());
        assert!(Args::default().verb_word().is_none());
        let scope = split(&[FLAGS], &words("x --namespace= --context=")).scope();
        assert_eq!(scope, Scope::default(), "an empty value is no override");
        let pflag = split(&[FLAGS], &words("x -n= y"));
        assert_eq!((pflag.get("namespace"), pflag.positional.len()), (Some("="), 1), "pflag reads -n= as \"=\"");
    }
}
