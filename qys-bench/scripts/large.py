#!/usr/bin/env python3
"""Large downloads and uploads through each client, one process per transfer; medians.

Usage (workspace root, after `cargo build --release -p qys-bench --examples`):

    python3 qys-bench/scripts/large.py [--reps 3] [--sizes 104857600,1073741824] [--cpus 0]

The minimal server and every client run pinned with `taskset -c CPUS`. Each transfer is
bounded (a 300 s timeout) and loopback only; the server exits on its own.
"""
import argparse, re, statistics, subprocess, sys

EX = "target/release/examples"
CLIENTS = ["qys-blocking", "ureq", "qys-async", "hyper"]
BARE = {"qys-blocking": "ureq", "qys-async": "hyper"}

def run(cpus, url, client, d, size):
    out = subprocess.run(
        ["taskset", "-c", cpus, f"{EX}/large", "--url", url, "--client", client,
         "--dir", d, "--bytes", str(size)],
        capture_output=True, text=True, timeout=300, check=True).stdout
    kv = dict(re.findall(r"(\w+)=([\w.\-]+)", out))
    return (float(kv["mib_per_s"]), int(kv["rss_idle_kib"]), int(kv["hwm_kib"]),
            int(kv["above_idle_kib"]), float(kv["cpu_ms_per_gib"]))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sizes", default="104857600,1073741824")
    ap.add_argument("--cpus", default="0")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    server = subprocess.Popen(["taskset", "-c", a.cpus, f"{EX}/server", "--seconds", "1800"],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        res = {}
        for rep in range(a.reps):
            for size in sizes:
                for d in ["down", "up"]:
                    clients = CLIENTS if rep % 2 == 0 else list(reversed(CLIENTS))
                    for c in clients:
                        r = run(a.cpus, url, c, d, size)
                        res.setdefault((size, d, c), []).append(r)
                        print(f"rep {rep} {size} {d} {c}: {r}", file=sys.stderr, flush=True)
        print(f"| size | direction | client | MiB/s median [min–max] | qys/bare MiB/s | client CPU ms/GiB | bare/qys CPU | idle RSS KiB | peak RSS KiB (VmHWM) | max above idle KiB |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for size in sizes:
            for d in ["down", "up"]:
                for c in CLIENTS:
                    rs = res[(size, d, c)]
                    med = statistics.median(x[0] for x in rs)
                    ratio = cratio = ""
                    cpu = statistics.median(x[4] for x in rs)
                    if c in BARE:
                        bare = res[(size, d, BARE[c])]
                        ratio = f"**{med / statistics.median(x[0] for x in bare):.2f}**"
                        cratio = f"**{statistics.median(x[4] for x in bare) / cpu:.2f}**"
                    print(f"| {size // (1024*1024)} MiB | {d} | {c} | {med:.0f} [{min(x[0] for x in rs):.0f}–{max(x[0] for x in rs):.0f}] | {ratio} | {cpu:.0f} | {cratio} | "
                          f"{statistics.median(x[1] for x in rs):.0f} | {max(x[2] for x in rs)} | {max(x[3] for x in rs)} |")
    finally:
        server.terminate()
        server.wait()

if __name__ == "__main__":
    main()
