#!/usr/bin/env bash
# Ready time on a spool backlog (BENCHMARKS.md, "Start-up and footprint"): builds a data dir whose spool holds
# <size> of unforwarded records (the spool's own writer, the records the pipeline spools; skipped when the dir
# already has one), then runs bench/startup.sh on it: the gateway must recover the spool before it is ready.
#   bench/spool-backlog.sh [--size 1GiB-in-bytes] [--dir DIR] [startup.sh options, e.g. --runs 10 --cds on]
# Smoke size (bench/smoke.sh, CI): bench/spool-backlog.sh --size 20000000 --runs 1
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
size=$((1 << 30)) dir=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$dir" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/fogbridge-backlog-XXXXXX")
  trap 'rm -rf "$dir"' EXIT
fi
. bin/find-jdk.sh && fogbridge_find_jdk
# shellcheck source=build.sh
. bench/build.sh
bench_build "$root"
if [ ! -d "$dir/spool" ]; then
  # spool.maxBytes 2 GiB as bench/startup.sh's gateway config says, so nothing is dropped to make room
  "$JAVA_HOME/bin/java" -Xmx512m -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
    io.fogbridge.bench.SpoolBacklog "$dir/spool" "$size" $((2 << 30))
fi
du -sh "$dir/spool"
exec bench/startup.sh --data "$dir" "${args[@]}"
