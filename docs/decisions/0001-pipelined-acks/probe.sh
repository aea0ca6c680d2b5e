#!/usr/bin/env bash
# Decision 0001's prototype (AckPipelineProbe.java beside this file): one MQTT connection, QoS 1, W in flight, into
# mosquitto, embedded HiveMQ CE with today's spooling interceptor, and a Netty codec-mqtt listener with pipelined
# durable PUBACKs, in one run. Uses the bench module's class path (built by bench/build.sh) plus netty-codec-mqtt.
#   docs/decisions/0001-pipelined-acks/probe.sh --fsync group --window 32 --seconds 10
#   docs/decisions/0001-pipelined-acks/probe.sh --targets mosquitto,netty-spool --fsync interval:5
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../../.." && pwd)
. "$root/bin/find-jdk.sh"
fogbridge_find_jdk || exit 1
. "$root/bench/build.sh"
bench_build "$root"
mqtt_codec="$HOME/.m2/repository/io/netty/netty-codec-mqtt/4.1.128.Final/netty-codec-mqtt-4.1.128.Final.jar"
[ -f "$mqtt_codec" ] || (cd "$root" && ./mvnw -B -q dependency:get -Dartifact=io.netty:netty-codec-mqtt:4.1.128.Final -Dtransitive=false)
exec "$JAVA_HOME/bin/java" ${PROBE_JAVA_OPTS:-} -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlogback.configurationFile=e2e-logback.xml \
  -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt"):$mqtt_codec" \
  "$root/docs/decisions/0001-pipelined-acks/AckPipelineProbe.java" "$@"
