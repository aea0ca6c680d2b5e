#!/bin/bash
# aot.sh: the AOT cache the launcher maps on JDK 25, trained for each dist (40 s at 3,000 msg/s, 100 clients), then
# RSS with 1,000 devices (1,000 msg/s, 90 s) with each cache: main (dist) and logging in code (dist2), interleaved twice
M="$(cat /tmp/s21/M.txt)"
X="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xlog:cds*=off -Xlog:aot*=off"
rm -f /tmp/s21/dist.aot /tmp/s21/dist2.aot
for d in dist dist2; do
  bash /tmp/s21/train.sh T$d /tmp/s21/$d 3000 100 40 "$M $X -XX:AOTCacheOutput=/tmp/s21/$d.aot"
done
ls -la /tmp/s21/dist.aot /tmp/s21/dist2.aot
for r in 1 2; do
  for d in dist dist2; do
    bash /tmp/s21/rssc.sh aot$r-$d /tmp/s21/$d 90 1000 1000 "$M $X -XX:AOTCache=/tmp/s21/$d.aot"
  done
done
