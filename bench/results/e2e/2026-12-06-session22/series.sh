#!/bin/bash
# session 22 series: references, gateway CPU A (main) / C (s22) interleaved, one connection, latency 9 runs
cd /work/main
S=/tmp/s22/series
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
bench/cpu-reference.sh 5000 > $S/ref-5000.out 2>&1; echo "[ref 5000 $(date -u +%H:%M:%S)]"; tail -4 $S/ref-5000.out
bench/cpu-reference.sh 1000 > $S/ref-1000.out 2>&1; echo "[ref 1000 $(date -u +%H:%M:%S)]"; tail -4 $S/ref-1000.out
mkdir -p /tmp/s22/ab
/tmp/s22/ab.sh 5000 2 A:/tmp/s21/dist2: C:/tmp/s22/distC:
/tmp/s22/ab.sh 1000 2 A:/tmp/s21/dist2: C:/tmp/s22/distC:
echo "[one connection $(date -u +%H:%M:%S)]"
OUT=$S/onecon bench/one-connection.sh group 15 5 32 > $S/one-connection.txt 2>&1; tail -12 $S/one-connection.txt
echo "[latency $(date -u +%H:%M:%S)]"
for i in 1 2 3 4 5 6 7 8 9; do
  bench/e2e.sh --gateway-dist /tmp/s22/distC --scenario 3 --duration 40 --warmup 20 --ceiling-s 0 --mqtt-ceiling-s 0 --json $S/lat-$i.json > $S/lat-$i.out 2>&1
  echo "[$(cut -d' ' -f1 /proc/loadavg)] $(grep -E '^s3|^scenario' $S/lat-$i.out | tail -1)"
done
echo "end $(date -u +%H:%M:%S)"
