#!/bin/bash
# cpu.sh LABEL DIST RATE DURATION WARMUP [gateway opts]
label=$1 dist=$2 rate=$3 dur=$4 warm=$5; shift 5
cd /work/main
FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients 100 --rate $rate --fsync group --duration $dur --warmup $warm --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s19/$label.json ${1:+--gateway-opts "$1"} > /tmp/s19/$label.log 2>&1
row=$(grep -E "^ *$label " /tmp/s19/$label.log | tail -1)
echo "[$(cut -d' ' -f1 /proc/loadavg)] $row"
grep -oE "CPU per message \(us\).*|gateway RSS at end [0-9]+ MB" /tmp/s19/$label.log | tr '\n' ' '; echo
