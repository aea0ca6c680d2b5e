#!/bin/bash
# oc.sh LABEL DIST [EXTRA] : ctx.sh's per-thread view for one connection, 32 in flight, as fast as it goes (the rate
# comes from the run's result), over 12 s from 14 s after the start
label=$1 dist=$2 extra=${3:-}
out=/tmp/s23/oc; mkdir -p $out; cd /work/main
FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients 1 --window 32 --rate 0 --fsync ${FSYNC:-group} --duration 25 --warmup 5 --ceiling-s 0 --mqtt-ceiling-s 0 --json $out/$label.json --gateway-opts "$(cat /tmp/s21/M.txt) $extra -Dfogbridge.bench.tag=$label" > $out/$label.log 2>&1 &
bench/proc-watch.sh "bench.tag=$label .*gateway.cli.Main" 14 12 > $out/$label.watch
wait
r=$(python3 -c "import json; d=json.load(open('$out/$label.json')); r=d['runs'][0] if 'runs' in d else d; print(int(r['msgPerSecond']))")
echo "$label: $r msg/s"
awk -v r=$r -v w=12 -f "$(dirname "$0")/permsg.awk" $out/$label.watch
grep -E "PUBACK" $out/$label.log | tail -1
