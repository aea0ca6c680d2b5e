package io.fogbridge.operator.model;

import java.nio.file.Path;

/**
 * Where the gateway pod finds its files: the rendered config, the spool volume, the mounted Secrets. The renderer
 * writes these paths into gateway.yaml and the StatefulSet mounts the volumes there, so both come from one place. A
 * test renders under a temporary root to run the real gateway on the result.
 */
public record PodPaths(Path root) {

    public static final String CONFIG_FILE = "gateway.yaml";

    public static PodPaths inPod() {
        return new PodPaths(Path.of("/"));
    }

    public Path configDir() {
        return root.resolve("etc/fogbridge/config");
    }

    public Path dataDir() {
        return root.resolve("var/lib/fogbridge");
    }

    /** The Secret of {@code kafka.tls}: {@code ca.crt}, {@code tls.crt}, {@code tls.key}. */
    public Path kafkaTlsDir() {
        return root.resolve("etc/fogbridge/kafka-tls");
    }

    /** The Secret of {@code kafka.scram}: {@code password}. */
    public Path kafkaScramDir() {
        return root.resolve("etc/fogbridge/kafka-scram");
    }

    /** The Secret of the MQTT listener on {@code port}: {@code tls.crt}, {@code tls.key}, {@code ca.crt}. */
    public Path listenerTlsDir(int port) {
        return root.resolve("etc/fogbridge/listeners/" + port);
    }

    /** The Gateway's devices Secret ({@link DeviceSet}): {@code registry.yaml}, {@code psk.keys}. */
    public Path devicesDir() {
        return root.resolve("etc/fogbridge/devices");
    }

    /** A writable directory on a read-only root file system (the JVM's and the broker's temporary files). */
    public Path tmpDir() {
        return root.resolve("tmp");
    }
}
