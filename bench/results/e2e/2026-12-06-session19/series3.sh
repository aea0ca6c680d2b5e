#!/bin/bash
cd /work/main
for r in 1 2; do for v in A M; do o="$(cat /tmp/s19/$v.txt)"; FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s19/dist --scenario custom --name oc-$v$r --clients 1 --window 32 --rate 0 --fsync group --duration 15 --warmup 5 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s19/oc-$v$r.json --gateway-opts "$o" > /tmp/s19/oc-$v$r.log 2>&1; echo "[$(cut -d' ' -f1 /proc/loadavg)] $(grep -E "^oc-$v$r " /tmp/s19/oc-$v$r.log | head -1 | cut -c1-160)"; done; done
for r in 1 2; do for v in M A; do /tmp/s19/cpu.sh c1b-$v$r /tmp/s19/dist 1000 50 20 "$(cat /tmp/s19/$v.txt)"; done; done
