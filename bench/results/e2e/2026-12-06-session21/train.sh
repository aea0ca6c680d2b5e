#!/bin/bash
# train.sh LABEL DIST RATE CLIENTS DUR OPTS
label=$1 dist=$2 rate=$3 cl=$4 dur=$5 opts=$6
cd /work/main
FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients $cl --rate $rate --fsync group --duration $dur --warmup 5 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s21/$label.json --gateway-opts "$opts -Dfogbridge.bench.tag=$label" > /tmp/s21/$label.log 2>&1
