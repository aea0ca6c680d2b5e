#!/usr/bin/env bash
# Issue 16's first target in one run: ONE connection, QoS 1, WINDOW (32) in flight, as fast as it goes, 200 B.
#   1. mosquitto alone (the reference): the e2e load generator into mosquitto (max_inflight_messages 0);
#   2. the gateway with devices.pipelinedAcks off (devices on the broker directly): bench/e2e.sh, real Kafka,
#      verifying consumer;
#   3. the gateway with devices.pipelinedAcks on (decision 0001's relay, the default since 2026-12-05),
#      the same command;
#   4. mosquitto again, so a drift of the machine's load between 1 and 4 shows;
#   5. the same target in the second harness style (OneProcessWindow: publisher threads holding a window of permits,
#      the verifying consumer in the same JVM): mosquitto, the gateway, mosquitto.
# Exits 1 when a gateway run lost an acknowledged message (or failed).
# Each line starts with the load average: on a shared machine compare a gateway run with the mosquitto runs
# around it. The e2e JSON results go to OUT (default /tmp/one-connection-<time>).
#   bench/one-connection.sh [FSYNC=group] [DURATION=15] [WARMUP=5] [WINDOW=32]
set -euo pipefail
fsync=${1:-group} duration=${2:-15} warmup=${3:-5} window=${4:-32}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../bin/find-jdk.sh
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
# shellcheck source=build.sh
. "$root/bench/build.sh"
bench_build "$root"
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
out=${OUT:-/tmp/one-connection-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
work=$(mktemp -d /tmp/one-connection.XXXXXX)
mpid=
cleanup() { [ -n "$mpid" ] && kill "$mpid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
# shellcheck source=ports.sh
. "$root/bench/ports.sh"

mosquitto_run() { # $1: label
  local port
  port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 0\n' "$port" \
    > "$work/mosquitto.conf"
  mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
  mpid=$!
  wait_port "$port"
  echo "[load $(load)] $1: mosquitto alone, 1 connection, window $window, ${duration} s after ${warmup} s"
  "$JAVA_HOME/bin/java" -Xmx512m -cp "$cp" io.fogbridge.bench.e2e.LoadGenerator --port "$port" --clients 1 \
    --window "$window" --rate 0 --duration-ms $(((duration + warmup) * 1000)) --warmup-ms $((warmup * 1000)) \
    > "$out/$1.out" 2>&1 || true
  grep -o '"measuredRate":[0-9.]*' "$out/$1.out" | head -1 | sed "s/^/  $1: /" || echo "  $1: no result (see $out/$1.out)"
  kill "$mpid" 2>/dev/null || true
  wait "$mpid" 2>/dev/null || true
  mpid=
}

failed=()
gateway_run() { # $1: label, $2: true/false
  echo "[load $(load)] $1: gateway, devices.pipelinedAcks=$2, fsync $fsync"
  if ! FOGBRIDGE_DEVICES_PIPELINEDACKS=$2 "$root/bench/e2e.sh" --scenario custom --name "$1" --clients 1 \
    --window "$window" --rate 0 --fsync "$fsync" --duration "$duration" --warmup "$warmup" --ceiling-s 0 \
    --mqtt-ceiling-s 0 --json "$out/$1.json" > "$out/$1.out" 2>&1; then
    echo "  $1: e2e.sh failed (see $out/$1.out)"
    failed+=("$1")
  fi
  grep -iE "msg/s|lost|fsync" "$out/$1.out" | head -8 | sed "s/^/  /" || true
}

# The second harness style (OneProcessWindow): publisher threads that wait for a permit of the window, and the
# verifying consumer in the same JVM; mosquitto, the gateway (relay), mosquitto.
window_run() {
  echo "[load $(load)] one-process window harness: mosquitto, gateway, mosquitto"
  if ! (cd "$root" && "$JAVA_HOME/bin/java" -Xmx512m -Dlogback.configurationFile=e2e-logback.xml -cp "$cp" \
    io.fogbridge.bench.e2e.OneProcessWindow --gateway-dist "$root/fogbridge-gateway/target" --clients 1 \
    --window "$window" --fsync "$fsync" --duration "$duration" --warmup "$warmup") \
    > "$out/one-process-window.out" 2>&1; then
    echo "  one-process window harness failed (see $out/one-process-window.out)"
    failed+=(one-process-window)
  fi
  grep -E "^(mosquitto|gateway)" "$out/one-process-window.out" | sed "s/^/  /" || true
}

echo "one-connection: fsync $fsync, window $window; $(date -u +%FT%TZ); $(nproc) cores; results in $out"
mosquitto_run mosquitto-1
gateway_run gateway-acks-serial false
gateway_run gateway-acks-pipelined true
mosquitto_run mosquitto-2
window_run
echo "[load $(load)] done"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "one-connection: FAILED: ${failed[*]}" >&2
  exit 1
fi
