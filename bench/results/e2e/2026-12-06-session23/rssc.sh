#!/bin/bash
# rssc.sh LABEL DIST DURATION CLIENTS RATE OPTS : custom scenario, RSS (total/anon/file) every 10 s, classes near the end
label=$1 dist=$2 dur=$3 cl=$4 rate=$5 opts=$6
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd
cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients $cl --rate $rate --fsync group --duration $dur --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s23/rss/$label.json --gateway-opts "$opts -Dfogbridge.bench.tag=$label" > /tmp/s23/rss/$label.log 2>&1) &
bp=$!
out=""; cls=""
for i in $(seq 1 $((dur/10+3))); do
  sleep 10
  pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label" | while read p; do grep -q E2eBench /proc/$p/cmdline 2>/dev/null || echo $p; done | head -1)
  [ -n "$pid" ] && out="$out $(awk '/VmRSS|RssAnon|RssFile/{printf "%d/", $2/1024}' /proc/$pid/status)"
  if [ -n "$pid" ] && [ $i -eq $((dur/10)) ]; then
    cls=$($J $pid PerfCounter.print | awk -F= '/java.cls.loadedClasses|sun.cls.sharedLoadedClasses/{printf "%s ", $2}')
    $J $pid GC.class_histogram > /tmp/s23/rss/$label.histo
  fi
done
wait $bp
echo "$label classes(loaded,shared): $cls RSS/10s:$out"
