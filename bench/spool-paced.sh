#!/usr/bin/env bash
# The spool alone at a fixed moderate rate, appenders each waiting for their own acknowledgement (as MQTT
# connections do), with and without the adaptive group-commit hold, alternating in one JVM: CPU per append, fsyncs
# per append, ack latency. See the SpoolPacedBench javadoc and BENCHMARKS.md ("Performance II").
#   bench/spool-paced.sh [rate=1000] [clients=100] [seconds=10] [rounds=3] [delays-ms=0,2]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. bin/find-jdk.sh && fogbridge_find_jdk
. bench/build.sh
bench_build "$root"
cp="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
exec "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseSerialGC -cp "$cp" io.fogbridge.bench.SpoolPacedBench "$@"
