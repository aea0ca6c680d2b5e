#!/bin/bash
# rssc.sh LABEL DIST DURATION CLIENTS RATE OPTS : custom scenario, RSS (total/anon/file) every 10 s
label=$1 dist=$2 dur=$3 cl=$4 rate=$5 opts=$6
cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients $cl --rate $rate --fsync group --duration $dur --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s22/$label.json --gateway-opts "$opts -Dfogbridge.bench.tag=$label" > /tmp/s22/$label.log 2>&1) &
bp=$!
out=""
for i in $(seq 1 $((dur/10+3))); do
  sleep 10
  pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label" | while read p; do grep -q E2eBench /proc/$p/cmdline 2>/dev/null || echo $p; done | head -1)
  [ -n "$pid" ] && out="$out $(awk '/VmRSS|RssAnon|RssFile/{printf "%d/", $2/1024}' /proc/$pid/status)"
  [ -n "$pid" ] && [ -n "$HISTO" ] && [ $i -eq $((dur/10)) ] && /usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd $pid GC.class_histogram > /tmp/s22/$label.histo
done
wait $bp
echo "$label RSS/10s:$out"
