#!/usr/bin/env bash
# Modbus benchmark (BENCHMARKS.md, "Modbus"; the class is io.fogbridge.bench.e2e.ModbusBench): the gateway polling
# Modbus devices (digitalpetri's Java server on many ports, in its own process) into Kafka, against the bare
# client -> server ceiling on the same servers in the same run, then the read planner's effect.
#   bench/modbus-bench.sh            smoke: 100 devices at 10 Hz (1,000 reads/s), 10 s warm-up, 15 s measured
#   bench/modbus-bench.sh --full     1,000 devices at 10 Hz, 10 registers each = 10,000 reads/s, 60 s measured
# Further options go to ModbusBench (--devices, --units, --registers, --interval-ms, --warmup, --seconds,
# --work-dir, --gateway-opts, --kafka-opts). Builds the bench module offline first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
size=(--devices 100 --warmup 10 --seconds 15)
if [ "${1:-}" = "--full" ]; then
  shift
  size=(--devices 1000 --warmup 20 --seconds 60)
fi
./mvnw -q -B -o -pl bench -am package -DskipTests
. bin/find-jdk.sh && fogbridge_find_jdk
exec "$JAVA_HOME/bin/java" -Xmx256m -Dlogback.configurationFile=e2e-logback.xml -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
  io.fogbridge.bench.e2e.ModbusBench "${size[@]}" "$@"
