#!/bin/bash
cd /work/main
bench/cpu-reference.sh 5000 > /tmp/s20/ref-5000.out 2>&1; tail -4 /tmp/s20/ref-5000.out
bench/cpu-reference.sh 1000 > /tmp/s20/ref-1000.out 2>&1; tail -4 /tmp/s20/ref-1000.out
for rate in 5000 1000; do
  bench/e2e.sh --scenario custom --name cpu$rate --clients 100 --rate $rate --fsync group --duration 50 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s20/cpu$rate.json > /tmp/s20/cpu$rate.out 2>&1
  echo "[$(cut -d' ' -f1 /proc/loadavg)] $(grep -E "^cpu$rate " /tmp/s20/cpu$rate.out | tail -1)"; grep -oE "CPU per message \(us\).*" /tmp/s20/cpu$rate.out
done
