#!/usr/bin/env bash
# The CPU references of issue 16 at a fixed rate, for "CPU per message" beside the gateway's (BENCHMARKS.md,
# "Performance II"): the two best single-purpose tools doing the gateway's two jobs at the same rate.
#   1. mosquitto ingesting the load: the e2e load generator (LoadGenerator: N HiveMQ clients, QoS 1, fixed rate,
#      200 B) into a mosquitto with no subscriber; mosquitto's CPU per message.
#   2. Kafka's own ProducerPerformance (kafka-tools) at the same rate, acks=all, idempotent, client defaults
#      otherwise, into the project's in-process KRaft broker (io.fogbridge.localkafka.KafkaBroker, its own
#      process); the producer process's CPU per message.
# CPU comes from /proc/<pid>/task/*/stat (bench/proc-watch.sh) over WINDOW s after WARMUP s, divided by
# rate x WINDOW (the rate is fixed; the load generator's and ProducerPerformance's achieved rates are printed).
# The defaults are the gateway's own window in BENCHMARKS.md (50 s after 20 s), so both sides are measured once
# settled: a fresh ProducerPerformance JVM costs markedly more per message in its first half minute (BENCHMARKS.md,
# "Session 23"). Before session 23 the defaults were 10 and 15.
#   bench/cpu-reference.sh RATE [CLIENTS=100] [WARMUP=20] [WINDOW=50]
set -euo pipefail
rate=$1 clients=${2:-100} warmup=${3:-20} window=${4:-50}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../bin/find-jdk.sh
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
# shellcheck source=build.sh
. "$root/bench/build.sh"
bench_build "$root"
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
work=$(mktemp -d /tmp/cpu-reference.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=ports.sh
. "$root/bench/ports.sh"
duration=$((warmup + window + 3))
echo "cpu-reference: rate $rate msg/s, $clients clients, warm-up $warmup s, window $window s; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. mosquitto
mport=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mport" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
mpid=$!; pids+=("$mpid")
wait_port "$mport"
(
  sleep "$warmup"
  read -r a < <(awk '{print $14+$15}' "/proc/$mpid/stat")
  sleep "$window"
  read -r b < <(awk '{print $14+$15}' "/proc/$mpid/stat")
  awk -v t=$((b - a)) -v r="$rate" -v w="$window" \
    'BEGIN { printf "mosquitto: %d ticks in %d s = %.1f%% of one core = %.1f us per message\n", t, w, t / w, t * 1e4 / (r * w) }'
) > "$work/mosquitto.cpu" &
sampler=$!
"$JAVA_HOME/bin/java" -Xmx512m -cp "$cp" io.fogbridge.bench.e2e.LoadGenerator --port "$mport" --clients "$clients" \
  --rate "$rate" --duration-ms $((duration * 1000)) --warmup-ms $((warmup * 1000)) > "$work/loadgen.out" 2>&1 || true
wait "$sampler" || true
cat "$work/mosquitto.cpu"
grep -o '"measuredRate"[^,]*' "$work/loadgen.out" | head -1 | sed 's/^/  load generator: /' || true
kill "$mpid" 2>/dev/null || true

# 2. ProducerPerformance
kport=$(free_port)
"$JAVA_HOME/bin/java" -Xmx1g -cp "$cp" io.fogbridge.localkafka.KafkaBroker "$work/kafka" "$kport" > "$work/kafka.log" 2>&1 &
pids+=("$!")
wait_port "$kport"
sleep 2
"$JAVA_HOME/bin/java" -cp "$cp" org.apache.kafka.tools.ProducerPerformance --topic "perf-ref" \
  --num-records $((rate * duration)) --record-size 200 --throughput "$rate" \
  --producer-props "bootstrap.servers=127.0.0.1:$kport" acks=all enable.idempotence=true > "$work/pp.out" 2>&1 &
pp=$!; pids+=("$pp")
sleep "$warmup"
a=$(awk '{print $14+$15}' "/proc/$pp/stat")
sleep "$window"
b=$(awk '{print $14+$15}' "/proc/$pp/stat")
awk -v t=$((b - a)) -v r="$rate" -v w="$window" \
  'BEGIN { printf "ProducerPerformance: %d ticks in %d s = %.1f%% of one core = %.1f us per message\n", t, w, t / w, t * 1e4 / (r * w) }'
wait "$pp" || true
tail -1 "$work/pp.out" | sed 's/^/  ProducerPerformance: /'
echo "cpu-reference: done $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
