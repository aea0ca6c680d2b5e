#!/usr/bin/env bash
# Spool benchmark (see BENCHMARKS.md, "Spool").
#   bench/spool-bench.sh [dir] [seconds per scenario] [all|append|replay]   plain harness (SpoolBench)
#   bench/spool-bench.sh jmh [extra JMH args]                               JMH spool benchmarks (append, replay)
# Builds the bench module and the modules it needs through the reactor (nothing has to be installed first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${1:-}" = "jmh" ]; then
  shift
  exec bench/jmh.sh 'io\.fogbridge\.bench\.Spool(Append|Replay)Benchmark' "$@"
fi
./mvnw -q -B -pl bench -am package -DskipTests
. bin/find-jdk.sh && fogbridge_find_jdk
cp="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
exec "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC -cp "$cp" \
  io.fogbridge.bench.SpoolBench "${1:-bench/target/spool-bench}" "${2:-3}" "${3:-all}"
