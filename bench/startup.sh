#!/usr/bin/env bash
# Start-to-ready benchmark (BENCHMARKS.md, "Start-up and footprint"): starts `bin/fogbridge run` N times and
# measures, from just before the launcher is exec'd until `/readyz` first answers 200, on a gateway with the
# embedded broker on a free loopback port and a Kafka that does not answer (127.0.0.1:9: the forwarder keeps
# retrying; readiness never waits for Kafka, which is what the spool is for). Prints one line per run with the
# gateway's own "started ... ms after the JVM" breakdown, then median, min and max, and the load average.
#   bench/startup.sh [--runs N] [--cds on|off|fresh] [--data DIR] [--keep-data] [--registry FILE]
#     --cds on      the launcher's class-data-sharing archive (made by the first run if missing)
#     --cds off     FOGBRIDGE_CDS=off: no archive ("cold")
#     --cds fresh   delete the archive first: run 1 creates it, the rest use it
#                   (with on and fresh, FOGBRIDGE_CDS=dynamic or aot in the environment chooses the archive's kind)
#     --data DIR    a data dir to start on (e.g. one with a spool backlog, bench/spool-backlog.sh); kept as is
#     --keep-data   without --data: runs 2..N start on the data dir run 1 left (a restart, not a first start)
#     --registry F  a devices.registry file for the gateway
# Smoke size (bench/smoke.sh, CI): bench/startup.sh --runs 1
# Builds the gateway's distribution through the launcher on first use.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=10 cds=on data="" registry="" keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --cds) cds=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --keep-data) keep=1; shift ;;
    --registry) registry=$2; shift 2 ;;
    *) echo "startup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/fogbridge-startup-XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=ports.sh
. "$root/bench/ports.sh"

case "$cds" in
  off) export FOGBRIDGE_CDS=off ;;
  on | fresh) if [ "${FOGBRIDGE_CDS:-on}" = off ]; then unset FOGBRIDGE_CDS; fi ;; # keeps FOGBRIDGE_CDS=dynamic|aot
  *) echo "startup.sh: --cds on|off|fresh" >&2; exit 2 ;;
esac
# Build (first use) outside the timed runs.
"$root/bin/fogbridge" version >/dev/null
if [ "$cds" = fresh ]; then rm -rf "$root/fogbridge-gateway/target/cds"; fi

echo "startup: $runs runs, cds=$cds, data=${data:-fresh per run}, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for i in $(seq 1 "$runs"); do
  dir=${data:-$work/data}
  if [ -z "$data" ] && { [ -z "$keep" ] || [ "$i" -eq 1 ]; }; then rm -rf "$work/data"; fi
  http=$(free_port)
  {
    echo "gateway: {id: startup-bench, dataDir: $dir}"
    echo "mqtt: {listeners: [{host: 127.0.0.1, port: 0}]}"
    echo "kafka: {bootstrapServers: \"127.0.0.1:9\"}"
    echo "spool: {maxBytes: 2GiB}"
    echo "http: {host: 127.0.0.1, port: $http}"
    if [ -n "$registry" ]; then echo "devices: {registry: $registry}"; fi
  } >"$work/gw.yaml"
  start=$(date +%s%N)
  "$root/bin/fogbridge" run --config "$work/gw.yaml" >"$work/out.txt" 2>"$work/err.txt" &
  pid=$!
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$http/readyz"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "startup: the gateway exited before it was ready; its log:" >&2
      cat "$work/err.txt" >&2
      exit 1
    fi
    sleep 0.01
  done
  ready=$((($(date +%s%N) - start) / 1000000))
  kill "$pid"
  wait "$pid" || true
  pid=""
  times+=("$ready")
  breakdown=$(sed -n 's/.*started \([0-9]* ms after the JVM\); ms since the JVM started: /\1: /p' "$work/err.txt")
  echo "run $i: ready after $ready ms ($breakdown); load $(cut -d' ' -f1 /proc/loadavg)"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
if [ $((n % 2)) -eq 1 ]; then
  median=${sorted[$((n / 2))]}
else
  median=$(((sorted[n / 2 - 1] + sorted[n / 2]) / 2))
fi
echo "startup: cds=$cds runs=$n median ${median} ms, min ${sorted[0]} ms, max ${sorted[$((n - 1))]} ms;" \
  "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
