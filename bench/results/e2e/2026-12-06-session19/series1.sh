#!/bin/bash
cd /tmp/s19
A="$(cat A.txt)"; X="$(cat X.txt)"
for r in 1 2; do for v in A X; do o="$(cat $v.txt)"; ./cpu.sh c5-$v$r /tmp/s19/dist 5000 50 20 "$o"; done; done
for v in A X; do o="$(cat $v.txt)"; ./cpu.sh c1-$v /tmp/s19/dist 1000 50 20 "$o"; done
for r in 1 2; do for v in X A; do o="$(cat $v.txt)"; ./rssc.sh m-$v$r /tmp/s19/dist 90 1000 1000 "$o"; done; done
for r in 1 2 3; do for v in A X; do o="$(cat $v.txt)"; cd /work/main; FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s19/dist --ceiling-s 0 --mqtt-ceiling-s 0 --scenario 3 --duration 40 --warmup 20 --json /tmp/s19/l-$v$r.json --gateway-opts "$o" > /tmp/s19/l-$v$r.log 2>&1; echo "[$(cut -d' ' -f1 /proc/loadavg)] lat $v$r: $(grep -E '^ *s3' /tmp/s19/l-$v$r.log | tail -1)"; cd /tmp/s19; done; done
