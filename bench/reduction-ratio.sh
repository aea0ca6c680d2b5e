#!/usr/bin/env bash
# Records into the uplink with each reduction against none, for a slowly varying signal (see BENCHMARKS.md,
# "Reduction"; the class is io.fogbridge.bench.ReductionRatio).
#   bench/reduction-ratio.sh            the figures (one hour of signal, 100 devices; about half a minute)
#   bench/reduction-ratio.sh --smoke    smoke size (bench/smoke.sh, CI; a few seconds, figures meaningless)
# Builds the bench module and the modules it needs through the reactor on first use (bench/build.sh; nothing has to
# be installed first); FOGBRIDGE_REBUILD=1 rebuilds.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
. bin/find-jdk.sh && fogbridge_find_jdk
# shellcheck source=build.sh
. bench/build.sh
bench_build "$root"
exec "$JAVA_HOME/bin/java" -Xmx256m -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
  io.fogbridge.bench.ReductionRatio "$@"
