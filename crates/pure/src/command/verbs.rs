//! The shape of a row of the one verb table: a verb, its flags and operands (each with
//! its argument kind, see `args`), its sub-verbs, and how it is carried out. The rows
//! live in `native_verbs` (through the API), `builtin_verbs` (session state) and
//! `kubectl_verbs` (handed to kubectl); `table` joins them.

use super::args::{Arg, Args, Flag};
use super::parse_error::ParseError;
use super::types::Command;

/// Builds the typed command of a line from its checked flags and operands.
pub type Build = fn(&Args) -> Result<Command, ParseError>;

/// How a verb is carried out.
#[derive(Debug, Clone, Copy)]
pub enum Exec {
    /// Through the Kubernetes API by this process.
    Native(Build),
    /// A built-in that changes or shows session state.
    Builtin(Build),
    /// Handed to the real kubectl, whole.
    Kubectl,
}

/// One verb.
#[derive(Debug, Clone, Copy)]
pub struct Verb {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub exec: Exec,
    pub usage: &'static str,
    pub summary: &'static str,
    /// The flags the shell implements for this verb.
    pub flags: &'static [Flag],
    /// kubectl's other flags of this verb: a line using one goes to kubectl whole.
    pub kubectl_flags: &'static [Flag],
    /// What the words after the verb are, in order; the last kind repeats.
    pub operands: &'static [Arg],
    /// Sub-verbs (`set image`, `top pod`), each with its own flags and operands.
    pub subverbs: &'static [Verb],
}

impl Verb {
    /// A row with a name and a way of running, and nothing else yet (rows fill in the
    /// rest with struct update syntax).
    pub const fn new(name: &'static str, exec: Exec) -> Verb {
        Verb {
            name,
            aliases: &[],
            exec,
            usage: "",
            summary: "",
            flags: &[],
            kubectl_flags: &[],
            operands: &[],
            subverbs: &[],
        }
    }

    /// The row with sub-commands (kubectl's `create namespace`, `apply view-last-applied`).
    pub const fn with_subverbs(self, subverbs: &'static [Verb]) -> Verb {
        Verb { subverbs, ..self }
    }

    /// Whether the shell implements flag `long` of this verb itself.
    pub fn native_flag(&self, long: &str) -> bool {
        self.flags.iter().any(|f| f.long == long)
    }

    pub fn subverb(&self, word: &str) -> Option<&'static Verb> {
        self.subverbs.iter().find(|v| v.name == word || v.aliases.contains(&word))
    }

    /// The operand kind at `index` (the last one repeats).
    pub fn operand(&self, index: usize) -> Option<Arg> {
        self.operands.get(index).or(self.operands.last()).copied()
    }

    pub fn is_kubectl(&self) -> bool {
        matches!(self.exec, Exec::Kubectl)
    }
}
