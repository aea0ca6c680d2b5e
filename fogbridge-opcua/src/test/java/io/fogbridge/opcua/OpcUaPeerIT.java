package io.fogbridge.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.api.Command;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.DeviceLimits;
import io.fogbridge.certs.CertificateFactory.Issued;
import io.fogbridge.testkit.FaultProxy;
import io.fogbridge.testkit.HeldCommands;
import io.fogbridge.testkit.RecordingUplink;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter against a real, independent OPC UA server (node-opcua, {@code src/test/node/opcua_peer.js}). One
 * peer for the class; the kill/restart test starts its own.
 */
class OpcUaPeerIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static NodeOpcUaPeer peer;

    final RecordingUplink uplink = new RecordingUplink();
    final HeldCommands commands = new HeldCommands();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<ProtocolAdapter> adapters = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startPeer() throws Exception {
        peer = NodeOpcUaPeer.start(TestEnv.freePort(), 1);
    }

    @AfterAll
    static void stopPeer() throws Exception {
        peer.close();
    }

    @AfterEach
    void stop() {
        adapters.forEach(ProtocolAdapter::close);
        scheduler.shutdownNow();
    }

    @Test
    void valuesArriveAsRecordsWithSourceHeaderAndQuality() throws Exception {
        start(endpoint(
                "tank",
                peer.url(),
                OpcUaEndpoint.Auth.ANONYMOUS,
                null,
                List.of(
                        item("counter", "ns=1;s=Counter", null),
                        item("name", "ns=1;s=Name", null),
                        item("generation", "ns=1;s=Generation", null),
                        item("missing", "ns=1;s=NoSuchNode", null),
                        item("shifty", "ns=1;s=Shifty", null))));

        await().atMost(Duration.ofSeconds(30)).until(() -> counters("tank").size() >= 5);
        // a node whose data type changes between publishes: each value as it is, the others flowing beside it
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<JsonNode> shifty = records("tank").stream()
                    .filter(r -> r.get("values").has("shifty"))
                    .map(r -> r.get("values").get("shifty"))
                    .toList();
            return shifty.stream().anyMatch(JsonNode::isNumber)
                    && shifty.stream().anyMatch(JsonNode::isTextual);
        });
        List<JsonNode> records = records("tank");
        JsonNode first = records.stream()
                .filter(r -> r.get("values").has("name"))
                .findFirst()
                .orElseThrow();
        assertThat(first.get("values").get("name").textValue()).isEqualTo("tank-1");
        assertThat(first.get("values").get("generation").longValue()).isEqualTo(1);
        assertThat(first.get("quality").get("name").textValue()).isEqualTo("good");
        assertThat(first.get("ts").longValue())
                .isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
        assertThat(first.get("serverTs").isNumber()).isTrue();
        JsonNode refused = records.stream()
                .filter(r -> r.get("quality").has("missing"))
                .findFirst()
                .orElseThrow();
        assertThat(refused.get("quality").get("missing").textValue()).isEqualTo("bad:Bad_NodeIdUnknown");
        assertThat(refused.get("values").get("missing").isNull()).isTrue();
        List<Long> counters = counters("tank");
        for (int i = 1; i < counters.size(); i++) {
            assertThat(counters.get(i)).isGreaterThan(counters.get(i - 1)); // in order, no record twice
        }

        InboundMessage message = uplink.on("telemetry/acme/tank").getFirst();
        assertThat(message.headers()).containsEntry(Headers.SOURCE, peer.url()).containsEntry("line", "A");
        assertThat(message.sender().device()).isEqualTo("tank");
        assertThat(message.contentType()).isEqualTo("application/json");
        assertThat(states("tank")).startsWith("connected");
        assertThat(meters.get("fogbridge.opcua.notifications").counter().count())
                .isGreaterThanOrEqualTo(5);
        assertThat(adapters.getFirst().ready()).isTrue();
    }

    @Test
    void aDeadbandFilterHoldsBackSmallChanges() throws Exception {
        // Level rises 0.1 every 100 ms: every change passes the plain item, about one in ten the 1.0 deadband
        start(endpoint(
                "levels",
                peer.url(),
                OpcUaEndpoint.Auth.ANONYMOUS,
                null,
                List.of(
                        item("plain", "ns=1;s=Level", null),
                        item(
                                "banded",
                                "ns=1;s=Level",
                                new OpcUaItem.Deadband(OpcUaItem.Deadband.Kind.ABSOLUTE, 1.0)))));
        await().atMost(Duration.ofSeconds(30)).until(() -> changes("levels", "plain") >= 20);
        long plain = changes("levels", "plain");
        long banded = changes("levels", "banded");
        assertThat(banded).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(plain / 4);
    }

    @Test
    void logsInWithAUsernameAndReportsAWrongPassword() throws Exception {
        Path good = Files.writeString(dir.resolve("good"), "secret\n");
        Path bad = Files.writeString(dir.resolve("bad"), "guess\n");
        start(
                endpoint(
                        "user",
                        peer.url(),
                        OpcUaEndpoint.Auth.USERNAME,
                        good,
                        List.of(item("c", "ns=1;s=Counter", null))),
                endpoint(
                        "intruder",
                        peer.url(),
                        OpcUaEndpoint.Auth.USERNAME,
                        bad,
                        List.of(item("c", "ns=1;s=Counter", null))));
        await().atMost(Duration.ofSeconds(30)).until(() -> !records("user").isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> states("intruder").contains("lost"));
        JsonNode lost =
                JSON.readTree(uplink.on("event/acme/intruder/status").getFirst().payload());
        assertThat(lost.get("reason").textValue()).contains("Bad_UserAccessDenied");
        assertThat(records("intruder")).isEmpty();
    }

    @Test
    void aShortNetworkCutResumesTheSubscriptionAndLosesNoChange() throws Exception {
        // the server keeps the session and subscription through the cut: the counter's changes meanwhile wait in its
        // queue (100) and arrive after it, and none sent but lost on the wire is missing (republish)
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", peer.port())) {
            start(endpoint(
                    "cut",
                    "opc.tcp://127.0.0.1:" + proxy.port() + "/peer",
                    OpcUaEndpoint.Auth.ANONYMOUS,
                    null,
                    List.of(new OpcUaItem("counter", "ns=1;s=Counter", 100, 100, null, false))));
            await().atMost(Duration.ofSeconds(30)).until(() -> counters("cut").size() >= 5);

            proxy.cut();
            await().atMost(Duration.ofSeconds(10)).until(() -> states("cut").contains("lost"));
            long atCut = counters("cut").getLast();
            Thread.sleep(500); // the server counts on: ~5 changes wait for the session
            proxy.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> states("cut").contains("resumed"));
            await().atMost(Duration.ofSeconds(10)).until(() -> counters("cut").getLast() >= atCut + 20);

            // in order, none twice, and no hole across the cut: a new subscription would miss the ~15 changes made
            // while the connection was down and being reactivated; a step of 2 is the server's 100 ms sampling
            // meeting the 100 ms counter now and then, not the cut
            List<Long> counters = counters("cut");
            for (int i = 1; i < counters.size(); i++) {
                assertThat(counters.get(i) - counters.get(i - 1))
                        .as("change %d of %s", i, counters)
                        .isBetween(1L, 2L);
            }
            assertThat(states("cut")).containsExactly("connected", "lost", "resumed");
            assertThat(meters.get("fogbridge.opcua.resumes").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void aRestartedServerIsSubscribedAgainWithoutAGatewayRestart() throws Exception {
        try (NodeOpcUaPeer restarting = NodeOpcUaPeer.start(TestEnv.freePort(), 1)) {
            start(
                    endpoint(
                            "flaky",
                            restarting.url(),
                            OpcUaEndpoint.Auth.ANONYMOUS,
                            null,
                            List.of(
                                    item("counter", "ns=1;s=Counter", null),
                                    item("generation", "ns=1;s=Generation", null))),
                    endpoint(
                            "steady",
                            peer.url(),
                            OpcUaEndpoint.Auth.ANONYMOUS,
                            null,
                            List.of(item("counter", "ns=1;s=Counter", null))));
            await().atMost(Duration.ofSeconds(30)).until(() -> counters("flaky").size() >= 3);

            restarting.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> states("flaky").contains("lost"));
            int steadyAtLoss = counters("steady").size();
            await().atMost(Duration.ofSeconds(5)).until(() -> counters("steady").size() >= steadyAtLoss + 3);
            Thread.sleep(1000); // the gateway retries against a closed port meanwhile

            restarting.restart(2);
            long back = System.nanoTime();
            // the new server's data, told apart by its generation, then its counter moving: within 5 s of it listening
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> generations("flaky").contains(2L));
            System.out.printf(
                    "OpcUaPeerIT: first record of the restarted server %d ms after it listened%n",
                    Duration.ofNanos(System.nanoTime() - back).toMillis());
            int atResubscribe = records("flaky").size();
            await().atMost(Duration.ofSeconds(5)).until(() -> records("flaky").size() >= atResubscribe + 3);
            long seconds = Duration.ofNanos(System.nanoTime() - back).toSeconds();
            assertThat(seconds).isLessThan(5);
            assertThat(states("flaky")).containsSubsequence("connected", "lost", "resubscribed");
            assertThat(meters.get("fogbridge.opcua.reconnects").counter().count())
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void writeAndCallCommandsAnswerWithTheServersStatus() throws Exception {
        start(endpoint(
                "pump",
                peer.url(),
                OpcUaEndpoint.Auth.ANONYMOUS,
                null,
                List.of(
                        writable(item("setpoint", "ns=1;s=Setpoint", null)),
                        writable(item("name", "ns=1;s=Name", null)), // read-only on the server
                        writable(item("locked", "ns=1;s=Locked", null)), // writable, but not by this user
                        item("counter", "ns=1;s=Counter", null))));
        await().atMost(Duration.ofSeconds(30)).until(() -> states("pump").contains("connected"));

        JsonNode ok = command("w1", "write", "{\"setpoint\": 42.5}", 200);
        assertThat(ok.get("written")).hasToString("[\"setpoint\"]");
        // the data itself: the subscription sees the node at its new value
        await().atMost(Duration.ofSeconds(10)).until(() -> records("pump").stream()
                .anyMatch(r -> r.get("values").has("setpoint")
                        && r.get("values").get("setpoint").doubleValue() == 42.5));

        assertThat(command("w2", "write", "{\"setpoint\": \"high\"}", 400)
                        .get("error")
                        .textValue())
                .contains("setpoint", "expected Double");
        assertThat(command("w3", "write", "{\"counter\": 1}", 400).get("error").textValue())
                .contains("not writable");
        JsonNode refused = command("w4", "write", "{\"name\": \"tank-2\"}", 400);
        assertThat(refused.get("status").get("name").textValue()).isEqualTo("Bad_NotWritable");
        assertThat(refused.get("written")).isEmpty();
        assertThat(command("w5", "reboot", "{}", 400).get("error").textValue()).contains("unknown command");
        assertThat(command("w6", "write", "{\"locked\": 2.5}", 403)
                        .get("status")
                        .get("locked")
                        .textValue())
                .isEqualTo("Bad_UserAccessDenied");

        // method calls on the same command path: arguments converted to the method's declared types (Double, Int32)
        JsonNode scaled = command(
                "c1",
                "call",
                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Scale\",\"args\":[2.5, 4]}",
                200);
        assertThat(scaled.get("outputs")).hasToString("[10.0]");
        assertThat(command(
                                "c2",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Scale\",\"args\":[2.5, 1.5]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("argument 'factor'", "does not fit Int32");
        assertThat(command(
                                "c3",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Scale\",\"args\":[2.5]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("takes 2 argument(s) (value, factor), got 1");
        assertThat(command("c4", "call", "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Jam\"}", 502)
                        .get("status")
                        .textValue())
                .isEqualTo("Bad_InvalidState");
        assertThat(command(
                                "c5",
                                "call",
                                "{\"objectId\":\"i=85\",\"methodId\":\"ns=1;s=Pump.Scale\",\"args\":[1,1]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("not in the endpoint's methods");

        // array arguments: JSON arrays converted element by element to the declared Double[] and UInt16[3]
        JsonNode mixed = command(
                "c6",
                "call",
                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Mix\",\"args\":[[1.5, 2, 4], [2, 3, 1]]}",
                200);
        assertThat(mixed.get("outputs")).hasToString("[13.0,3]");
        assertThat(command(
                                "c7",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Mix\",\"args\":[[1.5], [-1]]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("argument 'ratios'", "element 0", "does not fit UInt16");
        assertThat(command(
                                "c8",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Mix\",\"args\":[1.5, [1]]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("argument 'amounts'", "expected a JSON array");
        assertThat(command(
                                "c9",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Mix\","
                                        + "\"args\":[[1], [1, 2, 3, 4]]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("argument 'ratios'", "4 elements, the method takes at most 3");
        assertThat(command(
                                "c10",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Scale\",\"args\":[[2.5], 4]}",
                                400)
                        .get("error")
                        .textValue())
                .contains("argument 'value'", "expected a scalar Double");
        assertThat(commands.delivered()).hasSize(16);
        assertThat(meters.get("fogbridge.opcua.calls")
                        .tag("status", "400")
                        .counter()
                        .count())
                .isEqualTo(7);
        assertThat(meters.get("fogbridge.opcua.writes")
                        .tag("status", "400")
                        .counter()
                        .count())
                .isEqualTo(4);
    }

    @Test
    void aCallTheServerDoesNotAnswerInTimeIsAnswered504AndTheEndpointGoesOn() throws Exception {
        start(
                Duration.ofSeconds(2),
                endpoint(
                        "pump",
                        peer.url(),
                        OpcUaEndpoint.Auth.ANONYMOUS,
                        null,
                        List.of(item("counter", "ns=1;s=Counter", null))));
        await().atMost(Duration.ofSeconds(30)).until(() -> states("pump").contains("connected"));

        long sent = System.nanoTime();
        JsonNode late = command(
                "s1", "call", "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Stall\",\"args\":[5000]}", 504);
        long waited = Duration.ofNanos(System.nanoTime() - sent).toMillis();
        System.out.printf(
                "OpcUaPeerIT: a call the server answers after 5 s was answered 504 %s after %d ms%n",
                late.get("status").textValue(), waited);
        assertThat(late.get("status").textValue()).isIn("Bad_Timeout", "Bad_RequestTimeout");
        assertThat(waited).isLessThan(5000); // the converter's requestTimeout, not the server's late answer

        // the same session goes on: the next command is answered, the data flows, no reconnect
        assertThat(command(
                                "s2",
                                "call",
                                "{\"objectId\":\"ns=1;s=Pump\",\"methodId\":\"ns=1;s=Pump.Scale\",\"args\":[2, 3]}",
                                200)
                        .get("outputs"))
                .hasToString("[6.0]");
        int before = counters("pump").size();
        await().atMost(Duration.ofSeconds(10)).until(() -> counters("pump").size() >= before + 3);
        assertThat(states("pump")).containsExactly("connected");
        assertThat(meters.get("fogbridge.opcua.calls")
                        .tag("status", "504")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aHugeArrayIsSentAsNullWithAStatusEventWhileTheOtherItemsFlow() throws Exception {
        // Huge: 20,000 Doubles, about 100 kB as JSON, changed every second; the record limit here is 64 kB
        start(endpoint(
                "big",
                peer.url(),
                OpcUaEndpoint.Auth.ANONYMOUS,
                null,
                List.of(item("counter", "ns=1;s=Counter", null), item("huge", "ns=1;s=Huge", null))));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> records("big").stream()
                                .filter(r -> r.get("quality").has("huge"))
                                .count()
                        >= 3);

        List<JsonNode> withHuge = records("big").stream()
                .filter(r -> r.get("quality").has("huge"))
                .toList();
        assertThat(withHuge).allSatisfy(r -> {
            assertThat(r.get("values").get("huge").isNull()).isTrue();
            assertThat(r.get("quality").get("huge").textValue()).isEqualTo("bad:Bad_EncodingLimitsExceeded");
        });
        assertThat(uplink.on("telemetry/acme/big"))
                .allSatisfy(m -> assertThat(m.payload().length).isLessThanOrEqualTo(65536));
        int before = counters("big").size();
        await().atMost(Duration.ofSeconds(10)).until(() -> counters("big").size() >= before + 5);

        // said once on the status topic, counted every time; the link state stays connected
        List<JsonNode> tooLarge = uplink.on("event/acme/big/status").stream()
                .map(m -> tree(m.payload()))
                .filter(e -> e.get("state").textValue().equals("value-too-large"))
                .toList();
        assertThat(tooLarge).singleElement().satisfies(e -> {
            assertThat(e.get("item").textValue()).isEqualTo("huge");
            assertThat(e.get("limit").longValue()).isEqualTo(65536);
            assertThat(e.get("reason").textValue()).contains("exceeds the record limit", "devices.maxPayload");
        });
        assertThat(states("big")).containsExactly("connected", "value-too-large");
        assertThat(meters.get("fogbridge.opcua.values.too.large").counter().count())
                .isGreaterThanOrEqualTo(3);
        assertThat(adapters.getFirst().ready()).isTrue();
    }

    @Test
    void browseAndSampleFindNodesWithTheConvertersSecurityAndTrustStore() throws Exception {
        Tool browse = tool(new BrowseTool(), peer.url(), "--depth", "2");
        System.out.print(browse.out());
        assertThat(browse.status()).as(browse.err()).isZero();
        assertThat(browse.out().lines())
                .anyMatch(l -> l.matches("^ns=1;i=\\d+  1:Tank  Object$"))
                .contains("  ns=1;s=Counter  1:Counter  Variable  Int32  read")
                .contains("  ns=1;s=Setpoint  1:Setpoint  Variable  Double  read,write")
                .contains("  ns=1;s=Name  1:Name  Variable  String  read")
                .contains("  ns=1;s=Pump.Scale  1:Scale  Method")
                .anyMatch(l -> l.startsWith("i=2253  0:Server  Object"))
                .noneMatch(l -> l.startsWith("    ")); // depth 2: two levels below the Objects folder
        assertThat(tool(new BrowseTool(), peer.url(), "--node", "nonsense").status())
                .isEqualTo(2);

        Tool sample = tool(
                new SampleTool(), peer.url(), "ns=1;s=Counter", "ns=1;s=Name", "--count", "4", "--interval", "100ms");
        assertThat(sample.status()).as(sample.err()).isZero();
        assertThat(sample.out().lines()).hasSize(4).allMatch(l -> l.matches("^20\\d\\d-.+Z  ns=1;s=\\w+  .+  good$"));
        assertThat(sample.out()).contains("  ns=1;s=Name  \"tank-1\"  good");
        assertThat(tool(new SampleTool(), peer.url(), "ns=1;s=NoSuchNode", "--count", "1")
                        .err())
                .contains("ns=1;s=NoSuchNode: refused by the server: bad:Bad_NodeIdUnknown");

        // secured, with the gateway's certificate and trust store under --data-dir: refused, trusted, browsed
        Path data = dir.resolve("tool");
        String[] secured = {
            peer.url(),
            "--depth",
            "1",
            "--policy",
            "Basic256Sha256",
            "--mode",
            "SignAndEncrypt",
            "--data-dir",
            data.toString()
        };
        Tool refused = tool(new BrowseTool(), secured);
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err())
                .contains("not trusted", "fogbridge opcua trust " + data.resolve("opcua/pki/rejected"));
        try (var files = Files.list(data.resolve("opcua/pki/rejected"))) {
            Path certificate = files.findFirst().orElseThrow();
            Files.move(certificate, data.resolve("opcua/pki/trusted").resolve(certificate.getFileName()));
        }
        Tool trusted = tool(new BrowseTool(), secured);
        assertThat(trusted.status()).as(trusted.err()).isZero();
        assertThat(trusted.out()).contains("1:Tank  Object");
    }

    record Tool(int status, String out, String err) {}

    static Tool tool(io.fogbridge.api.adapter.AdapterTool tool, String... args) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = tool.run(
                List.of(args),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        return new Tool(
                status,
                out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Offers a command to the endpoint {@code pump} and returns its response, which must have {@code status}. */
    JsonNode command(String id, String name, String payload, int status) {
        long now = System.currentTimeMillis();
        commands.offer(new Command(
                "fog.command.acme/0/" + id,
                "acme",
                "pump",
                name,
                id,
                true,
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/json",
                now,
                now + 60_000));
        String prefix = "command/acme/pump/res/" + id + "/";
        await().atMost(Duration.ofSeconds(10)).until(() -> !uplink.on(prefix).isEmpty());
        InboundMessage response = uplink.on(prefix).getFirst();
        assertThat(response.topic()).as(new String(response.payload())).isEqualTo(prefix + status);
        return tree(response.payload());
    }

    static OpcUaItem writable(OpcUaItem item) {
        return new OpcUaItem(
                item.name(), item.nodeId(), item.samplingInterval(), item.queueSize(), item.deadband(), true);
    }

    @Test
    void anUntrustedServerIsRefusedUntilItsCertificateIsTrusted() throws Exception {
        // an RSA user certificate: the X.509 identity token is signed with the policy's RSA algorithm
        KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate badge = new SelfSignedCertificateBuilder(pair)
                .setCommonName("operator badge")
                .setApplicationUri("urn:fogbridge:test:badge")
                .build();
        Path badgeCert = dir.resolve("badge.crt.pem");
        Path badgeKey = dir.resolve("badge.key.pem");
        new Issued(badge, pair.getPrivate(), List.of()).writePem(badgeCert, badgeKey);
        start(
                secured(
                        endpoint(
                                "secure",
                                peer.url(),
                                OpcUaEndpoint.Auth.ANONYMOUS,
                                null,
                                List.of(item("counter", "ns=1;s=Counter", null))),
                        "Basic256Sha256",
                        "SignAndEncrypt",
                        null,
                        null),
                secured(
                        endpoint(
                                "badge",
                                peer.url(),
                                OpcUaEndpoint.Auth.CERTIFICATE,
                                null,
                                List.of(item("counter", "ns=1;s=Counter", null))),
                        "Aes256_Sha256_RsaPss",
                        "Sign",
                        badgeCert,
                        badgeKey),
                secured(
                        endpoint(
                                "operator",
                                peer.url(),
                                OpcUaEndpoint.Auth.USERNAME,
                                Files.writeString(dir.resolve("pw"), "secret\n"),
                                List.of(item("counter", "ns=1;s=Counter", null))),
                        "Aes128_Sha256_RsaOaep",
                        "SignAndEncrypt",
                        null,
                        null));

        Path pki = dir.resolve("opcua/pki");
        assertThat(pki.resolve("own/gateway.der")).isNotEmptyFile();
        await().atMost(Duration.ofSeconds(30)).until(() -> states("secure").contains("lost"));
        List<Path> rejected;
        try (var files = Files.list(pki.resolve("rejected"))) {
            rejected = files.toList();
        }
        assertThat(rejected).singleElement().asString().endsWith(".der");
        Path serverCertificate = rejected.getFirst();
        JsonNode lost = tree(uplink.on("event/acme/secure/status").getFirst().payload());
        assertThat(lost.get("reason").textValue())
                .contains("not trusted")
                .contains("fogbridge opcua trust " + serverCertificate);
        assertThat(adapters.getFirst().attention())
                .hasValueSatisfying(a -> assertThat(a).contains("opcua secure: ", "fogbridge opcua trust"));
        Thread.sleep(1000); // retries meanwhile are refused too: nothing flows
        assertThat(records("secure")).isEmpty();
        assertThat(records("badge")).isEmpty();
        assertThat(records("operator")).isEmpty();

        // what `fogbridge opcua trust <file>` does (OpcUaCommandTest): the next reconnect finds it, no restart
        Files.move(serverCertificate, pki.resolve("trusted").resolve(serverCertificate.getFileName()));
        await().atMost(Duration.ofSeconds(30)).until(() -> counters("secure").size() >= 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> counters("badge").size() >= 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> counters("operator").size() >= 3);
        assertThat(states("secure")).containsSubsequence("lost", "connected");
        assertThat(adapters.getFirst().attention()).isEmpty();
        assertThat(pki.resolve("rejected")).isEmptyDirectory();
    }

    static OpcUaEndpoint secured(OpcUaEndpoint plain, String policy, String mode, Path userCertificate, Path userKey) {
        return new OpcUaEndpoint(
                plain.id(),
                plain.tenant(),
                plain.url(),
                policy,
                mode,
                plain.auth(),
                plain.username(),
                plain.passwordFile(),
                userCertificate,
                userKey,
                plain.labels(),
                plain.publishingInterval(),
                plain.items(),
                plain.methods());
    }

    void start(OpcUaEndpoint... endpoints) throws Exception {
        start(Duration.ofSeconds(5), endpoints);
    }

    void start(Duration requestTimeout, OpcUaEndpoint... endpoints) throws Exception {
        OpcUaSettings settings = new OpcUaSettings(
                true,
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                requestTimeout,
                Duration.ofSeconds(5),
                List.of(endpoints));
        ProtocolAdapter adapter = new OpcUaAdapterFactory()
                .create(
                        settings,
                        new AdapterContext(
                                uplink,
                                commands,
                                null,
                                meters,
                                null,
                                scheduler,
                                new DeviceLimits(65536, Duration.ofSeconds(5), Duration.ofSeconds(2)),
                                dir));
        adapters.add(adapter);
        adapter.start(uplink);
    }

    static OpcUaEndpoint endpoint(
            String id, String url, OpcUaEndpoint.Auth auth, Path passwordFile, List<OpcUaItem> items) {
        return new OpcUaEndpoint(
                id,
                "acme",
                url,
                "None",
                "None",
                auth,
                auth == OpcUaEndpoint.Auth.USERNAME ? "operator" : null,
                passwordFile,
                null,
                null,
                Map.of("line", "A"),
                Duration.ofMillis(200),
                items,
                List.of(
                        new OpcUaMethod("ns=1;s=Pump", "ns=1;s=Pump.Scale"),
                        new OpcUaMethod("ns=1;s=Pump", "ns=1;s=Pump.Jam"),
                        new OpcUaMethod("ns=1;s=Pump", "ns=1;s=Pump.Mix"),
                        new OpcUaMethod("ns=1;s=Pump", "ns=1;s=Pump.Stall")));
    }

    static OpcUaItem item(String name, String nodeId, OpcUaItem.Deadband deadband) {
        return new OpcUaItem(name, nodeId, 100, 1, deadband, false);
    }

    List<JsonNode> records(String device) {
        return uplink.on("telemetry/acme/" + device).stream()
                .filter(m -> m.topic().equals("telemetry/acme/" + device))
                .map(m -> tree(m.payload()))
                .toList();
    }

    List<Long> counters(String device) {
        return records(device).stream()
                .filter(r -> r.get("values").has("counter"))
                .map(r -> r.get("values").get("counter").longValue())
                .toList();
    }

    List<Long> generations(String device) {
        return records(device).stream()
                .filter(r -> r.get("values").has("generation"))
                .map(r -> r.get("values").get("generation").longValue())
                .toList();
    }

    long changes(String device, String name) {
        return records(device).stream().filter(r -> r.get("values").has(name)).count();
    }

    List<String> states(String device) {
        return uplink.on("event/acme/" + device + "/status").stream()
                .map(m -> tree(m.payload()).get("state").textValue())
                .toList();
    }

    static JsonNode tree(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
