#!/usr/bin/env bash
# Decision 0002's probe: the resident memory of the embedded broker alone, HiveMQ CE against Moquette, with the
# gateway's JVM options (bin/jvm/) and the same clients. For each broker and run: the broker in its own JVM on its
# own class path (pom.xml beside this file), FootprintClients in another; the broker's VmRSS/RssAnon/RssFile (MB) every
# 10 s, then, with the clients still connected, its loaded classes and its live heap after a full collection.
#   docs/decisions/0002-broker-footprint/probe.sh [--clients 1000] [--rate 1000] [--seconds 60] [--runs 2]
#                                                 [--brokers hivemq,moquette] [--nmt DIR]
# --nmt DIR: native memory tracking on, each broker's summary written to DIR (taken with the clients connected).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../.." && pwd)
here="$root/docs/decisions/0002-broker-footprint"
clients=1000 rate=1000 seconds=60 runs=2 brokers=hivemq,moquette nmt="" nmt_dir=""
while [ $# -gt 0 ]; do
  case $1 in
    --clients) clients=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --brokers) brokers=$2; shift 2 ;;
    --nmt) nmt="-XX:NativeMemoryTracking=summary"; nmt_dir=$2; mkdir -p "$nmt_dir"; shift 2 ;;
    *) echo "probe.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
work=$(mktemp -d /tmp/broker-footprint.XXXXXX)
trap 'pkill -f -- "-Dprobe.work=$work" 2>/dev/null || true; rm -rf "$work"' EXIT

for profile in hivemq moquette clients; do
  (cd "$root" && ./mvnw -B -q -f "$here/pom.xml" dependency:build-classpath -P "$profile" -DincludeScope=runtime \
    -Dmdep.outputFile="$work/cp-$profile.txt") >&2
done
mkdir -p "$work/hivemq" "$work/moquette" "$work/clients"
"$JAVA_HOME/bin/javac" -d "$work/hivemq" -cp "$(cat "$work/cp-hivemq.txt")" "$here/HiveMqFootprint.java"
"$JAVA_HOME/bin/javac" -d "$work/moquette" -cp "$(cat "$work/cp-moquette.txt")" "$here/MoquetteFootprint.java"
"$JAVA_HOME/bin/javac" -d "$work/clients" -cp "$(cat "$work/cp-clients.txt")" "$here/FootprintClients.java"

# The launcher's options, as `bin/fogbridge run` passes them on this JDK (Java reads argument files itself).
feature=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
opts=("@$root/bin/jvm/gateway.options")
[ "$feature" -ge 22 ] && opts+=("@$root/bin/jvm/gateway-jdk22.options")
[ "$feature" -ge 25 ] && opts+=("@$root/bin/jvm/gateway-jdk25.options")
echo "# $(date -u +%FT%TZ) JDK $feature, $clients clients, $rate msg/s, ${seconds}s; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# broker JVM options: ${opts[*]} $nmt"

port=$((21000 + RANDOM % 2000))
for run in $(seq 1 "$runs"); do
  for broker in ${brokers//,/ }; do
    main=HiveMqFootprint; [ "$broker" = moquette ] && main=MoquetteFootprint
    rm -rf "$work/data"; mkdir -p "$work/data"
    "$JAVA_HOME/bin/java" "${opts[@]}" $nmt -Dprobe.work="$work" -Dlogback.configurationFile="$here/logback.xml" \
      -cp "$work/$broker:$(cat "$work/cp-$broker.txt")" "$main" "$port" "$work/data" > "$work/broker.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do grep -qs '^ready' "$work/broker.out" && break; sleep 0.1; done
    grep -q '^ready' "$work/broker.out" || { echo "$broker did not start:"; cat "$work/broker.out"; exit 1; }
    "$JAVA_HOME/bin/java" -Xmx512m -Dprobe.work="$work" -Dlogback.configurationFile="$here/logback.xml" \
      -cp "$work/clients:$(cat "$work/cp-clients.txt")" FootprintClients "$port" "$clients" "$rate" "$((seconds + 20))" \
      > "$work/clients.out" 2>&1 &
    cpid=$!
    samples=""
    for _ in $(seq 1 $((seconds / 10))); do
      sleep 10
      samples="$samples $(awk '/VmRSS|RssAnon|RssFile/{printf "%d/", $2/1024}' "/proc/$pid/status")"
    done
    # While the clients are still connected (they run 20 s longer than the samples).
    classes=$("$JAVA_HOME/bin/jcmd" "$pid" PerfCounter.print | awk -F= '/java.cls.loadedClasses=/{l=$2} /java.cls.sharedLoadedClasses=/{s=$2} END{print l " loaded (" s " from the CDS archive)"}')
    live=$("$JAVA_HOME/bin/jcmd" "$pid" GC.class_histogram | awk '/^Total/{printf "%.1f MB", $3/1048576}')
    [ -n "$nmt" ] && "$JAVA_HOME/bin/jcmd" "$pid" VM.native_memory summary > "$nmt_dir/$broker-$clients-$run.nmt"
    wait "$cpid" || { echo "$broker: the clients failed:"; cat "$work/clients.out"; kill "$pid"; exit 1; }
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$broker run $run: RSS/10s:$samples classes $classes, live heap $live; $(tail -1 "$work/clients.out")"
  done
done
