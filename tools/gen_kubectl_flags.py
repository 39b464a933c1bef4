#!/usr/bin/env python3
"""Generates crates/pure/src/command/kubectl_flags.rs from real kubectl's help: every command and
sub-command of kubectl 1.33 (`kubectl <cmd> --help`), its flags with their short forms
and whether they take a value, and the global options (`kubectl options`).

Run from the repository root: `python3 tools/gen_kubectl_flags.py > crates/pure/src/command/kubectl_flags.rs`.
`--check` compares the output with the committed file instead (a test runs it).
The kubectl used is the 1.33 build beside the dispatcher on PATH, or $KUBECTL."""
import os, re, shutil, subprocess, sys

def kubectl_path():
    if os.environ.get("KUBECTL"):
        return os.environ["KUBECTL"]
    real = os.path.realpath(shutil.which("kubectl") or "kubectl")
    exact = os.path.join(os.path.dirname(real), "kubectl.1.33")
    return exact if os.path.exists(exact) else real

K = kubectl_path()

def help_of(words):
    out = subprocess.run([K, *words, "--help"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    return out.stdout

# Flags whose value completes from live names or files, and fixed value lists.
KINDS = {
    "container": "Arg::Container", "namespace": "Arg::Namespace", "context": "Arg::Context",
    "filename": "Arg::File", "kubeconfig": "Arg::File", "selector": "Arg::Selector",
    "certificate-authority": "Arg::File", "client-certificate": "Arg::File", "client-key": "Arg::File",
    "cache-dir": "Arg::File", "profile-output": "Arg::File", "kustomize": "Arg::File",
}
# Flags with a value that may be left out, and what leaving it out means (pflag's
# NoOptDefVal, set in kubectl's pkg/cmd/util/helpers.go and delete_flags.go).
BARE = {
    "dry-run": (["none", "server", "client"], "unchanged"),
    "validate": (["strict", "warn", "ignore", "true", "false"], "strict"),
    "cascade": (["background", "orphan", "foreground"], "background"),
}
CHOICES = {
    "restart": ["Always", "OnFailure", "Never"],
    "image-pull-policy": ["Always", "IfNotPresent", "Never"],
}
OUTPUTS = ["json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile",
           "jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file", "wide"]

# What the words after a command are, for completion (the last kind repeats).
OPERANDS = {
    "annotate": ["Resource", "Name"], "label": ["Resource", "Name"], "edit": ["Resource", "Name"],
    "patch": ["Resource", "Name"], "scale": ["Resource", "Name"], "expose": ["Resource", "Name"],
    "autoscale": ["Resource", "Name"], "explain": ["Resource"],
    "attach": ["Pod"], "exec": ["Pod"], "debug": ["Pod"], "port-forward": ["Pod", "Port"], "cp": ["CopyPath"],
    "top pod": ["Pod"], "set image": ["Resource", "ContainerImage"], "set env": ["Resource", "Name"],
    "set resources": ["Resource", "Name"], "set serviceaccount": ["Resource", "Name"],
    "rollout history": ["Resource", "Name"], "rollout pause": ["Resource", "Name"],
    "rollout restart": ["Resource", "Name"], "rollout resume": ["Resource", "Name"],
    "rollout status": ["Resource", "Name"], "rollout undo": ["Resource", "Name"],
    "config use-context": ["Context"], "config delete-context": ["Context"], "config rename-context": ["Context"],
    "config set-context": ["Context"], "config get-contexts": ["Context"],
    "auth can-i": ['Free("VERB")', "Resource"],
    "apply view-last-applied": ["Resource", "Name"], "apply edit-last-applied": ["Resource", "Name"],
}
# Commands the shell carries out itself: their rows live in native_verbs.rs.
NATIVE = {"get", "describe", "run", "apply", "create", "delete", "logs", "events", "wait"}

FLAG = re.compile(r"^    (?:-(\w), )?--([\w-]+)=(.*):$")

def flags_of(text):
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = FLAG.match(line)
        if not m:
            continue
        short, long, default = m.group(1), m.group(2), m.group(3)
        desc = lines[i + 1].strip() if i + 1 < len(lines) else ""
        out.append((long, short, default, desc))
    return out

def subcommands(text):
    if "Available Commands:" not in text:
        return []
    part = text.split("Available Commands:", 1)[1].split("\n\n", 1)[0]
    return [(l.split()[0], l.split(None, 1)[1].strip() if len(l.split(None, 1)) > 1 else "") for l in part.splitlines() if l.strip()]

def top_commands(text):
    cmds = []
    for l in text.splitlines():
        m = re.match(r"^  ([a-z][\w-]*)\s{2,}(.*)$", l)
        if m:
            cmds.append((m.group(1), m.group(2).strip()))
    return cmds

def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

def first_sentence(d):
    d = d.strip()
    cut = re.split(r"\.\s+(?=[A-Z\[])", d, maxsplit=1)[0]
    return cut.rstrip(".")

def arg_of(long, default, desc):
    if default in ("true", "false"):
        return "Arg::Switch"
    if long in KINDS:
        return KINDS[long]
    if long == "output":
        formats = [f for f in OUTPUTS if f in desc] or OUTPUTS
        return "Arg::Choice(&[" + ", ".join(rust_str(f) for f in formats) + "])"
    if long in BARE:
        values, bare = BARE[long]
        return "Arg::Bare(&[" + ", ".join(rust_str(c) for c in values) + "], " + rust_str(bare) + ")"
    if long in CHOICES:
        return "Arg::Choice(&[" + ", ".join(rust_str(c) for c in CHOICES[long]) + "])"
    return "Arg::Free(" + rust_str(long.upper().replace("-", "_")) + ")"

def const_name(words):
    return "_".join(w.upper().replace("-", "_") for w in words)

def operands(words):
    kinds = OPERANDS.get(" ".join(words), [])
    return "&[" + ", ".join("Arg::" + k for k in kinds) + "]"

def verb_row(words, summary, subs):
    name = words[-1]
    sub = f"subverbs: {const_name(words)}_SUBVERBS, " if subs else ""
    return (f"    Verb {{ summary: {rust_str(summary)}, kubectl_flags: {const_name(words)}, operands: {operands(words)}, "
            f"{sub}..Verb::new({rust_str(name)}, Exec::Kubectl) }},")

def table(name, flags, doc):
    rows = []
    for long, short, default, desc in flags:
        s = f"Some('{short}')" if short else "None"
        rows.append(f"    Flag {{ long: {rust_str(long)}, short: {s}, arg: {arg_of(long, default, desc)}, help: {rust_str(first_sentence(desc))} }},")
    return f"/// {doc}\npub const {name}: &[Flag] = &[\n" + "\n".join(rows) + "\n];\n"

def main():
    top = top_commands(help_of([]))
    parts = []
    seen = []
    options = subprocess.run([K, "options"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}).stdout
    parts.append(table("GLOBAL", [f for f in flags_of(options) if f[0] != "cache-dir"] + [("cache-dir", None, "''", "Default cache directory")], "`kubectl options`: accepted by every command."))
    rows = []
    for name, summary in sorted(top):
        text = help_of([name])
        parts.append(table(const_name([name]), flags_of(text), f"`kubectl {name}`: {summary}"))
        seen.append(([name], summary))
        subs = subcommands(text)
        sub_rows = []
        for sub, ssum in subs:
            stext = help_of([name, sub])
            parts.append(table(const_name([name, sub]), flags_of(stext), f"`kubectl {name} {sub}`: {ssum}"))
            seen.append(([name, sub], ssum))
            sub_rows.append(verb_row([name, sub], ssum, False))
        if subs:
            parts.append(f"/// The sub-commands of `kubectl {name}`.\npub const {const_name([name])}_SUBVERBS: &[Verb] = &[\n" + "\n".join(sub_rows) + "\n];\n")
        if name not in NATIVE:
            rows.append(verb_row([name], summary, bool(subs)))
    parts.append("/// kubectl's commands the shell hands to kubectl whole.\npub const VERBS: &[Verb] = &[\n" + "\n".join(rows) + "\n];\n")
    version = subprocess.run([K, "version", "--client"], capture_output=True, text=True).stdout.split("\n")[0]
    head = ("//! kubectl's own flags, command by command, as `kubectl <command> --help` and `kubectl\n"
            f"//! options` list them ({version.strip()}). Generated by `tools/gen_kubectl_flags.py`; do not\n"
            "//! edit by hand (a test regenerates it and compares).\n\n"
            "use super::args::{Arg, Flag};\nuse super::verbs::{Exec, Verb};\n\n")
    summaries = "/// Every kubectl command and sub-command with its one-line summary.\npub const COMMANDS: &[(&str, &str)] = &[\n" + "\n".join(
        f"    ({rust_str(' '.join(w))}, {rust_str(s)})," for w, s in seen) + "\n];\n"
    return head + summaries + "\n" + "\n".join(parts)

if __name__ == "__main__":
    text = main()
    if "--check" in sys.argv:
        path = os.path.join(os.path.dirname(__file__), "..", "crates", "pure", "src", "command", "kubectl_flags.rs")
        committed = open(path).read()
        if committed != text:
            sys.stderr.write("crates/pure/src/command/kubectl_flags.rs is not what kubectl's help says; regenerate it\n")
            sys.exit(1)
    else:
        sys.stdout.write(text)
