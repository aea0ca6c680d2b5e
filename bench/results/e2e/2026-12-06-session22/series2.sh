#!/bin/bash
# session 22 series 2: latency at 5,000 msg/s, A (main) and D (s22: two-park hold + HeaderList) interleaved; then per-thread CPU of D
cd /work/main
S=/tmp/s22/series2; mkdir -p $S
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
for i in 1 2 3 4; do
  for v in A:/tmp/s21/dist2 D:/tmp/s22/distD; do
    l=${v%%:*}; d=${v#*:}
    bench/e2e.sh --gateway-dist $d --scenario 3 --duration 40 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --gateway-opts "$(cat /tmp/s21/M.txt)" --json $S/lat-$l-$i.json > $S/lat-$l-$i.out 2>&1
    python3 -c "
import json; d=json.load(open('$S/lat-$l-$i.json')); r=d['runs'][0]
print('lat-$l-$i load %s p50 %.1f p95 %.1f p99 %.1f max %.1f puback p99 %.1f gw %.1f us/msg lost %d' % (open('/proc/loadavg').read().split()[0], r['p50Ms'], r['p95Ms'], r['p99Ms'], r['maxMs'], r['pubackP99Ms'], r['gatewayCpuPercent']*1e4/r['msgPerSecond'], r['missing']))"
  done
done
for i in 1 2; do for v in A:/tmp/s21/dist2 D:/tmp/s22/distD; do
  echo "== ctx ${v%%:*} $i"; /tmp/s22/ctx.sh ctx2-${v%%:*}-$i ${v#*:} 5000 | grep -E "spool|mqtt|forwa|produc|TOTAL|PUBACK"
done; done
echo "end $(date -u +%H:%M:%S)"
