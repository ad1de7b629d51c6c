#!/usr/bin/env python3
"""Interleaved A/B loopback runs of qys against bare clients; prints medians and ratios.

Usage (from the workspace root, after
`cargo build --release -p qys-bench --examples`):

    python3 qys-bench/scripts/loopback.py [--reps 5] [--n 20000] [--cpus 0]

Starts the minimal server (`server` example) pinned with `taskset -c CPUS`, then for each
repetition runs every client once, in turn (qys and its bare counterpart back to back, the
order alternating between repetitions), each pinned to the same CPUS. Every run is bounded
(--n requests, a 120 s timeout) and loopback only; the server exits on its own.
"""
import argparse, re, statistics, subprocess, sys, time

EX = "target/release/examples"
PAIRS = [
    ("seq blocking", ("qys-blocking", 1), ("ureq", 1)),
    ("seq async", ("qys-async", 1), ("hyper", 1)),
    ("64 concurrent async", ("qys-async", 64), ("hyper", 64)),
]

def run(cpus, url, client, conc, n):
    out = subprocess.run(
        ["taskset", "-c", cpus, f"{EX}/loopback", "--url", url, "--client", client,
         "--conc", str(conc), "--n", str(n)],
        capture_output=True, text=True, timeout=120, check=True).stdout
    kv = dict(re.findall(r"(\w+)=([\w.\-]+)", out))
    return float(kv["req_per_s"]), float(kv["cpu_us_per_req"])

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--cpus", default="0")
    ap.add_argument("--host", default="127.0.0.1",
                    help="the host name the clients use (e.g. localhost: a name to resolve)")
    ap.add_argument("--subscriber", action="store_true",
                    help="only the qys rows, each with a tracing subscriber at info installed "
                         "(client `qys-…+info`), beside the same bare clients")
    ap.add_argument("--resolver", action="store_true",
                    help="only the blocking rows, plus bare ureq with a whole-call timeout "
                         "(ureq then resolves on a new thread per request)")
    a = ap.parse_args()
    pairs = PAIRS
    if a.subscriber:
        pairs = [(f"{name}, subscriber at info", (q[0] + "+info", q[1]), b) for name, q, b in PAIRS]
    if a.resolver:
        pairs = [PAIRS[0], ("seq blocking vs ureq + timeout", ("qys-blocking", 1), ("ureq-timeout", 1))]
    server = subprocess.Popen(["taskset", "-c", a.cpus, f"{EX}/server", "--seconds", "900"],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip().replace("127.0.0.1", a.host)
        res = {}
        for rep in range(a.reps):
            for name, qys, bare in pairs:
                order = [qys, bare] if rep % 2 == 0 else [bare, qys]
                for client, conc in order:
                    r = run(a.cpus, url, client, conc, a.n)
                    res.setdefault((client, conc), []).append(r)
                    print(f"rep {rep} {client} conc={conc}: {r[0]:.0f} req/s, {r[1]:.2f} us CPU/req",
                          file=sys.stderr, flush=True)
        print(f"| scenario (host {a.host}, cpus {a.cpus}, n={a.n}, {a.reps} reps, medians [min–max]) | client | req/s | client CPU µs/req | qys/bare req/s | bare/qys CPU |")
        print("|---|---|---|---|---|---|")
        for name, qys, bare in pairs:
            q, b = res[qys], res[bare]
            qr, br = statistics.median(x[0] for x in q), statistics.median(x[0] for x in b)
            qc, bc = statistics.median(x[1] for x in q), statistics.median(x[1] for x in b)
            fmt = lambda xs, i, f: f"{f.format(statistics.median(x[i] for x in xs))} [{f.format(min(x[i] for x in xs))}–{f.format(max(x[i] for x in xs))}]"
            print(f"| {name} | {qys[0]} | {fmt(q,0,'{:.0f}')} | {fmt(q,1,'{:.1f}')} | **{qr/br:.2f}** | **{bc/qc:.2f}** |")
            print(f"| {name} | {bare[0]} | {fmt(b,0,'{:.0f}')} | {fmt(b,1,'{:.1f}')} | | |")
    finally:
        server.terminate()
        server.wait()

if __name__ == "__main__":
    main()
