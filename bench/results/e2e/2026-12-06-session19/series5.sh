#!/bin/bash
cd /work/main
for i in 1 2 3 4 5 6; do for v in A M; do
  o="$(cat /tmp/s19/$v.txt)"
  FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s19/dist --ceiling-s 0 --mqtt-ceiling-s 0 --scenario 3 --duration 40 --warmup 20 --json /tmp/s19/lat5-$v$i.json --gateway-opts "$o" > /tmp/s19/lat5-$v$i.log 2>&1
  echo "[$(cut -d' ' -f1 /proc/loadavg)] lat5-$v$i $(grep -E '^s3-100c' /tmp/s19/lat5-$v$i.log | head -1 | cut -c1-160)"
done; done
