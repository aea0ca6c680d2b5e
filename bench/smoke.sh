#!/usr/bin/env bash
# Runs every benchmark script in bench/ for a few seconds with its smoke size (see each script's header), so the
# documented commands cannot rot from a clean checkout. .ci/run calls it right after `./mvnw -B verify`, whose
# package phase left the artifacts the scripts need (they build only when those are missing or stale; see
# bench/build.sh). It checks only that each script ran to its end and lost nothing: e2e.sh exits 1 when an
# acknowledged message is missing from Kafka, spool-bench.sh when a replayed record does not come back, JMH with
# -foe true when a benchmark throws. It never checks a time: figures from a smoke run mean nothing.
#   bench/smoke.sh [work dir]   (default: a fresh temporary directory, removed at the end)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/fogbridge-bench-smoke-XXXXXX")}
[ -n "${1:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

failed=()
step() {
  local name=$1 log="$work/$1.log" start=$SECONDS
  shift
  echo "bench smoke: $name: $*"
  if "$@" >"$log" 2>&1; then
    echo "bench smoke: $name ok ($((SECONDS - start)) s)"
  else
    echo "bench smoke: $name FAILED ($((SECONDS - start)) s); last lines of its output:" >&2
    tail -n 30 "$log" >&2
    failed+=("$name")
  fi
}

step e2e bench/e2e.sh --scenario custom --clients 2 --messages 500 --window 2 --warmup 0 --ceiling-s 0 \
  --work-dir "$work/e2e"
step spool-bench bench/spool-bench.sh "$work/spool" 0.2 all 20000
# One benchmark of each non-spool class: enough to run its setup and the script's class path; all of them double the time.
step jmh bench/jmh.sh 'RouteMatchBenchmark.decideLastRoute|ForwarderMappingBenchmark.pollAndMap|ReductionBenchmark.window' -f 0 -wi 0 -i 1 -r 200ms -foe true
step spool-jmh bench/spool-bench.sh jmh -f 0 -wi 0 -i 1 -r 200ms -foe true -p fsync=group
step reduction-ratio bench/reduction-ratio.sh --smoke
step startup bench/startup.sh --runs 1
step spool-backlog bench/spool-backlog.sh --size 20000000 --runs 1
step latency-one-process bench/latency-one-process.sh --rate 200 --clients 2 --duration 2 --warmup 1
step one-connection env OUT="$work/one-connection" bench/one-connection.sh group 2 1 4
step cpu-reference bench/cpu-reference.sh 200 2 1 1
step spool-paced bench/spool-paced.sh 200 4 1 1 0,2

if [ "${#failed[@]}" -gt 0 ]; then
  echo "bench smoke: FAILED: ${failed[*]} (logs in $work)" >&2
  trap - EXIT
  exit 1
fi
echo "bench smoke: every benchmark script ran ($SECONDS s)"
