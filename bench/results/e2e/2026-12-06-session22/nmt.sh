#!/bin/bash
# nmt.sh LABEL DIST DUR OPTS : 1,000 clients x 1 msg/s; NMT summary, threads, RSS at DUR-10 s
label=$1 dist=$2 dur=$3 opts=$4
cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients 1000 --rate 1000 --fsync group --duration $dur --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s22/$label.json --gateway-opts "$(cat /tmp/s21/M.txt) -XX:NativeMemoryTracking=summary $opts -Dfogbridge.bench.tag=$label" > /tmp/s22/$label.log 2>&1) &
bp=$!
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
for i in $(seq 1 $((dur/10+3))); do
  sleep 10
  pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label" | while read p; do grep -q E2eBench /proc/$p/cmdline 2>/dev/null || echo $p; done | head -1)
  [ -n "$pid" ] && out="$out $(awk '/VmRSS|RssAnon|RssFile/{printf "%d/", $2/1024}' /proc/$pid/status)"
  if [ -n "$pid" ] && [ $i -eq $((dur/10)) ]; then
    $J/jcmd $pid VM.native_memory summary > /tmp/s22/$label.nmt
    ls /proc/$pid/task | wc -l > /tmp/s22/$label.threads
    for t in /proc/$pid/task/*; do cat $t/comm; done | sed 's/[0-9]\+$/N/' | sort | uniq -c | sort -rn > /tmp/s22/$label.threadnames
    $J/jcmd $pid GC.heap_info > /tmp/s22/$label.heap
    cat /proc/$pid/smaps_rollup > /tmp/s22/$label.smaps
  fi
done
wait $bp
echo "$label RSS/10s:$out"
