//! Rows of kubectl's own verbs that the shell hands to kubectl unchanged, whole, with
//! the session's scope. Their flags and operands serve completion.

use super::args::Arg;
use super::verbs::{Exec, Verb};

const fn kubectl(name: &'static str, summary: &'static str, operands: &'static [Arg]) -> Verb {
    Verb { summary, operands, ..Verb::new(name, Exec::Kubectl) }
}

pub const VERBS: &[Verb] = &[
    kubectl("annotate", "Update the annotations on a resource", &[Arg::Resource, Arg::Name]),
    kubectl("api-resources", "Print the supported API resources on the server", &[]),
    kubectl("api-versions", "Print the supported API versions on the server", &[]),
    kubectl("attach", "Attach to a running container", &[Arg::Pod]),
    kubectl("auth", "Inspect authorization", &[]),
    kubectl("autoscale", "Auto-scale a deployment, replica set, stateful set, or replication controller", &[]),
    kubectl("certificate", "Modify certificate resources", &[]),
    kubectl("cluster-info", "Display cluster information", &[]),
    kubectl("completion", "Output shell completion code for the specified shell", &[]),
    kubectl("config", "Modify kubeconfig files", &[]),
    kubectl("cordon", "Mark node as unschedulable", &[]),
    kubectl("cp", "Copy files and directories to and from containers", &[Arg::CopyPath]),
    kubectl("debug", "Create debugging sessions for troubleshooting workloads and nodes", &[Arg::Pod]),
    kubectl("diff", "Diff the live version against a would-be applied version", &[]),
    kubectl("drain", "Drain node in preparation for maintenance", &[]),
    kubectl("edit", "Edit a resource on the server", &[Arg::Resource, Arg::Name]),
    kubectl("exec", "Execute a command in a container", &[Arg::Pod]),
    kubectl("explain", "Get documentation for a resource", &[]),
    kubectl(
        "expose",
        "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
        &[],
    ),
    kubectl("kustomize", "Build a kustomization target from a directory or URL", &[]),
    kubectl("label", "Update the labels on a resource", &[Arg::Resource, Arg::Name]),
    kubectl("patch", "Update fields of a resource", &[Arg::Resource, Arg::Name]),
    kubectl("plugin", "Provides utilities for interacting with plugins", &[]),
    kubectl("port-forward", "Forward one or more local ports to a pod", &[Arg::Pod, Arg::Port]),
    kubectl("proxy", "Run a proxy to the Kubernetes API server", &[]),
    kubectl("replace", "Replace a resource by file name or stdin", &[]),
    kubectl("rollout", "Manage the rollout of a resource", &[]),
    kubectl("scale", "Set a new size for a deployment, replica set, or replication controller", &[]),
    kubectl("set", "Set specific features on objects", &[]),
    kubectl("taint", "Update the taints on one or more nodes", &[]),
    kubectl("top", "Display resource (CPU/memory) usage", &[]),
    kubectl("uncordon", "Mark node as schedulable", &[]),
    kubectl("version", "Print the client and server version information", &[]),
    kubectl("alpha", "Commands for features in alpha", &[]),
];
