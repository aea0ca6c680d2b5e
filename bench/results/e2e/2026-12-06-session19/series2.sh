#!/bin/bash
cd /tmp/s19
for r in 1 2; do for v in A N M; do o="$(cat $v.txt)"; cd /work/main; FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s19/dist --ceiling-s 0 --mqtt-ceiling-s 0 --scenario 3 --duration 40 --warmup 20 --json /tmp/s19/l2-$v$r.json --gateway-opts "$o" > /tmp/s19/l2-$v$r.log 2>&1; echo "[$(cut -d' ' -f1 /proc/loadavg)] l2-$v$r $(grep -E '^s3-100c' /tmp/s19/l2-$v$r.log | head -1 | cut -c1-160)"; cd /tmp/s19; done; done
for v in N M; do o="$(cat $v.txt)"; ./rssc.sh m2-$v /tmp/s19/dist 90 1000 1000 "$o"; done
