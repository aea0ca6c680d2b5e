#!/bin/bash
# ab.sh RATE ROUNDS VARIANT... ; VARIANT = label:dist:extra-opts (opts use + for spaces)
rate=$1 rounds=$2; shift 2
cd /work/main
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    label=${v%%:*}; rest=${v#*:}; dist=${rest%%:*}; extra=${rest#*:}; extra=${extra//+/ }
    n=$label-$rate-$r
    FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $n --clients 100 --rate $rate --fsync group --duration 50 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s22/ab/$n.json --gateway-opts "$(cat /tmp/s21/M.txt) $extra" > /tmp/s22/ab/$n.out 2>&1
    python3 -c "
import json; d=json.load(open('/tmp/s22/ab/$n.json')); r=d['runs'][0] if 'runs' in d else d
print('%-14s load %s gw %.1f us/msg  p50 %.1f p99 %.1f  puback p50 %.1f  %.1f rec/sync %.0f sync/s lost %d' % ('$n', open('/proc/loadavg').read().split()[0], r['gatewayCpuPercent']*1e4/r['msgPerSecond'], r['p50Ms'], r['p99Ms'], r['pubackP50Ms'], r['recordsPerSync'], r['syncsPerSecond'], r['missing']))"
  done
done
