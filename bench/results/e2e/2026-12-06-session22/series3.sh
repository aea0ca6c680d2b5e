#!/bin/bash
# session 22 series 3: latency at 5,000 msg/s after the CI run, F (main at a2e8a0a) and A (a2f6118) alternating, F first and last
cd /work/main
S=/tmp/s22/series3; mkdir -p $S
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
i=0
for v in F A F A F A F A F; do
  i=$((i+1)); d=/tmp/s22/dist$v; [ $v = A ] && d=/tmp/s21/dist2
  bench/e2e.sh --gateway-dist $d --scenario 3 --duration 40 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --gateway-opts "$(cat /tmp/s21/M.txt)" --json $S/lat-$i-$v.json > $S/lat-$i-$v.out 2>&1
  python3 -c "
import json; d=json.load(open('$S/lat-$i-$v.json')); r=d['runs'][0]
print('lat-$i-$v load %s p50 %.1f p95 %.1f p99 %.1f max %.1f puback p99 %.1f gw %.1f us/msg lost %d' % (open('/proc/loadavg').read().split()[0], r['p50Ms'], r['p95Ms'], r['p99Ms'], r['maxMs'], r['pubackP99Ms'], r['gatewayCpuPercent']*1e4/r['msgPerSecond'], r['missing']))"
done
echo "end $(date -u +%H:%M:%S)"
