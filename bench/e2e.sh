#!/usr/bin/env bash
# End-to-end benchmark: MQTT QoS 1 -> gateway -> Kafka, each part its own process, then the Kafka producer
# ceiling (ProducerPerformance) on the same broker, then (Kafka stopped) the MQTT ceiling: the same load generator
# against the embedded HiveMQ CE alone ("bare") and with the gateway's interceptor and an instant-ack uplink
# ("instant-ack"). See BENCHMARKS.md ("End-to-end") and the E2eBench javadoc for every option.
#   bench/e2e.sh --scenario 1                          100 clients x 200 B, as fast as possible, fsync group
#   bench/e2e.sh --scenario all --duration 30 --json e2e.json
#   bench/e2e.sh --scenario sweep --rates 1000,5000,10000 --plot latency.png
#   bench/e2e.sh --scenario custom --clients 10 --rate 0 --window 4 --fsync interval:5
#   --ceiling-s N       Kafka ceiling seconds (0 = none; default 20)
#   --mqtt-ceiling-s N  MQTT ceiling seconds measured per variant after --warmup, once per distinct (clients, window)
#                       of the as-fast-as-possible runs (0 = none; default 15 with scenarios 1 or 2, else 0). The
#                       summary then prints gateway / MQTT ceiling (bare, instant-ack) beside gateway / Kafka ceiling,
#                       and "bound if the gateway were free": cores x 1e6 / (us of CPU per message of Kafka + load
#                       generator + consumer in that run).
#   Smoke sizes (a few seconds; figures meaningless, only "nothing lost" counts): a fixed count, as bench/smoke.sh
#   and CI run it, or any scenario cut short:
#   bench/e2e.sh --scenario custom --clients 2 --messages 500 --window 2 --warmup 0 --ceiling-s 0
#   bench/e2e.sh --scenario 3 --duration 2 --warmup 0 --ceiling-s 0
# Exits 1 when a run failed or lost (or reordered) an acknowledged message. Builds the bench module and the
# modules it needs through the reactor on first use (bench/build.sh; the gateway distribution it starts is
# fogbridge-gateway/target, which that build packages). FOGBRIDGE_REBUILD=1 rebuilds; BENCH_JAVA_OPTS are options
# of the coordinating JVM.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../bin/find-jdk.sh
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
# shellcheck source=build.sh
. "$root/bench/build.sh"
bench_build "$root"
dist="$root/fogbridge-gateway/target"
cd "$root"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=e2e-logback.xml \
  -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")" \
  io.fogbridge.bench.e2e.E2eBench --gateway-dist "$dist" "$@"
