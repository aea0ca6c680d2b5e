package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with a device registry file, a password listener, an mTLS listener and a loopback listener for
 * anonymous local services: real HiveMQ clients and mosquitto_pub. Every refusal is checked while a legitimate device
 * on the same broker keeps flowing.
 */
class MqttSecurityIT {

    static final String PASSWORD = "lathe-pw";
    static final String HASH = PasswordHasher.hash(PASSWORD.toCharArray(), 4);

    @TempDir
    static Path dir;

    static final ControllableUplink uplink = new ControllableUplink();
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static SecuredBroker secured;
    static int localPort;
    static Mqtt5AsyncClient legit;

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        start(ThroughDeviceRelay.class.isAssignableFrom(test.getTestClass().orElseThrow()));
    }

    /** Starts the broker; {@code pipelinedAcks}: devices connect through the relay ({@link MqttSecurityRelayIT}). */
    static void start(boolean pipelinedAcks) throws Exception {
        meters.clear(); // the relay variant runs in the same JVM and shares these statics
        uplink.clear();
        secured = new SecuredBroker(dir, pipelinedAcks);
        CertificateFactory.Issued globexCa = CertificateFactory.ca("CN=Globex Devices CA");
        Files.writeString(dir.resolve("clients-ca.pem"), secured.acmeCa().certificatePem() + globexCa.certificatePem());
        secured.serverCa().writeCertificatePem(dir.resolve("server-ca.pem"));
        writeRegistry("");
        secured.start(
                "clients-ca.pem",
                registry -> new MqttSecurity(registry, Map.of()),
                List.of(new ListenerAddress("127.0.0.1", 0)),
                uplink,
                meters);
        localPort = secured.port(2);
        legit = connect5("legit", "lathe-1@acme", PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (secured != null) {
            secured.close();
        }
    }

    @BeforeEach
    void clear() {
        uplink.clear();
    }

    static void writeRegistry(String extraAcmeDevices) throws Exception {
        Files.writeString(secured.registryFile(), """
                tenants:
                  acme:
                    trustedCa: acme-ca.pem
                    devices:
                      lathe-1:
                        credentials:
                          - {type: hashed-password, hash: "%1$s"}
                          - {type: x509-cert, subjectDn: "CN=lathe-1,O=acme"}
                      lathe-2:
                        credentials: [{type: hashed-password, hash: "%1$s"}]
                      off:
                        enabled: false
                        credentials: [{type: hashed-password, hash: "%1$s"}]
                %2$s
                  globex:
                    devices:
                      press-1:
                        credentials: [{type: hashed-password, hash: "%1$s"}]
                """.formatted(HASH, extraAcmeDevices));
    }

    @Test
    void aDeviceWithItsPasswordPublishesAsItself() throws Exception {
        assertThat(publish(legit, "telemetry")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        DeviceRef sender = uplink.next().message().sender();
        assertThat(sender).isEqualTo(new DeviceRef("acme", "lathe-1", "legit"));
    }

    @Test
    void badCredentialsUnknownAndDisabledDevicesAreRefusedWhileOthersFlow() throws Exception {
        assertThat(connAckOf("lathe-1@acme", "wrong")).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertLegitStillFlows();
        assertThat(connAckOf("ghost@acme", PASSWORD)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connAckOf("lathe-1@globex", PASSWORD)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        assertThat(connAckOf("off@acme", PASSWORD)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(connAckOf(null, null)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertLegitStillFlows();
        assertThat(meters.counter("fogbridge.mqtt.auth.failed").count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void publishingForAnotherDeviceOrTenantGets0x87AndReachesNothing() throws Exception {
        double before = meters.counter("fogbridge.mqtt.rejected", "reason", "not-authorized")
                .count();
        assertThat(publish(legit, "telemetry/acme/lathe-2")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(publish(legit, "event/globex/press-1")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(publish(legit, "factory/anything")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        assertThat(uplink.poll(200)).isNull();
        assertThat(meters.counter("fogbridge.mqtt.rejected", "reason", "not-authorized")
                                .count()
                        - before)
                .isEqualTo(3);
        assertLegitStillFlows();
    }

    @Test
    void anMqtt3DeviceCrossingIntoAnotherTenantIsDisconnected() throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt3AsyncClient press = Mqtt3Client.builder()
                .identifier("press-3")
                .serverHost("127.0.0.1")
                .serverPort(secured.passwordPort())
                .simpleAuth()
                .username("press-1@globex")
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .addDisconnectedListener(ctx -> disconnected.complete(ctx.getCause()))
                .buildAsync();
        press.connect().get(15, TimeUnit.SECONDS);
        press.publishWith()
                .topic("telemetry/acme/lathe-1")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {1})
                .send();
        assertThat(disconnected.get(15, TimeUnit.SECONDS)).isNotNull();
        assertThat(uplink.poll(200)).isNull();
        assertLegitStillFlows();
    }

    @Test
    void aDeviceSubscribesToItsOwnCommandsOnly() throws Exception {
        Mqtt5SubAck own = legit.subscribeWith()
                .topicFilter("command/acme/lathe-1/req/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .get(15, TimeUnit.SECONDS);
        assertThat(own.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subAckOf("command/acme/lathe-2/req/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertThat(subAckOf("telemetry/#")).isEqualTo(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        assertLegitStillFlows();
    }

    @Test
    void aRefusedSubscriptionCatchesNothingAndTheSubackSaysWhy() throws Exception {
        // Decided by our interceptor, enforced by HiveMQ's default permissions (TopicAuthorizer): a refused filter
        // that were stored anyway would catch lathe-1's telemetry below.
        Mqtt5AsyncClient watcher = connect5("watcher", "lathe-2@acme", PASSWORD);
        BlockingQueue<Mqtt5Publish> caught = new LinkedBlockingQueue<>();
        double before = notAuthorized();
        // The client reports a SUBACK with any error code as a failure; the SUBACK is in the exception.
        ExecutionException refused = catchThrowableOfType(ExecutionException.class, () -> watcher.subscribeWith()
                .addSubscription()
                .topicFilter("telemetry/#")
                .applySubscription()
                .addSubscription()
                .topicFilter("command/acme/lathe-2/req/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .callback(caught::add)
                .send()
                .get(15, TimeUnit.SECONDS));
        Mqtt5SubAck subAck = ((Mqtt5SubAckException) refused.getCause()).getMqttMessage();
        assertThat(subAck.getReasonCodes())
                .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED, Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(subAck.getReasonString()).map(Object::toString).contains("not authorized. ");
        assertThat(notAuthorized() - before)
                .as("counted once, as a refused filter always was")
                .isEqualTo(1);

        assertThat(publish(legit, "telemetry/acme/lathe-1/seen")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(uplink.next().message().topic()).isEqualTo("telemetry/acme/lathe-1/seen");
        assertThat(caught.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(watcher.getState().isConnected()).isTrue();
        watcher.disconnect().get(15, TimeUnit.SECONDS);
    }

    @Test
    void anMqtt3DeviceGetsAFailureCodeForARefusedFilterAndStaysConnected() throws Exception {
        Mqtt3AsyncClient press = Mqtt3Client.builder()
                .identifier("press-sub-3")
                .serverHost("127.0.0.1")
                .serverPort(secured.passwordPort())
                .simpleAuth()
                .username("lathe-2@acme")
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildAsync();
        press.connect().get(15, TimeUnit.SECONDS);
        ExecutionException refused = catchThrowableOfType(ExecutionException.class, () -> press.subscribeWith()
                .addSubscription()
                .topicFilter("telemetry/#")
                .applySubscription()
                .addSubscription()
                .topicFilter("command/acme/lathe-2/req/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .send()
                .get(15, TimeUnit.SECONDS));
        Mqtt3SubAck subAck = ((Mqtt3SubAckException) refused.getCause()).getMqttMessage();
        assertThat(subAck.getReturnCodes())
                .containsExactly(Mqtt3SubAckReturnCode.FAILURE, Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
        assertThat(press.getState().isConnected()).isTrue();
        press.disconnect().get(15, TimeUnit.SECONDS);
    }

    @Test
    void aClientCertificateOfTheTenantsCaAuthenticatesOverTls() throws Exception {
        CertificateFactory.Issued cert = CertificateFactory.client(secured.acmeCa(), "CN=lathe-1,O=acme");
        Mqtt5AsyncClient device = tlsClient("lathe-1-mtls", cert);
        device.connect().get(15, TimeUnit.SECONDS);
        assertThat(publish(device, "event")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(uplink.next().message().sender()).isEqualTo(new DeviceRef("acme", "lathe-1", "lathe-1-mtls"));
        device.disconnect().get(15, TimeUnit.SECONDS);
    }

    @Test
    void anExpiredOrUnregisteredCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        CertificateFactory.Issued expired = CertificateFactory.client(
                secured.acmeCa(), "CN=lathe-1,O=acme", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
        assertThatThrownBy(() -> tlsClient("expired", expired).connect().get(15, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class); // the TLS handshake fails: no MQTT session at all
        CertificateFactory.Issued unregistered = CertificateFactory.client(secured.acmeCa(), "CN=lathe-9,O=acme");
        assertThatThrownBy(
                        () -> tlsClient("unregistered", unregistered).connect().get(15, TimeUnit.SECONDS))
                .hasCauseInstanceOf(Mqtt5ConnAckException.class)
                .cause()
                .satisfies(e -> assertThat(
                                ((Mqtt5ConnAckException) e).getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertLegitStillFlows();
    }

    @Test
    void mosquittoPubWithCafileCertAndKey() throws Exception {
        Path mosquittoPub = TestEnv.peer("mosquitto_pub");
        CertificateFactory.client(secured.acmeCa(), "CN=lathe-1,O=acme")
                .writePem(dir.resolve("lathe-1.pem"), dir.resolve("lathe-1.key"));
        Process process = new ProcessBuilder(
                        mosquittoPub.toString(),
                        "-h",
                        "localhost",
                        "-p",
                        Integer.toString(secured.tlsPort()),
                        "--cafile",
                        dir.resolve("server-ca.pem").toString(),
                        "--cert",
                        dir.resolve("lathe-1.pem").toString(),
                        "--key",
                        dir.resolve("lathe-1.key").toString(),
                        "-i",
                        "mosquitto-lathe",
                        "-q",
                        "1",
                        "-V",
                        "mqttv5",
                        "-t",
                        "telemetry",
                        "-m",
                        "from-mosquitto")
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        ControllableUplink.Call call = uplink.next();
        assertThat(new String(call.message().payload(), StandardCharsets.UTF_8)).isEqualTo("from-mosquitto");
        assertThat(call.message().sender().device()).isEqualTo("lathe-1");
    }

    @Test
    void anonymousLocalServicesOnlyOnTheLoopbackListener() throws Exception {
        Mqtt5AsyncClient local = Mqtt5Client.builder()
                .identifier("historian")
                .serverHost("127.0.0.1")
                .serverPort(localPort)
                .buildAsync();
        local.connect().get(15, TimeUnit.SECONDS);
        assertThat(publish(local, "factory/line-1/temp")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(uplink.next().message().sender().authenticated()).isFalse();
        local.disconnect().get(15, TimeUnit.SECONDS);
    }

    @Test
    void anonymousClientsNameOnlyTenantAndDeviceIdsTheRegistryWouldAccept() throws Exception {
        Mqtt5AsyncClient local = Mqtt5Client.builder()
                .identifier("historian-ids")
                .serverHost("127.0.0.1")
                .serverPort(localPort)
                .buildAsync();
        local.connect().get(15, TimeUnit.SECONDS);
        double before = invalidIds();

        assertThat(publish(local, "telemetry/acme/" + "d".repeat(5_000)))
                .isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(publish(local, "telemetry/acme/\ufeffdev-a")).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(publish(local, "event/ac\u200bme/dev-a")).isEqualTo(Mqtt5PubAckReasonCode.TOPIC_NAME_INVALID);
        assertThat(uplink.poll(200)).isNull();
        assertThat(subAckOf(local, "command/acme/" + "d".repeat(5_000) + "/req/#"))
                .isEqualTo(Mqtt5SubAckReasonCode.TOPIC_FILTER_INVALID);
        assertThat(invalidIds() - before).isEqualTo(4);

        assertThat(subAckOf(local, "command/+/+/req/#")).isEqualTo(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
        assertThat(publish(local, "telemetry/acme/dev-a")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(uplink.next().message().topic()).isEqualTo("telemetry/acme/dev-a");
        local.disconnect().get(15, TimeUnit.SECONDS);
        assertLegitStillFlows();
    }

    @Test
    void anonymousClientIdsThatAreHugeOrInvisibleAreRefusedAtConnect() throws Exception {
        double before = meters.counter("fogbridge.mqtt.auth.failed").count();

        // HiveMQ itself answers MALFORMED_PACKET to a 5,000-character id and to control characters such as a newline
        assertThat(anonymousConnAck("x".repeat(500))).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        assertThat(anonymousConnAck("\ufeffhistorian")).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        assertThat(anonymousConnAck("hist\u202eorian")).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);

        assertThat(meters.counter("fogbridge.mqtt.auth.failed").count() - before)
                .isEqualTo(3);
        assertThat(anonymousConnAck("mosqpub|1234-edge")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertThat(anonymousConnAck("clean retained")) // a space is fine: Eclipse Paho's interop suite uses it
                .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        assertLegitStillFlows();
    }

    @Test
    void aDeviceAddedToTheRegistryFileConnectsWithoutARestart() throws Exception {
        writeRegistry("""
                      lathe-new:
                        credentials: [{type: hashed-password, hash: "%s"}]
                """.formatted(HASH));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> connAckOf("lathe-new@acme", PASSWORD) == Mqtt5ConnAckReasonCode.SUCCESS);
        writeRegistry("");
    }

    // ---- helpers ----

    static void assertLegitStillFlows() throws Exception {
        assertThat(publish(legit, "telemetry/acme/lathe-1/ok")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThat(uplink.next().message().topic()).isEqualTo("telemetry/acme/lathe-1/ok");
    }

    /** The PUBACK code; "no matching subscribers" (0x10) is a success too and reads as SUCCESS. */
    static Mqtt5PubAckReasonCode publish(Mqtt5AsyncClient client, String topic) throws Exception {
        Mqtt5PubAckReasonCode code = MqttTestClients.pubAckOf(client.publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("x".getBytes(StandardCharsets.UTF_8))
                        .send())
                .getReasonCode();
        return code == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS ? Mqtt5PubAckReasonCode.SUCCESS : code;
    }

    static Mqtt5SubAckReasonCode subAckOf(String filter) throws Exception {
        try {
            return legit.subscribeWith()
                    .topicFilter(filter)
                    .send()
                    .get(15, TimeUnit.SECONDS)
                    .getReasonCodes()
                    .getFirst();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException subAck) {
                return subAck.getMqttMessage().getReasonCodes().getFirst();
            }
            throw e;
        }
    }

    @Test
    void aWillGoesThroughTheUplinkAsThatDeviceMarkedAsAWillAndACleanDisconnectSendsNone() throws Exception {
        Mqtt5AsyncClient dying =
                secured.passwordClient("will-1", "lathe-2@acme", PASSWORD).buildAsync();
        withWill(dying, "event/acme/lathe-2", 0);
        dying.disconnectWith()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send()
                .get(15, TimeUnit.SECONDS);
        var will = uplink.next().message();
        assertThat(will.will()).isTrue();
        assertThat(will.topic()).isEqualTo("event/acme/lathe-2");
        assertThat(will.qos()).isEqualTo(io.fogbridge.api.QoS.AT_LEAST_ONCE);
        assertThat(will.sender()).isEqualTo(new DeviceRef("acme", "lathe-2", "will-1"));
        assertThat(new String(will.payload(), StandardCharsets.UTF_8)).isEqualTo("gone");

        Mqtt5AsyncClient clean =
                secured.passwordClient("will-2", "lathe-2@acme", PASSWORD).buildAsync();
        withWill(clean, "event/acme/lathe-2", 0);
        clean.disconnect().get(15, TimeUnit.SECONDS);
        assertThat(uplink.poll(500)).as("a clean DISCONNECT discards the will").isNull();
    }

    @Test
    void aWillForAnotherDevicesTopicNeverReachesTheUplink() throws Exception {
        Mqtt5AsyncClient sneaky =
                secured.passwordClient("will-3", "lathe-2@acme", PASSWORD).buildAsync();
        // The authenticator checks the will at CONNECT: the same ACL as for a PUBLISH
        assertThatThrownBy(() -> withWill(sneaky, "event/acme/lathe-1", 0))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThat(uplink.poll(500)).isNull();
    }

    @Test
    void aWillWithADelayIsCancelledWhenTheClientComesBackInTime() throws Exception {
        Mqtt5AsyncClient flaky =
                secured.passwordClient("will-4", "lathe-2@acme", PASSWORD).buildAsync();
        withWill(flaky, "event/acme/lathe-2", 2);
        flaky.disconnectWith()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send()
                .get(15, TimeUnit.SECONDS);
        Mqtt5AsyncClient back = connect5("will-4", "lathe-2@acme", PASSWORD);
        assertThat(uplink.poll(3000)).as("back within the will delay: no will").isNull();
        back.disconnect().get(15, TimeUnit.SECONDS);

        withWill(flaky, "event/acme/lathe-2", 1);
        flaky.disconnectWith()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send()
                .get(15, TimeUnit.SECONDS);
        assertThat(uplink.next().message().will())
                .as("not back: the will after its delay")
                .isTrue();
    }

    private static void withWill(Mqtt5AsyncClient client, String topic, long delaySeconds) throws Exception {
        client.connectWith()
                .sessionExpiryInterval(60)
                .willPublish()
                .topic(topic)
                .payload("gone".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE)
                .delayInterval(delaySeconds)
                .applyWillPublish()
                .send()
                .get(15, TimeUnit.SECONDS);
    }

    static double invalidIds() {
        return meters.counter("fogbridge.mqtt.rejected", "reason", "invalid-id").count();
    }

    static Mqtt5SubAckReasonCode subAckOf(Mqtt5AsyncClient client, String filter) throws Exception {
        try {
            return client.subscribeWith()
                    .topicFilter(filter)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send()
                    .get(15, TimeUnit.SECONDS)
                    .getReasonCodes()
                    .getFirst();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException subAck) {
                return subAck.getMqttMessage().getReasonCodes().getFirst();
            }
            throw e;
        }
    }

    /** The CONNACK code an anonymous client with this client id gets on the loopback listener. */
    static Mqtt5ConnAckReasonCode anonymousConnAck(String clientId) throws Exception {
        Mqtt5AsyncClient client = Mqtt5Client.builder()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(localPort)
                .buildAsync();
        try {
            Mqtt5ConnAckReasonCode code =
                    client.connect().get(15, TimeUnit.SECONDS).getReasonCode();
            client.disconnect().get(15, TimeUnit.SECONDS);
            return code;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Mqtt5ConnAckException connAck) {
                return connAck.getMqttMessage().getReasonCode();
            }
            throw e;
        }
    }

    private static double notAuthorized() {
        return meters.counter("fogbridge.mqtt.rejected", "reason", "not-authorized")
                .count();
    }

    static Mqtt5AsyncClient connect5(String id, String username, String password) throws Exception {
        Mqtt5AsyncClient client = secured.passwordClient(id, username, password).buildAsync();
        client.connect().get(15, TimeUnit.SECONDS);
        return client;
    }

    static Mqtt5ConnAckReasonCode connAckOf(String username, String password) throws Exception {
        return secured.connAckOf(username, password);
    }

    static Mqtt5AsyncClient tlsClient(String id, CertificateFactory.Issued cert) throws Exception {
        return Mqtt5Client.builder()
                .identifier(id)
                .serverHost("localhost")
                .serverPort(secured.tlsPort())
                .sslConfig(secured.deviceTls(id, cert))
                .buildAsync();
    }
}
