#!/bin/bash
# jit.sh: C2 alone with an AOT cache carrying a training run's profiles (JEP 515, JDK 25), against C1 (M)
set -u
M="$(cat /tmp/s21/M.txt)"
C2="${M/-XX:TieredStopAtLevel=1/-XX:-TieredCompilation}"
C2="${C2/-XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000/}"
X="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xlog:cds*=off -Xlog:aot*=off"
D=/tmp/s22/distF
O=/tmp/s23/jit; mkdir -p $O
cd /work/main
run() { # label opts scenario-args...
  local n=$1 opts=$2; shift 2
  FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $D "$@" --ceiling-s 0 --mqtt-ceiling-s 0 --json $O/$n.json --gateway-opts "$opts" > $O/$n.out 2>&1
  python3 -c "
import json; d=json.load(open('$O/$n.json')); r=d['runs'][0] if 'runs' in d else d
print('%-14s load %s gw %.1f us/msg  p50 %.1f p99 %.1f  %.0f msg/s rss %s lost %d' % ('$n', open('/proc/loadavg').read().split()[0], r['gatewayCpuPercent']*1e4/r['msgPerSecond'], r['p50Ms'], r['p99Ms'], r['msgPerSecond'], r.get('gatewayRssPeakMb'), r['missing']))"
}
[ $# -gt 0 ] && "$@"
