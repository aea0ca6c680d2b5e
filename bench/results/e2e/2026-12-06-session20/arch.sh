#!/bin/bash
# archive kinds: train each (40 s at 3,000 msg/s, 100 clients), then RSS with 1,000 devices, interleaved twice; then start-up
M="$(cat /tmp/s20/M.txt)"
D=/work/main/fogbridge-gateway/target
X="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xlog:cds*=off -Xlog:aot*=off"
rm -f /tmp/s20/gw.jsa /tmp/s20/gw.aot
/tmp/s20/train.sh Tdyn $D 3000 100 40 "$M $X -XX:SharedArchiveFile=/tmp/s20/gw.jsa -XX:+AutoCreateSharedArchive"
/tmp/s20/train.sh Taot $D 3000 100 40 "$M $X -XX:AOTCacheOutput=/tmp/s20/gw.aot"
ls -la /tmp/s20/gw.jsa /tmp/s20/gw.aot
for r in 1 2; do
  /tmp/s20/rssc.sh dyn$r $D 90 1000 1000 "$M $X -XX:SharedArchiveFile=/tmp/s20/gw.jsa -XX:+AutoCreateSharedArchive"
  /tmp/s20/rssc.sh aot$r $D 90 1000 1000 "$M $X -XX:AOTCache=/tmp/s20/gw.aot"
  /tmp/s20/rssc.sh none$r $D 90 1000 1000 "$M"
done
cd /work/main
for k in dynamic aot; do FOGBRIDGE_CDS=$k bench/startup.sh --runs 5 --cds fresh 2>&1 | grep -E '^startup|^run'; done
FOGBRIDGE_CDS=off bench/startup.sh --runs 3 --cds off 2>&1 | grep -E '^startup'
