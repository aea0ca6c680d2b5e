#!/usr/bin/env bash
# Issue 16's second latency harness: load generator and verifying consumer in one JVM, latency from each message's
# intended send time (coordinated omission counted), Kafka and the gateway each their own process. See the
# OneProcessLatency javadoc and BENCHMARKS.md ("Performance II").
#   bench/latency-one-process.sh --rate 5000 --clients 100 --duration 30 --warmup 10 --runs 3
#   bench/latency-one-process.sh --gateway-dist /tmp/dist --rate 5000 --runs 3
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../bin/find-jdk.sh
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
# shellcheck source=build.sh
. "$root/bench/build.sh"
bench_build "$root"
cd "$root"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:--Xmx512m} -Dlogback.configurationFile=e2e-logback.xml \
  -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")" \
  io.fogbridge.bench.e2e.OneProcessLatency --gateway-dist "${GATEWAY_DIST:-$root/fogbridge-gateway/target}" "$@"
