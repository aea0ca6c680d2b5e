#!/usr/bin/env bash
# Spool benchmark (see BENCHMARKS.md, "Spool").
#   bench/spool-bench.sh [dir] [seconds per scenario] [all|append|replay|commit] [replay records]
#                                              plain harness (SpoolBench); defaults bench/target/spool-bench 3 all 2000000
#   bench/spool-bench.sh jmh [extra JMH args]  JMH spool benchmarks (append, replay)
# Smoke size (bench/smoke.sh, CI; a few seconds; replay fails unless every record comes back):
#   bench/spool-bench.sh /tmp/spool-smoke 0.2 all 20000
# Builds the bench module and the modules it needs through the reactor on first use (bench/build.sh; nothing has to
# be installed first); FOGBRIDGE_REBUILD=1 rebuilds.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
if [ "${1:-}" = "jmh" ]; then
  shift
  exec bench/jmh.sh 'io\.fogbridge\.bench\.Spool(Append|Replay)Benchmark' "$@"
fi
. bin/find-jdk.sh && fogbridge_find_jdk
# shellcheck source=build.sh
. bench/build.sh
bench_build "$root"
cp="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
exec "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC -cp "$cp" \
  io.fogbridge.bench.SpoolBench "${1:-bench/target/spool-bench}" "${2:-3}" "${3:-all}" "${4:-2000000}"
