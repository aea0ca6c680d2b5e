package io.fogbridge.modbus;

import static io.fogbridge.modbus.Tag.ByteOrder.BIG;
import static io.fogbridge.modbus.Tag.ByteOrder.LITTLE;
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
import io.fogbridge.testkit.HeldCommands;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.RecordingUplink;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The converter against a real, independent Modbus server (pymodbus, {@code modbus_peer.py}), and writes checked by a
 * second real master ({@code mbpoll}). One peer for the class; the kill/restart test starts its own.
 */
class ModbusPeerIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static PymodbusPeer peer;

    final RecordingUplink uplink = new RecordingUplink();
    final HeldCommands commands = new HeldCommands();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<ProtocolAdapter> adapters = new ArrayList<>();

    @BeforeAll
    static void startPeer() throws Exception {
        peer = PymodbusPeer.start(TestEnv.freePort());
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
    void readsEveryTypeByteOrderAndWordOrderAsThePeerHoldsThem() throws Exception {
        List<Tag> tags = List.of(
                Tags.holding("i16", 0, TagType.INT16),
                Tags.holding("u16", 1, TagType.UINT16),
                Tags.holding("i32", 2, TagType.INT32),
                Tags.holding("u32", 4, TagType.UINT32),
                Tags.holding("i64", 6, TagType.INT64),
                Tags.holding("u64", 10, TagType.UINT64),
                Tags.holding("f32", 14, TagType.FLOAT32),
                Tags.holding("f64", 16, TagType.FLOAT64),
                Tags.ordered("f32words", 20, TagType.FLOAT32, BIG, LITTLE),
                Tags.ordered("i32bytes", 22, TagType.INT32, LITTLE, BIG),
                Tags.ordered("u32both", 24, TagType.UINT32, LITTLE, LITTLE),
                Tags.ordered("f64words", 26, TagType.FLOAT64, BIG, LITTLE),
                Tags.string("name", 30, 10, BIG),
                Tags.string("swapped", 35, 6, LITTLE),
                Tags.scaled("speed", 40, TagType.UINT16, 0.1, 0),
                Tags.of("coil0", Table.COILS, 0, TagType.BOOL),
                Tags.of("coil1", Table.COILS, 1, TagType.BOOL),
                Tags.of("coil7", Table.COILS, 7, TagType.BOOL),
                Tags.of("in1", Table.DISCRETE_INPUTS, 1, TagType.BOOL),
                Tags.of("in3", Table.DISCRETE_INPUTS, 3, TagType.BOOL));
        start(device("plc", peer.port(), 1, tags, Map.of("line", "A")));

        InboundMessage message = firstTelemetry("plc");
        JsonNode record = JSON.readTree(message.payload());
        JsonNode values = record.get("values");

        assertThat(values.get("i16").longValue()).isEqualTo(-1234);
        assertThat(values.get("u16").longValue()).isEqualTo(54321);
        assertThat(values.get("i32").longValue()).isEqualTo(-123456789);
        assertThat(values.get("u32").longValue()).isEqualTo(3_000_000_000L);
        assertThat(values.get("i64").longValue()).isEqualTo(-1234567890123L);
        assertThat(values.get("u64").bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551000"));
        assertThat(values.get("f32").doubleValue()).isEqualTo(3.25);
        assertThat(values.get("f64").doubleValue()).isEqualTo(-2.5e10);
        assertThat(values.get("f32words").doubleValue()).isEqualTo(3.25);
        assertThat(values.get("i32bytes").longValue()).isEqualTo(-123456789);
        assertThat(values.get("u32both").longValue()).isEqualTo(3_000_000_000L);
        assertThat(values.get("f64words").doubleValue()).isEqualTo(-2.5e10);
        assertThat(values.get("name").textValue()).isEqualTo("LX-300");
        assertThat(values.get("swapped").textValue()).isEqualTo("abcd");
        assertThat(values.get("speed").doubleValue()).isEqualTo(100.0);
        assertThat(values.get("coil0").booleanValue()).isTrue();
        assertThat(values.get("coil1").booleanValue()).isFalse();
        assertThat(values.get("coil7").booleanValue()).isTrue();
        assertThat(values.get("in1").booleanValue()).isTrue();
        assertThat(values.get("in3").booleanValue()).isFalse();
        assertThat(record.get("quality").properties())
                .allSatisfy(q -> assertThat(q.getValue().textValue()).isEqualTo("good"));
        assertThat(record.get("group").textValue()).isEqualTo("default");
        assertThat(record.get("ts").longValue()).isEqualTo(message.arrivalTime());
        assertThat(message.headers())
                .containsEntry(Headers.SOURCE, "modbus://127.0.0.1:" + peer.port() + "/1")
                .containsEntry("line", "A");
        assertThat(message.sender().device()).isEqualTo("plc");
        assertThat(message.contentType()).isEqualTo("application/json");
        assertThat(JSON.readTree(uplink.on("event/acme/plc/status").getFirst().payload())
                        .get("state")
                        .textValue())
                .isEqualTo("connected");
        // the planner read the 20 tags with 3 requests (holding 0-40, coils 0-7, discrete inputs 1-3)
        assertThat(meters.get("fogbridge.modbus.reads")
                        .tag("result", "ok")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void splitsAMergedReadTheDeviceRefusesWith0x02AndReports0x0B() throws Exception {
        List<Tag> sparse = List.of(
                Tags.of("a", Table.INPUT_REGISTERS, 0, TagType.UINT16),
                Tags.of("b", Table.INPUT_REGISTERS, 1, TagType.UINT16),
                Tags.of("c", Table.INPUT_REGISTERS, 5, TagType.UINT16),
                Tags.of("d", Table.INPUT_REGISTERS, 6, TagType.UINT16),
                Tags.of("missing", Table.INPUT_REGISTERS, 60, TagType.UINT16));
        start(
                device("sparse", peer.port(), 1, sparse, Map.of()),
                device("behind-gateway", peer.port(), 7, List.of(Tags.holding("x", 0, TagType.UINT16)), Map.of()));

        JsonNode first = JSON.readTree(firstTelemetry("sparse").payload());
        assertThat(first.get("values").get("a").longValue()).isEqualTo(11);
        assertThat(first.get("values").get("b").longValue()).isEqualTo(12);
        assertThat(first.get("values").get("c").longValue()).isEqualTo(15);
        assertThat(first.get("values").get("d").longValue()).isEqualTo(16);
        assertThat(first.get("values").get("missing").isNull()).isTrue();
        assertThat(first.get("quality").get("missing").textValue()).isEqualTo("bad:exception-0x02");
        assertThat(meters.get("fogbridge.modbus.plan.splits").counter().count()).isEqualTo(1);

        JsonNode gateway = JSON.readTree(firstTelemetry("behind-gateway").payload());
        assertThat(gateway.get("quality").get("x").textValue()).isEqualTo("bad:exception-0x0B");
        assertThat(meters.get("fogbridge.modbus.errors")
                        .tag("code", "0x0B")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void writesWhatMbpollThenReadsFromThePeer() throws Exception {
        List<Tag> tags = List.of(
                Tags.writable(Tags.holding("setpoint", 100, TagType.INT16)),
                Tags.writable(Tags.holding("ratio", 102, TagType.FLOAT32)),
                Tags.writable(Tags.scaled("speed", 104, TagType.UINT16, 0.1, 0)),
                Tags.writable(Tags.of("pump", Table.COILS, 20, TagType.BOOL)),
                Tags.writable(Tags.of("valve", Table.COILS, 21, TagType.BOOL)),
                Tags.writable(Tags.of("lamp", Table.COILS, 25, TagType.BOOL)),
                Tags.holding("readOnly", 0, TagType.INT16),
                Tags.writable(Tags.holding("beyond", 500, TagType.UINT16)));
        start(device("writer", peer.port(), 1, tags, Map.of()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !uplink.on("event/acme/writer/status").isEmpty());

        assertThat(write(
                        "w1",
                        "{\"setpoint\": -42, \"ratio\": 1.5, \"speed\": 123.4, \"pump\": true, \"valve\": true,"
                                + " \"lamp\": 1}"))
                .isEqualTo("200");
        assertThat(mbpoll("-t", "4", "-r", "100", "-c", "1")).contains("[100]: \t65494 (-42)");
        assertThat(mbpoll("-t", "4:float", "-B", "-r", "102", "-c", "1")).contains("[102]: \t1.5");
        assertThat(mbpoll("-t", "4", "-r", "104", "-c", "1")).contains("[104]: \t1234");
        assertThat(mbpoll("-t", "0", "-r", "20", "-c", "6"))
                .contains("[20]: \t1", "[21]: \t1", "[22]: \t0", "[25]: \t1");

        assertThat(write("w2", "{\"nope\": 1}")).isEqualTo("400");
        assertThat(write("w3", "{\"readOnly\": 1}")).isEqualTo("400");
        assertThat(write("w4", "{\"setpoint\": 40000}")).isEqualTo("400");
        assertThat(mbpoll("-t", "4", "-r", "100", "-c", "1")).contains("(-42)"); // a refused command writes nothing
        assertThat(write("w5", "{\"beyond\": 1}")).isEqualTo("502");
        assertThat(new String(response("w5").payload(), StandardCharsets.UTF_8)).contains("\"exception\":\"0x02\"");
        assertThat(commands.delivered()).hasSize(5);
    }

    @Test
    void aKilledPeerReportsLostThenConnectedWhileTheOthersKeepFlowing() throws Exception {
        try (PymodbusPeer second = PymodbusPeer.start(TestEnv.freePort())) {
            Tag tag = Tags.holding("u16", 1, TagType.UINT16);
            start(
                    device("steady", peer.port(), 1, List.of(tag), Map.of()),
                    device("flaky", second.port(), 1, List.of(tag), Map.of()));
            firstTelemetry("flaky");

            second.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> states("flaky").contains("lost"));
            long steadyAtLoss = telemetry("steady");
            long flakyAtLoss = telemetry("flaky");
            await().atMost(Duration.ofSeconds(5)).until(() -> telemetry("steady") >= steadyAtLoss + 3);
            assertThat(telemetry("flaky")).isLessThanOrEqualTo(flakyAtLoss + 1); // a poll under way when it died

            second.restart();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> states("flaky").equals(List.of("connected", "lost", "connected")));
            await().atMost(Duration.ofSeconds(5)).until(() -> telemetry("flaky") > flakyAtLoss + 2);
            assertThat(states("steady")).containsExactly("connected");
        }
    }

    // --- helpers

    ModbusDevice device(String id, int port, int unit, List<Tag> tags, Map<String, String> labels) {
        return new ModbusDevice(
                id,
                "acme",
                "127.0.0.1",
                port,
                unit,
                Duration.ofMillis(1000),
                labels,
                tags,
                List.of(new PollGroup(PollGroup.DEFAULT, Duration.ofMillis(200))));
    }

    void start(ModbusDevice... devices) throws Exception {
        ModbusSettings settings =
                new ModbusSettings(true, 8, Duration.ofMillis(100), Duration.ofMillis(400), List.of(devices));
        ProtocolAdapter adapter = new ModbusAdapterFactory()
                .create(
                        settings,
                        new AdapterContext(
                                uplink,
                                commands,
                                null,
                                meters,
                                null,
                                scheduler,
                                new DeviceLimits(65536, Duration.ofSeconds(5), Duration.ofSeconds(2))));
        adapters.add(adapter);
        adapter.start(uplink);
    }

    InboundMessage firstTelemetry(String device) {
        String topic = "telemetry/acme/" + device;
        await().atMost(Duration.ofSeconds(10)).until(() -> !uplink.on(topic).isEmpty());
        return uplink.on(topic).getFirst();
    }

    long telemetry(String device) {
        return uplink.count(m -> m.topic().equals("telemetry/acme/" + device));
    }

    List<String> states(String device) {
        return uplink.on("event/acme/" + device + "/status").stream()
                .map(m -> {
                    try {
                        return JSON.readTree(m.payload()).get("state").textValue();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    /** Sends a write command and returns the status its response carries. */
    String write(String correlationId, String payload) {
        long now = System.currentTimeMillis();
        commands.offer(new Command(
                "fog.command.acme/0/" + correlationId,
                "acme",
                "writer",
                "write",
                correlationId,
                true,
                payload.getBytes(StandardCharsets.UTF_8),
                "application/json",
                now,
                now + 30_000));
        InboundMessage response = response(correlationId);
        return response.topic().substring(response.topic().lastIndexOf('/') + 1);
    }

    InboundMessage response(String correlationId) {
        String prefix = "command/acme/writer/res/" + correlationId + "/";
        await().atMost(Duration.ofSeconds(10)).until(() -> !uplink.on(prefix).isEmpty());
        return uplink.on(prefix).getFirst();
    }

    /** {@code mbpoll} once against the peer, 0-based addresses, unit 1; its whole output. */
    static String mbpoll(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(TestEnv.peer("mbpoll").toString(), "-m", "tcp", "-a", "1"));
        command.addAll(List.of("-0", "-1", "-p", Integer.toString(peer.port())));
        command.addAll(List.of(args));
        command.add("127.0.0.1");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
