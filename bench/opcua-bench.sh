#!/usr/bin/env bash
# OPC UA benchmark (BENCHMARKS.md, "OPC UA"; the class is io.fogbridge.bench.e2e.OpcUaBench): the gateway subscribed
# to an OPC UA server in its own process (Eclipse Milo's server SDK, io.fogbridge.bench.e2e.MiloLoadServer; with
# --server node: node-opcua, fogbridge-opcua/src/test/node/opcua_load.js) into Kafka, against the bare Milo client on
# the same server in the same run; then server restarts, each timed from the server listening again to its first
# notification readable in Kafka.
#   bench/opcua-bench.sh            smoke: 400 items at 200 ms (2,000 notifications/s), 10 s warm-up, 15 s, 3 restarts
#   bench/opcua-bench.sh --full     2,000 items at 200 ms = 10,000 notifications/s, 60 s measured, 10 restarts
# Further options go to OpcUaBench (--items, --interval-ms, --warmup, --seconds, --restarts, --down-seconds,
# --work-dir, --gateway-opts, --kafka-opts, --server milo|node). --server node needs node and node-opcua (npm ci in
# fogbridge-opcua/src/test/node, as .ci/run does). Builds the bench module offline first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
size=(--items 400 --warmup 10 --seconds 15 --restarts 3)
if [ "${1:-}" = "--full" ]; then
  shift
  size=(--items 2000 --warmup 20 --seconds 60 --restarts 10)
fi
case " $* " in
  *" node "*)
    [ -d fogbridge-opcua/src/test/node/node_modules/node-opcua ] ||
      (cd fogbridge-opcua/src/test/node && npm ci --no-audit --no-fund --loglevel=error) ;;
esac
./mvnw -q -B -o -pl bench -am package -DskipTests
. bin/find-jdk.sh && fogbridge_find_jdk
exec "$JAVA_HOME/bin/java" -Xmx256m -Dlogback.configurationFile=e2e-logback.xml -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
  io.fogbridge.bench.e2e.OpcUaBench "${size[@]}" "$@"
