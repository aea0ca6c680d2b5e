#!/bin/bash
cd /work/main
M="$(cat /tmp/s19/M.txt)"
for i in 1 2 3 4 5 6 7 8 9; do
  FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s19/dist --ceiling-s 0 --mqtt-ceiling-s 0 --scenario 3 --duration 40 --warmup 20 --json /tmp/s19/lat-M$i.json --gateway-opts "$M" > /tmp/s19/lat-M$i.log 2>&1
  echo "[$(cut -d' ' -f1 /proc/loadavg)] lat-M$i $(grep -E '^s3-100c' /tmp/s19/lat-M$i.log | head -1 | cut -c1-160)"
done
bench/latency-one-process.sh --gateway-dist /tmp/s19/dist --gateway-opts "$M" --rate 5000 --clients 100 --duration 40 --warmup 20 --runs 3 > /tmp/s19/indep.log 2>&1
grep -iE "p99|run [0-9]" /tmp/s19/indep.log | tail -8
