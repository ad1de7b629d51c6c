#!/bin/sh
# Instructions per request of each loopback client, from two callgrind runs of the `loopback`
# example (N1 and N2 measured requests after the same warm-up): (Ir(N2) - Ir(N1)) / (N2 - N1).
# Deterministic, so it holds on a loaded machine where req/s and CPU time do not. The server
# runs natively; only the client is counted.
# Usage (workspace root, after `cargo build --release -p qys-bench --examples`):
#   sh qys-bench/scripts/loopback_icount.sh [client ...]
set -e
EX=target/release/examples
CLIENTS=${*:-"qys-blocking ureq qys-async hyper qys-blocking+info qys-async+info"}
N1=${N1:-500}
N2=${N2:-2500}
FIFO=$(mktemp -u)
mkfifo "$FIFO"
"$EX/server" --seconds 600 >"$FIFO" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -f "$FIFO"' EXIT
read -r URL <"$FIFO"
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$EX/loopback" --url "$URL" \
  --client "$1" --conc 1 --warmup 200 --n "$2" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
for client in $CLIENTS; do
  A=$(ir "$client" $N1); B=$(ir "$client" $N2)
  echo "$client $(( (B - A) / (N2 - N1) ))"
done
