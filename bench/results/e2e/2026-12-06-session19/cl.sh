#!/bin/bash
# cl.sh LABEL DIST OPTS: scenario 4, 90 s, class load log + NMT + RSS at 80 s
label=$1 dist=$2 opts=$3
cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario 4 --duration 90 --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s19/$label.json --gateway-opts "$opts -XX:NativeMemoryTracking=summary -Xlog:class+load=info:file=/tmp/s19/$label.classes -Dfogbridge.bench.tag=$label" > /tmp/s19/$label.log 2>&1) &
bp=$!
sleep 85
pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label" | while read p; do if ! grep -q "E2eBench" /proc/$p/cmdline 2>/dev/null; then echo $p; fi; done | head -1)
grep -E "VmRSS|RssAnon|RssFile" /proc/$pid/status | tr '\n' ' '; echo
/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd $pid VM.native_memory summary > /tmp/s19/$label.nmt
/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd $pid GC.class_histogram > /tmp/s19/$label.histo
grep -E "^-|Total" /tmp/s19/$label.nmt | sed -E 's/reserved=[0-9]+KB, //' | tr -s ' ' | head -24 | tr '\n' ';'; echo
wait $bp
grep -A1 -E "^ *run " /tmp/s19/$label.log | tail -1
