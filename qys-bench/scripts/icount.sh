#!/bin/sh
# Instructions per call of each core operation, from two callgrind runs (N1 and N2 calls):
# (Ir(N2) - Ir(N1)) / (N2 - N1). Deterministic: independent of machine load.
# Usage (workspace root): sh qys-bench/scripts/icount.sh [op ...]
set -e
BIN=$(cargo bench -p qys-proto --bench core --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import sys,json
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("executable") and m["target"]["name"]=="core": print(m["executable"])')
OPS=${*:-$(QYS_ICOUNT=list:0 "$BIN")}
ir() { QYS_ICOUNT="$1:$2" valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" 2>&1 \
  | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
for op in $OPS; do
  case $op in parse_list_*) N1=2; N2=12 ;; *) N1=100; N2=1100 ;; esac
  A=$(ir "$op" $N1); B=$(ir "$op" $N2)
  echo "$op $(( (B - A) / (N2 - N1) ))"
done
