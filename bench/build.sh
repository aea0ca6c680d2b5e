#!/usr/bin/env bash
# Sourced by the bench scripts (not run on its own): bench_build ROOT builds the bench module and, through the
# reactor (-am), every module it needs, so a fresh clone needs nothing installed in ~/.m2. It builds only when
# bench/target has no jar or class path yet, or a pom.xml or a main source is newer than them; so a run right
# after `./mvnw verify` (CI, bench/smoke.sh) reuses what verify built. FOGBRIDGE_REBUILD=1 always builds.
# Maven reads extra options from MAVEN_ARGS (e.g. MAVEN_ARGS=-o offline).
bench_build() {
  local root=$1
  local stamp="$root/bench/target/classpath.txt" jar="$root/bench/target/bench-0.1.0-SNAPSHOT.jar"
  if [ -z "${FOGBRIDGE_REBUILD:-}" ] && [ -f "$stamp" ] && [ -f "$jar" ] && [ -d "$root/fogbridge-gateway/target/lib" ]; then
    local newer
    newer=$(cd "$root" && find . \( -name .git -o -name target -o -name node_modules \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$stamp" -print -quit)
    [ -z "$newer" ] && return 0
    echo "bench: $newer is newer than bench/target; rebuilding" >&2
  fi
  echo "bench: building the bench module and the modules it needs (-am; a few minutes the first time) ..." >&2
  (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests) >&2
  touch "$stamp"   # the jar plugin leaves an unchanged jar alone; the stamp records that this build is current
}
