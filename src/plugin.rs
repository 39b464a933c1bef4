//! Being a kubectl plugin: shell completion scripts generated from the clap definition,
//! and the answers for `kubectl podsh <TAB>`. kubectl 1.26+ runs `kubectl_complete-podsh`
//! with the words typed after `podsh`; it prints one candidate per line (`\t` before a
//! description) and a last `:N` line, cobra's completion directive.

use std::io::Write;
use std::time::Duration;

use clap::CommandFactory;
use kube::config::Kubeconfig;

use crate::cli::Cli;
use crate::cluster::{Cluster, collection};

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

fn kubeconfig_from(args: &[String]) -> Option<Kubeconfig> {
    let explicit = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--kubeconfig=")
            .map(str::to_string)
            .or_else(|| (a == "--kubeconfig").then(|| args.get(i + 1).cloned()).flatten())
    });
    match explicit {
        Some(p) => Kubeconfig::read_from(p).ok(),
        None => Kubeconfig::read().ok(),
    }
}

fn value_of(args: &[String], long: &str, short: Option<&str>) -> Option<String> {
    let eq = format!("--{long}=");
    args.iter().enumerate().find_map(|(i, a)| {
        if let Some(v) = a.strip_prefix(&eq) {
            return Some(v.to_string());
        }
        if *a == format!("--{long}") || short.is_some_and(|s| a == s) {
            return args.get(i + 1).cloned();
        }
        None
    })
}

async fn namespaces(kc: &Kubeconfig, ctx: &str) -> Vec<String> {
    let Ok(cluster) = Cluster::connect(kc, ctx).await else { return Vec::new() };
    let list = tokio::time::timeout(Duration::from_secs(3), cluster.get_json(&collection("namespaces", None))).await;
    let Ok(Ok(v)) = list else { return Vec::new() };
    v.get("items")
        .and_then(|i| i.as_array())
        .into_iter()
        .flatten()
        .filter_map(|n| n.pointer("/metadata/name").and_then(|x| x.as_str()).map(str::to_string))
        .collect()
}

/// Candidates and directive for the words after `podsh` (the last one is being typed).
pub async fn complete(args: &[String]) -> (Vec<String>, u8) {
    let (current, before) = match args.split_last() {
        Some((c, b)) => (c.as_str(), b),
        None => ("", &[][..]),
    };
    let prev = before.last().map(String::as_str);
    let contexts = || -> Vec<String> {
        kubeconfig_from(before).map(|k| k.contexts.into_iter().map(|c| c.name).collect()).unwrap_or_default()
    };
    let with_prefix = |prefix: &str, items: Vec<String>| -> Vec<String> {
        items.into_iter().map(|i| format!("{prefix}{i}")).filter(|i| i.starts_with(current)).collect()
    };
    if prev == Some("--context") {
        return (with_prefix("", contexts()), NO_FILES);
    }
    if current.starts_with("--context=") {
        return (with_prefix("--context=", contexts()), NO_FILES);
    }
    let ns_flag = matches!(prev, Some("-n") | Some("--namespace"));
    if ns_flag || current.starts_with("--namespace=") {
        let Some(kc) = kubeconfig_from(before) else { return (Vec::new(), NO_FILES) };
        let ctx = value_of(before, "context", None).or_else(|| kc.current_context.clone()).unwrap_or_default();
        let names = namespaces(&kc, &ctx).await;
        let prefix = if ns_flag { "" } else { "--namespace=" };
        return (with_prefix(prefix, names), NO_FILES);
    }
    if prev == Some("--kubeconfig") {
        return (Vec::new(), DEFAULT);
    }
    if current.starts_with('-') {
        let cmd = Cli::command();
        let flags: Vec<String> = cmd
            .get_arguments()
            .filter_map(|a| {
                let long = a.get_long()?;
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                Some(format!("--{long}\t{help}"))
            })
            .filter(|f| f.starts_with(current))
            .collect();
        return (flags, NO_FILES);
    }
    (Vec::new(), NO_FILES)
}

/// Prints candidates in cobra's format.
pub fn print(candidates: &[String], directive: u8) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for c in candidates {
        writeln!(out, "{c}")?;
    }
    writeln!(out, ":{directive}")
}
