#!/usr/bin/env bash
# JMH micro-benchmarks of the bench module (see BENCHMARKS.md, "Micro-benchmarks (JMH)").
#   bench/jmh.sh [regex] [extra JMH args]
#     regex     which benchmarks (JMH include pattern, e.g. RouteMatch or 'SpoolAppend.*inFlight'); default or '': all
#     JMH args  passed on, e.g. -p fsync=group, -wi 1 -i 3, -rf json -rff bench/target/jmh.json
# Iterations come from each class's annotations (3 x 2 s warm-up, 5 x 2 s measured, 1 fork); JMH's flags override
# them. Smoke size (bench/smoke.sh, CI; about a second per benchmark and parameter set, in this JVM):
#   bench/jmh.sh RouteMatch -f 0 -wi 0 -i 1 -r 200ms -foe true
# Builds the bench module and the modules it needs through the reactor on first use (bench/build.sh; nothing has to
# be installed first); FOGBRIDGE_REBUILD=1 rebuilds.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
regex="${1:-}"
shift || true
. bin/find-jdk.sh && fogbridge_find_jdk
# shellcheck source=build.sh
. bench/build.sh
bench_build "$root"
cp="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
# The forked benchmark JVMs get the same classpath (JMH would otherwise rebuild it from this JVM's).
args=(-jvmArgsAppend "-cp $cp")
if [ -n "$regex" ]; then
  args=("$regex" "${args[@]}")
fi
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main "${args[@]}" "$@"
