#!/usr/bin/env python3
"""Generates src/sim/protobuf_schema.txt: the protobuf layout of the kinds the simulator
accepts as protobuf bodies, from the Kubernetes sources of the served version.

Inputs (a directory holding them, from kubernetes/api and kubernetes/apimachinery at the
tag matching k8s-openapi's feature, v0.33.x):
  core.proto core_types.go               (k8s.io/api core/v1 generated.proto, types.go)
  authz.proto authz_types.go             (k8s.io/api authorization/v1)
  pkg_apis_meta_v1_generated.proto meta_types.go
  pkg_api_resource_generated.proto pkg_util_intstr_generated.proto pkg_runtime_generated.proto

Each output line is one field: MESSAGE NUMBER NAME LABEL TYPE FLAGS, tab-separated.
LABEL is opt, rep or map; TYPE a scalar, a message, or KEY,VALUE for maps; FLAGS says how
Go marshals the field: `ptr` (a pointer: present means set, even to zero), `omit` (a value
with omitempty: zero means absent), `inline` (an embedded struct whose fields JSON puts in
the enclosing object), or `-` (always present in JSON).

Usage: gen_proto_schema.py DIR > src/sim/protobuf_schema.txt
"""
import re
import sys

ROOTS = [
    "core.v1.Pod", "core.v1.Namespace", "core.v1.ConfigMap", "core.v1.Secret", "core.v1.ServiceAccount",
    "core.v1.Service", "core.v1.Event", "authorization.v1.SelfSubjectAccessReview", "runtime.Unknown",
]
# Messages decoded by hand (their JSON form is not their protobuf fields).
SPECIAL = {"meta.v1.Time", "meta.v1.MicroTime", "resource.Quantity", "intstr.IntOrString", "meta.v1.FieldsV1",
           "runtime.RawExtension", "meta.v1.Duration"}
FILES = {
    "core.proto": ("core.v1", "core_types.go"),
    "authz.proto": ("authorization.v1", "authz_types.go"),
    "pkg_apis_meta_v1_generated.proto": ("meta.v1", "meta_types.go"),
    "pkg_api_resource_generated.proto": ("resource", None),
    "pkg_util_intstr_generated.proto": ("intstr", None),
    "pkg_runtime_generated.proto": ("runtime", None),
}
PACKAGES = {
    "k8s.io.api.core.v1": "core.v1",
    "k8s.io.api.authorization.v1": "authorization.v1",
    "k8s.io.apimachinery.pkg.apis.meta.v1": "meta.v1",
    "k8s.io.apimachinery.pkg.api.resource": "resource",
    "k8s.io.apimachinery.pkg.util.intstr": "intstr",
    "k8s.io.apimachinery.pkg.runtime": "runtime",
    "k8s.io.apimachinery.pkg.runtime.schema": "schema",
}
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float"}
FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)")
MAP = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)")


def resolve(t, short):
    if t in SCALARS:
        return t
    if t.startswith("."):
        pkg, _, name = t[1:].rpartition(".")
        return f"{PACKAGES.get(pkg, pkg)}.{name}"
    return f"{short}.{t}"


def protos(d):
    messages = {}
    for fname, (short, _) in FILES.items():
        current = None
        for line in open(f"{d}/{fname}", encoding="utf-8"):
            m = re.match(r"^message (\w+) \{", line)
            if m:
                current = f"{short}.{m.group(1)}"
                messages[current] = []
                continue
            if line.startswith("}"):
                current = None
                continue
            if current is None:
                continue
            if (m := MAP.match(line)):
                k, v, name, num = m.groups()
                messages[current].append((int(num), name, "map", f"{resolve(k, short)},{resolve(v, short)}"))
            elif (m := FIELD.match(line)):
                label, t, name, num = m.groups()
                messages[current].append((int(num), name, "rep" if label == "repeated" else "opt", resolve(t, short)))
    return messages


def go_flags(d):
    """(message, number) -> flag, from the Go structs' field types and tags."""
    flags = {}
    for fname, (short, gofile) in FILES.items():
        if not gofile:
            continue
        current = None
        for line in open(f"{d}/{gofile}", encoding="utf-8"):
            m = re.match(r"^type (\w+) struct \{", line)
            if m:
                current = f"{short}.{m.group(1)}"
                continue
            if line.startswith("}"):
                current = None
                continue
            inline = re.match(r'^\s*[\w.*]+\s+`json:",inline".*protobuf:"\w+,(\d+),', line)
            if current and inline:
                flags[(current, int(inline.group(1)))] = "inline"
                continue
            m = re.match(r'^\s*\w+\s+(\S+)\s+`json:"([^"]*)".*protobuf:"\w+,(\d+),', line)
            if current and m:
                gotype, jsontag, num = m.groups()
                flag = "ptr" if gotype.startswith("*") else ("omit" if ",omitempty" in jsontag else "-")
                flags[(current, int(num))] = flag
    return flags


def main():
    d = sys.argv[1]
    messages, flags = protos(d), go_flags(d)
    seen, order, todo = set(), [], list(ROOTS)
    while todo:
        msg = todo.pop(0)
        if msg in seen or msg not in messages:
            continue
        seen.add(msg)
        order.append(msg)
        if msg in SPECIAL:
            continue
        for _, _, label, t in messages[msg]:
            for part in t.split(","):
                if part not in SCALARS:
                    todo.append(part)
    print("# Generated by tools/gen_proto_schema.py from k8s.io/api and k8s.io/apimachinery v0.33.9; do not edit.")
    for msg in sorted(order):
        if msg in SPECIAL:
            continue
        for num, name, label, t in sorted(messages[msg]):
            print(f"{msg}\t{num}\t{name}\t{label}\t{t}\t{flags.get((msg, num), '-')}")


if __name__ == "__main__":
    main()
