#!/bin/bash
# ctx.sh LABEL DIST RATE CLIENTS [EXTRA] : the gateway's CPU and context switches per message, per thread name, over
# 20 s of steady load from 25 s after its start, sampled by bench/proc-watch.sh
label=$1 dist=$2 rate=$3 cl=${4:-100} extra=${5:-}
out=/tmp/s23/ctx; mkdir -p $out; cd /work/main
FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients $cl --rate $rate --fsync group --duration 40 --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json $out/$label.json --gateway-opts "$(cat /tmp/s21/M.txt) -Dfogbridge.bench.tag=$label $extra" > $out/$label.log 2>&1 &
bench/proc-watch.sh "bench.tag=$label .*gateway.cli.Main" 25 20 > $out/$label.watch
wait
awk -v r=$rate -v w=20 -f "$(dirname "$0")/permsg.awk" $out/$label.watch
grep -E "PUBACK" $out/$label.log | tail -1
