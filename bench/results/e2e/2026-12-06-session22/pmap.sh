#!/bin/bash
# pmap.sh LABEL DIST DUR OPTS : pmap -x at DUR-10 s, 1,000 devices
label=$1 dist=$2 dur=$3 opts=$4
cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients 1000 --rate 1000 --fsync group --duration $dur --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s22/$label.json --gateway-opts "$(cat /tmp/s21/M.txt) $opts -Dfogbridge.bench.tag=$label" > /tmp/s22/$label.log 2>&1) &
bp=$!
for i in $(seq 1 $((dur/10+3))); do
  sleep 10
  pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label" | while read p; do grep -q E2eBench /proc/$p/cmdline 2>/dev/null || echo $p; done | head -1)
  [ -n "$pid" ] && out="$out $(awk '/VmRSS|RssAnon|RssFile/{printf "%d/", $2/1024}' /proc/$pid/status)"
  if [ -n "$pid" ] && [ $i -eq $((dur/10)) ]; then
    pmap -x $pid > /tmp/s22/$label.pmap
    tr '\0' '\n' < /proc/$pid/environ | grep MALLOC > /tmp/s22/$label.env
    /usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd $pid System.map > /tmp/s22/$label.sysmap 2>&1
  fi
done
wait $bp
echo "$label RSS/10s:$out"
