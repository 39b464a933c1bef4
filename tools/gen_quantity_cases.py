#!/usr/bin/env python3
"""Records how Kubernetes writes resource quantities back (resource.Quantity's canonical
form), for the unit tests of crates/pure/src/common/quantity.rs. Real kubectl parses and
re-serialises a quantity offline in `kubectl set resources --local`, so each case is the
text kubectl printed for a limit, or `invalid` when kubectl refused it. One case a line:
`INPUT => CANONICAL`.

Run from the repository root, with kubectl on PATH:
  python3 tools/gen_quantity_cases.py > crates/pure/src/common/testdata/quantity_cases.txt
"""
import os
import subprocess
import tempfile

INPUTS = """
0 00 0.0 0m 0Ki 0G 0e3 -0 +0
1 1.0 01 +1 -1 1000m 1001m 999m 1500m 0.5 0.25 0.001 0.0001 0.0005 0.00001 0.000000001 1n 1u 1000n 1000u 1500u
100m 10m 1m 0.1 .5 5. 2.50 1.2345678 1.23456789012 123456789 1234567890123 9223372036854775807 9223372036854775808
1k 1000 1000k 1500k 2000000k 1M 1000M 1G 1T 1P 1E 100M 1.5G 0.5k 12345k
1Ki 1024 1.5Ki 2048Ki 1536Mi 1Mi 1024Mi 1Gi 1.5Gi 1Ti 1Pi 1Ei 0.5Mi 1023Ki 1025Ki 3Ki 100Mi 128974848 129e6 129M 123Mi
1e3 1e-3 12e-3 1E3 1e0 1e6 2e9 1.5e3 1e-9 1e-10 5e-1 1e18 1e+3 -1e3
-1Gi -500m -0.5 -1k
1.1.1 abc 1x 1KiB 1gi Ki -- 1e 1e1.5 .Ki 1.5.Mi . - + 1.Ki 1.G 0.5Ki 1.5Ki 7Ki 8Ki 9Ki 0.0000000001 100e-12 1e-12 1E-9 1e9 1e12m 1e3k 1ki 1KI
10e-10 20e-11 +1.0000000001 +1.000000001 +12345678Mi +123456789Mi +12345678901Ki +123456789012Ki
+123456789012345678 +1234567890123456789 +1Ki +8Ki +9Ki +1.5Ki +1e3 +1000 +1500m
""".split()


def main():
    tmp = tempfile.mkdtemp()
    pod = os.path.join(tmp, "pod.yaml")
    with open(pod, "w") as f:
        f.write("apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers: [{name: c, image: x}]\n")
    print("# resource.Quantity's canonical form as `kubectl set resources --local` printed it")
    print("# (tools/gen_quantity_cases.py). INPUT => CANONICAL, or => invalid.")
    env = dict(os.environ, KUBECONFIG=os.path.join(tmp, "none"))
    for q in INPUTS:
        out = subprocess.run(
            ["kubectl", "set", "resources", "-f", pod, "--local", f"--limits=cpu={q}", "-o",
             "jsonpath={.spec.containers[0].resources.limits.cpu}"],
            capture_output=True, text=True, env=env)
        print(f"{q} => {out.stdout.strip() if out.returncode == 0 else 'invalid'}")


if __name__ == "__main__":
    main()
