#!/usr/bin/env bash
# The operator from cold: N Gateways (default 100) reconciled against fabric8's mock API server (CRUD), then one
# Gateway changed, M times (default 5, a different Gateway each time). Prints time to all reconciled, API requests by
# method and kind, and per change: the CPU time of the changed Gateway's reconciles on the reconciler thread, the CPU
# of the operator's threads in the window (mock server and bench threads left out), the writes to the changed
# Gateway's objects and to the others'; heap and RSS (operator and mock server share the JVM); the load average.
# Figures in BENCHMARKS.md ("Operator").
#   bench/operator-bench.sh [gateways] [changes]
# Devices mode (DeviceBench; BENCHMARKS.md "Devices"): G Gateways with D Devices each reconciled from cold, C single
# Device changes, then S seconds of every Device reporting at 1 Hz through the Kafka twin path; the operator runs in a
# process of its own (JVM options: OPERATOR_JVM, default -XX:MaxRAM=256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError:
# the heap and the collector the JVM picks in a container with the chart's 256 MiB memory limit, which is not a
# "server-class machine"; with -XX:NativeMemoryTracking=summary among them the bench prints the operator's native memory
# by category after the cold start and after the status load). The mock API server is fabric8's, with its objects indexed by name (IndexedCrudDispatcher):
# the stock one scans every stored object for each request and does 4-6 requests/s with 10,000 Devices stored.
#   bench/operator-bench.sh devices [gateways=100] [devices-per-gateway=100] [changes=5] [status-seconds=60]
# What one request costs the mock API server, stock against indexed, with N Devices stored (kinds run in the order given,
# each on a fresh server):
#   bench/operator-bench.sh mockstore [devices=10000] [kinds=stock,indexed,stock,indexed]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. bin/find-jdk.sh
fogbridge_find_jdk
cp_file=fogbridge-operator/target/bench-classpath.txt
# One reactor run: the sibling modules resolve to their target/classes (nothing is installed). Every module writes the
# file; the operator, last in the reactor, writes it last.
./mvnw -B -q -o -pl fogbridge-operator -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file"
cp="fogbridge-operator/target/test-classes:fogbridge-operator/target/classes:$(cat "$cp_file")"
if [ "${1:-}" = mockstore ]; then
  exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" -Dlogback.configurationFile=/dev/null \
    io.fogbridge.operator.bench.MockStoreCost "${2:-10000}" "${3:-stock,indexed,stock,indexed}"
fi
if [ "${1:-}" = devices ]; then
  shift
  # BENCH_MANAGED_FIELDS=true: Devices carry the managedFields a real API server keeps (the mock adds none).
  exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$cp" -Dbench.managedFields="${BENCH_MANAGED_FIELDS:-false}" \
    -Dbench.operatorJvm="${OPERATOR_JVM:--XX:MaxRAM=256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError}" \
    io.fogbridge.operator.bench.DeviceBench "${1:-100}" "${2:-100}" "${3:-5}" "${4:-60}"
fi
"$JAVA_HOME/bin/java" -Xmx512m -cp "fogbridge-operator/target/test-classes:fogbridge-operator/target/classes:$(cat "$cp_file")" \
  -Dlogback.configurationFile=/dev/null io.fogbridge.operator.bench.ColdStartBench "${1:-100}" "${2:-5}"
