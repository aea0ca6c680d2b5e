package io.fogbridge.gateway.fault;

import java.nio.file.Path;

/** The config file of a gateway under test: embedded broker and ops endpoint on loopback, default spool policy. */
public final class GatewayYaml {

    private GatewayYaml() {}

    /** Ports may be 0 (any free one). */
    public static String of(String gatewayId, Path dataDir, int mqttPort, int httpPort, String bootstrapServers) {
        return String.join(
                "\n",
                "gateway: {id: " + gatewayId + ", dataDir: \"" + dataDir.toAbsolutePath()
                        + "\", labels: {site: fault-it}}",
                "mqtt:",
                "  listeners: [{host: 127.0.0.1, port: " + mqttPort + "}]",
                "kafka: {bootstrapServers: \"" + bootstrapServers + "\"}",
                // group: every PUBACK waits for an fsync, the guarantee the tests hold the gateway to.
                "spool: {maxBytes: 256MiB, fsync: group, whenFull: block, segmentBytes: 1MiB}",
                "http: {host: 127.0.0.1, port: " + httpPort + "}",
                "");
    }
}
