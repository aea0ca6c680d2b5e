package io.fogbridge.bench.e2e;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.fogbridge.mqtt.EmbeddedBrokerOptions;
import io.fogbridge.mqtt.EmbeddedMqttBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT ceiling's broker, run as its own process by {@link MqttCeiling}: the embedded HiveMQ CE the gateway runs,
 * with the gateway's broker settings (one plain loopback listener, in-memory persistence, usage statistics off, the
 * default 256 KiB payload limit and 10 s ack timeout), in one of two {@link Variant}s:
 *
 * <ul>
 *   <li>{@code bare}: HiveMQ with an allow-all authenticator and no interceptor, what the MQTT layer costs alone
 *       (HiveMQ refuses every client while no extension authenticates, hence the authenticator);
 *   <li>{@code instant-ack}: fogbridge-mqtt's {@link EmbeddedMqttBroker} exactly as the gateway builds it (its
 *       authenticator, topic ACL, metrics and {@code UplinkPublishInterceptor} holding each QoS 1 PUBACK until the
 *       uplink answers), started with an {@link InstantAckUplink}: everything the gateway does per publish except
 *       the pipeline, the spool, the fsync and Kafka.
 * </ul>
 *
 * <p>Stdout: {@code READY <port>} once it listens. It runs until SIGTERM or until its stdin closes (the benchmark
 * died), so it never outlives the benchmark.
 */
public final class MqttCeilingBroker {

    /** How much of the gateway's MQTT path the broker runs. */
    enum Variant {
        BARE("bare"),
        INSTANT_ACK("instant-ack");

        private final String id;

        Variant(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }

        static Variant of(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown variant '" + id + "' (bare, instant-ack)");
        }
    }

    private MqttCeilingBroker() {}

    public static void main(String[] args) throws Exception {
        CliArgs a = new CliArgs(args, Set.of());
        Variant variant = Variant.of(a.string("variant", Variant.INSTANT_ACK.id()));
        Path workDir = Path.of(a.string("work-dir", "mqtt-ceiling-broker")).toAbsolutePath();
        a.checkAllUsed();
        Files.createDirectories(workDir);
        int port;
        AutoCloseable broker;
        if (variant == Variant.BARE) {
            port = E2eBench.freePort();
            broker = startBare(workDir, port);
        } else {
            EmbeddedMqttBroker embedded = new EmbeddedMqttBroker(
                    EmbeddedBrokerOptions.builder(workDir)
                            .listener("127.0.0.1", 0)
                            .allowAnonymous(true)
                            .build(),
                    // the gateway's registry type: the interceptor's meters cost what they cost there
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            InstantAckUplink uplink = new InstantAckUplink();
            embedded.start(uplink);
            port = embedded.port();
            broker = () -> {
                embedded.close();
                uplink.close();
            };
        }
        System.out.println("READY " + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // the benchmark never writes; EOF means it is gone
        }
        broker.close();
        System.exit(0);
    }

    private static AutoCloseable startBare(Path workDir, int port) throws Exception {
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), bareConfigXml(port));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(workDir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(workDir.resolve("extensions")))
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("allow-all")
                        .withName("MQTT ceiling: allow all")
                        .withVersion("1")
                        .withExtensionMain(new AllowAll())
                        .build())
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        return hivemq;
    }

    /**
     * What fogbridge-mqtt's {@code BrokerWorkDir} writes for one plain listener (it is package-private there, and the
     * bare variant must not load our extension): max packet size = 256 KiB payload limit + 64 KiB header room,
     * in-memory persistence, usage statistics off.
     */
    static String bareConfigXml(int port) {
        int maxPacketSize = EmbeddedBrokerOptions.DEFAULT_MAX_PAYLOAD_BYTES + 64 * 1024;
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address><name>ceiling</name></tcp-listener>
                  </listeners>
                  <mqtt><packets><max-packet-size>%d</max-packet-size></packets></mqtt>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, maxPacketSize);
    }

    /** The bare variant's only extension: lets every client in and does nothing else. */
    private static final class AllowAll implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            SimpleAuthenticator allow = (auth, answer) -> answer.authenticateSuccessfully();
            Services.securityRegistry().setAuthenticatorProvider(provider -> allow);
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
    }
}
