//! Being a kubectl plugin: shell completion scripts generated from the clap definition,
//! and the answers for `kubectl podsh <TAB>`. kubectl 1.26+ runs `kubectl_complete-podsh`
//! with the words typed after `podsh`; it prints one candidate per line (`\t` before a
//! description) and a last `:N` line, cobra's completion directive. The candidates come
//! from the shell's own completion over the CLI's flag row.

use std::io::Write;
use std::time::Duration;

use clap::CommandFactory;
use k8s_openapi::api::core::v1::Namespace;
use kube::config::Kubeconfig;
use kube::core::params::ListParams;

use crate::cli::{Cli, FLAGS};
use crate::cluster::{Cluster, Resource};
use crate::command::args;
use crate::command::lex::Word;
use crate::repl::complete::complete_by_flags;
use crate::repl::names::Names;

/// cobra's ShellCompDirectiveNoFileComp.
const NO_FILES: u8 = 4;
/// cobra's ShellCompDirectiveDefault (files allowed).
const DEFAULT: u8 = 0;

/// The completion script for `shell`.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "kubectl-podsh", &mut out);
    out
}

/// Names for plugin completion: contexts from the kubeconfig the words name, namespaces
/// from one list request (a separate process, so a short network call is fine here).
struct PluginNames<'a> {
    rt: &'a tokio::runtime::Runtime,
    kubeconfig: Option<Kubeconfig>,
    context: String,
}

impl Names for PluginNames<'_> {
    fn context(&self) -> String {
        self.context.clone()
    }
    fn namespace(&self) -> String {
        "default".into()
    }
    fn contexts(&self) -> Vec<String> {
        self.kubeconfig.iter().flat_map(|k| k.contexts.iter().map(|c| c.name.clone())).collect()
    }
    fn pods(&self, _: &str, _: Option<&str>, _: &str) -> Vec<(String, String)> {
        Vec::new()
    }
    fn containers(&self, _: &str, _: Option<&str>, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn labels(&self, _: &str, _: Option<&str>, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn namespaces(&self, context: &str) -> Vec<String> {
        let Some(kc) = &self.kubeconfig else { return Vec::new() };
        self.rt.block_on(async {
            let Ok(cluster) = Cluster::connect(kc, context).await else { return Vec::new() };
            let lp = ListParams::default();
            let list = cluster.list::<Namespace>(Resource::Namespaces, None, &lp);
            match tokio::time::timeout(Duration::from_secs(3), list).await {
                Ok(Ok(l)) => l.items.into_iter().filter_map(|n| n.metadata.name).collect(),
                _ => Vec::new(),
            }
        })
    }
}

/// Candidates and directive for the words after `podsh` (the last one is being typed).
pub fn complete(rt: &tokio::runtime::Runtime, typed: &[String]) -> (Vec<String>, u8) {
    let (current, before) = match typed.split_last() {
        Some((c, b)) => (c.as_str(), b),
        None => ("", &[][..]),
    };
    let words: Vec<Word> = std::iter::once("podsh")
        .chain(before.iter().map(String::as_str))
        .map(|t| Word { text: t.to_string(), start: 0, end: 0 })
        .collect();
    let given = args::split(&[FLAGS], &words);
    let kubeconfig = match given.get("kubeconfig") {
        Some(p) => Kubeconfig::read_from(p).ok(),
        None => Kubeconfig::read().ok(),
    };
    let context = given
        .get("context")
        .map(str::to_string)
        .or_else(|| kubeconfig.as_ref().and_then(|k| k.current_context.clone()))
        .unwrap_or_default();
    let names = PluginNames { rt, kubeconfig, context };
    let found = complete_by_flags(&[FLAGS], &[], &words, current, &names);
    let lines = found
        .candidates
        .into_iter()
        .map(|c| match c.help {
            Some(h) => format!("{}\t{h}", c.value),
            None => c.value,
        })
        .collect();
    (lines, if found.files { DEFAULT } else { NO_FILES })
}

/// Prints candidates in cobra's format.
pub fn print(candidates: &[String], directive: u8) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for c in candidates {
        writeln!(out, "{c}")?;
    }
    writeln!(out, ":{directive}")
}
