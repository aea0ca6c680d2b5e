#!/usr/bin/env bash
# Records into the uplink with each reduction against none, for a slowly varying signal (see BENCHMARKS.md,
# "Reduction"; the class is io.fogbridge.bench.ReductionRatio). Builds the bench module offline first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -o -pl bench -am package -DskipTests
. bin/find-jdk.sh && fogbridge_find_jdk
exec "$JAVA_HOME/bin/java" -Xmx256m -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
  io.fogbridge.bench.ReductionRatio "$@"
