#!/usr/bin/env bash
# Decision 0002: Eclipse Paho's interoperability suite (../shared/peers/paho-mqtt-testing, MQTT 3.1.1 and 5) against
# each bare broker of probe.sh (HiveMqFootprint, MoquetteFootprint), to see what each passes before the gateway's
# relay and extension are in front of it. Prints each suite's summary and the failing tests' names.
#   docs/decisions/0002-broker-footprint/paho.sh [hivemq,moquette]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../.." && pwd)
here="$root/docs/decisions/0002-broker-footprint"
paho="$root/../shared/peers/paho-mqtt-testing/run.sh"
[ -x "$paho" ] || [ -f "$paho" ] || { echo "paho.sh: no Paho suite at $paho" >&2; exit 1; }
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
work=$(mktemp -d /tmp/broker-paho.XXXXXX)
trap 'pkill -f -- "-Dprobe.work=$work" 2>/dev/null || true; rm -rf "$work"' EXIT
brokers=${1:-hivemq,moquette}
for broker in ${brokers//,/ }; do
  (cd "$root" && ./mvnw -B -q -f "$here/pom.xml" dependency:build-classpath -P "$broker" -DincludeScope=runtime \
    -Dmdep.outputFile="$work/cp-$broker.txt") >&2
  main=HiveMqFootprint; [ "$broker" = moquette ] && main=MoquetteFootprint
  mkdir -p "$work/$broker" "$work/data-$broker"
  "$JAVA_HOME/bin/javac" -d "$work/$broker" -cp "$(cat "$work/cp-$broker.txt")" "$here/$main.java"
  port=$((23000 + RANDOM % 2000))
  "$JAVA_HOME/bin/java" -Dprobe.work="$work" -Dlogback.configurationFile="$here/logback.xml" \
    -cp "$work/$broker:$(cat "$work/cp-$broker.txt")" "$main" "$port" "$work/data-$broker" > "$work/$broker.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -qs '^ready' "$work/$broker.out" && break; sleep 0.1; done
  grep -q '^ready' "$work/$broker.out" || { echo "$broker did not start:"; cat "$work/$broker.out"; exit 1; }
  for v in 3 5; do
    # The suite's own failures are what this reports, so its exit status is not this script's.
    out=$(timeout 600 bash "$paho" "$port" "$v" 2>&1 || true)
    echo "$broker MQTT $v: $(echo "$out" | grep -E '^Ran |^OK|^FAILED' | tr '\n' ' ')"
    echo "$out" | grep -E '^(FAIL|ERROR): |^[A-Za-z.]*(Error|Exception)(: |$)' | sed 's/^/    /' || true
    kill -0 "$pid" 2>/dev/null || { echo "$broker died during the MQTT $v suite:"; cat "$work/$broker.out"; exit 1; }
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
