#!/usr/bin/env bash
# What one open console page costs the data path (issue 17; BENCHMARKS.md, "With a console page open"): runs an
# end-to-end scenario N times without and N times with a headless Chromium on /console/devices of the benchmark's
# gateway, interleaved, and prints throughput and the gateway's CPU per message of each run.
#   bench/console-cost.sh [--rounds N] [--scenario 1|3] [--duration S] [--page /console/devices]
# Needs Debian's chromium (.ci/run installs it for the browser tests). The ops port is pinned with
# FOGBRIDGE_HTTP_PORT (every key can be set from the environment), so the browser knows where to go.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rounds=3 scenario=1 duration=20 page=/console/devices
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --scenario) scenario=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --page) page=$2; shift 2 ;;
    *) echo "console-cost.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v chromium >/dev/null || { echo "console-cost.sh: chromium not found (apt-get install chromium)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fogbridge-console-cost-XXXXXX")
browser=""
cleanup() {
  if [ -n "$browser" ]; then kill "$browser" 2>/dev/null || true; pkill -f "user-data-dir=$work/profile" || true; fi
}
trap cleanup EXIT
# shellcheck source=ports.sh
. "$root/bench/ports.sh"
port=$(free_port)
export FOGBRIDGE_HTTP_PORT=$port
for i in $(seq 1 "$rounds"); do
  for mode in none page; do
    echo "round $i, $mode: $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$mode" = page ]; then
      (
        for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
        exec chromium --headless=new --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
          --remote-debugging-port=0 "http://127.0.0.1:$port$page" >"$work/chromium.log" 2>&1
      ) &
      browser=$!
    fi
    "$root/bench/e2e.sh" --scenario "$scenario" --duration "$duration" --warmup 5 --ceiling-s 0 --mqtt-ceiling-s 0 \
      >"$work/run-$i-$mode.log" 2>&1 || { echo "run failed: $work/run-$i-$mode.log" >&2; exit 1; }
    if [ "$mode" = page ]; then cleanup; browser=""; fi
    grep -E "^s[0-9].*: gateway [0-9,]+ msg/s|CPU per message|gwCPU" "$work/run-$i-$mode.log" | sed 's/^/  /' || true
    grep -A2 "^run " "$work/run-$i-$mode.log" | tail -1 | sed 's/^/  /'
  done
done
echo "logs: $work"
