#!/usr/bin/env python3
"""Sandbox throughput: the `sandbox_load` example, repeated, pinned to one core and to two.

Usage (workspace root, after
`cargo build --release -p qys-bench --examples --features sandbox`):

    python3 qys-bench/scripts/sandbox.py [--reps 5] [--n 20000] [--conc 64]
"""
import argparse, re, statistics, subprocess, sys

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--conc", type=int, default=64)
    a = ap.parse_args()
    res = {}
    for rep in range(a.reps):
        for cpus in ["0", "0,1"]:
            out = subprocess.run(["taskset", "-c", cpus, "target/release/examples/sandbox_load",
                                  "--n", str(a.n), "--conc", str(a.conc)],
                                 capture_output=True, text=True, timeout=120, check=True).stdout
            kv = dict(re.findall(r"(\w+)=([\w.\-]+)", out))
            r = (float(kv["req_per_s"]), float(kv["cpu_us_per_req"]))
            res.setdefault(cpus, []).append(r)
            print(f"rep {rep} cpus {cpus}: {r}", file=sys.stderr, flush=True)
    print(f"| sandbox + qys-async in one process, {a.conc} concurrent, n={a.n}, {a.reps} reps | req/s median [min–max] | CPU µs/req (client + sandbox) |")
    print("|---|---|---|")
    for cpus, label in [("0", "one core (`taskset -c 0`)"), ("0,1", "two cores (`taskset -c 0,1`)")]:
        rs = res[cpus]
        print(f"| {label} | {statistics.median(x[0] for x in rs):.0f} [{min(x[0] for x in rs):.0f}–{max(x[0] for x in rs):.0f}] | {statistics.median(x[1] for x in rs):.1f} |")

if __name__ == "__main__":
    main()
