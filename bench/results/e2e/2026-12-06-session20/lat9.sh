#!/bin/bash
# nine scenario-3 runs with the launcher's options (bench default), then three independent-style runs
cd /work/main
for i in 1 2 3 4 5 6 7 8 9; do
  bench/e2e.sh --scenario 3 --duration 40 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s20/lat-$i.json > /tmp/s20/lat-$i.out 2>&1
  echo "[$(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)] run $i: $(grep -A1 -E '^ *run ' /tmp/s20/lat-$i.out | tail -1 | awk '{print "p50", $7, "p95", $8, "p99", $9, "max", $10, "missing", $11, "gwCPU", $16}')"
done
bench/latency-one-process.sh --rate 5000 --clients 100 --duration 40 --warmup 20 --runs 3 > /tmp/s20/indep.out 2>&1
grep '^run' /tmp/s20/indep.out
