#!/bin/bash
# series.sh: session 23's side-by-side run: references (50 s after 20 s) and the gateway (50 s after 20 s) at 5,000
# and 1,000 msg/s, then latency at 5,000 msg/s (scenario 3) x5, then one connection
cd /work/main
M="$(cat /tmp/s21/M.txt)"
O=/tmp/s23/series; mkdir -p $O
gw() { # label rate
  FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s23/distS --scenario custom --name $1 --clients 100 --rate $2 --fsync group --duration 50 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --json $O/$1.json --gateway-opts "$M" > $O/$1.out 2>&1
  python3 -c "
import json; d=json.load(open('$O/$1.json')); r=d['runs'][0] if 'runs' in d else d
print('%-10s load %s gw %.1f us/msg (%.1f %% of a core) p50 %.1f p99 %.1f puback p99 %.1f %.1f rec/sync lost %d' % ('$1', open('/proc/loadavg').read().split()[0], r['gatewayCpuPercent']*1e4/r['msgPerSecond'], r['gatewayCpuPercent'], r['p50Ms'], r['p99Ms'], r['pubackP99Ms'], r['recordsPerSync'], r['missing']))"
}
bench/cpu-reference.sh 5000 > $O/ref-5000.out 2>&1; grep -E 'us per message' $O/ref-5000.out
gw g5k-1 5000; gw g5k-2 5000
bench/cpu-reference.sh 1000 > $O/ref-1000.out 2>&1; grep -E 'us per message' $O/ref-1000.out
gw g1k-1 1000; gw g1k-2 1000
for i in 1 2 3 4 5; do
  FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist /tmp/s23/distS --scenario 3 --duration 40 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --json $O/lat-$i.json --gateway-opts "$M" > $O/lat-$i.out 2>&1
  python3 -c "
import json; d=json.load(open('$O/lat-$i.json')); r=d['runs'][0] if 'runs' in d else d
print('lat-$i load %s p50 %.1f p99 %.1f gw %.1f us/msg' % (open('/proc/loadavg').read().split()[0], r['p50Ms'], r['p99Ms'], r['gatewayCpuPercent']*1e4/r['msgPerSecond']))"
done
OUT=$O/one-connection bench/one-connection.sh group 15 5 32 > $O/one-connection.txt 2>&1; grep -E 'msg/s|measuredRate|load' $O/one-connection.txt | head -20
