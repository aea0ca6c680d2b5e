package io.fogbridge.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.api.Command;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.DeviceLimits;
import io.fogbridge.modbus.RawModbusServer.Behaviour;
import io.fogbridge.testkit.HeldCommands;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.RecordingUplink;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Devices that misbehave on the wire: one that never answers, one that sends frames that cannot be trusted. */
class ModbusFaultIT {

    static final ObjectMapper JSON = new ObjectMapper();

    final RecordingUplink uplink = new RecordingUplink();
    final HeldCommands commands = new HeldCommands();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    ProtocolAdapter adapter;

    @AfterEach
    void stop() {
        if (adapter != null) {
            adapter.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void aPeerThatNeverAnswersTimesOutWithoutPileUpAndDelaysNoOther() throws Exception {
        try (RawModbusServer silent = new RawModbusServer(Behaviour.SILENT);
                PymodbusPeer healthy = PymodbusPeer.start(TestEnv.freePort())) {
            start(
                    device("silent", silent.port(), Duration.ofMillis(300)),
                    device("healthy", healthy.port(), Duration.ofMillis(300)));

            await().atMost(Duration.ofSeconds(10)).until(() -> silent.connections() >= 3);
            long healthyBefore = telemetry("healthy");
            await().atMost(Duration.ofSeconds(5)).until(() -> telemetry("healthy") >= healthyBefore + 5);

            JsonNode record =
                    JSON.readTree(uplink.on("telemetry/acme/silent").getFirst().payload());
            assertThat(record.get("quality").get("v").textValue()).isEqualTo("bad:timeout");
            assertThat(status("silent")).contains("lost");
            assertThat(reasons("silent")).anySatisfy(r -> assertThat(r).contains("no answer within 300 ms"));
            // one request at a time: a request unanswered in time ends its connection, nothing queues behind it
            assertThat(silent.requests).allSatisfy(n -> assertThat(n.get()).isLessThanOrEqualTo(1));
            // polls every 100 ms against 300 ms timeouts and back-off: slots pass, counted, never queued
            assertThat(meters.get("fogbridge.modbus.polls.missed").counter().count()
                            + meters.get("fogbridge.modbus.polls.skipped")
                                    .counter()
                                    .count())
                    .isGreaterThan(0);
            assertThat(meters.get("fogbridge.modbus.reads")
                            .tag("result", "timeout")
                            .counter()
                            .count())
                    .isGreaterThanOrEqualTo(1);
            assertThat(status("healthy")).containsExactly("connected");
        }
    }

    @Test
    void aWriteToAPeerThatNeverAnswersIsAnswered504() throws Exception {
        try (RawModbusServer silent = new RawModbusServer(Behaviour.SILENT)) {
            ModbusDevice device = new ModbusDevice(
                    "silent",
                    "acme",
                    "127.0.0.1",
                    silent.port(),
                    1,
                    Duration.ofMillis(300),
                    Map.of(),
                    List.of(Tags.writable(Tags.holding("v", 0, TagType.UINT16))),
                    List.of(new PollGroup(PollGroup.DEFAULT, Duration.ofSeconds(60))));
            start(device);
            await().atMost(Duration.ofSeconds(10)).until(() -> status("silent").contains("connected"));

            long now = System.currentTimeMillis();
            commands.offer(new Command(
                    "c/0/1",
                    "acme",
                    "silent",
                    "write",
                    "w1",
                    true,
                    "{\"v\": 5}".getBytes(StandardCharsets.UTF_8),
                    "application/json",
                    now,
                    now + 30_000));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !uplink.on("command/acme/silent/res/w1/").isEmpty());
            assertThat(uplink.on("command/acme/silent/res/w1/").getFirst().topic())
                    .endsWith("/504");
        }
    }

    @Test
    void framesThatCannotBeTrustedEndTheConnectionAreCountedAndPollsResume() throws Exception {
        try (RawModbusServer broken =
                new RawModbusServer(Behaviour.WRONG_TRANSACTION_ID, Behaviour.TRUNCATED_PDU, Behaviour.GOOD)) {
            start(device("broken", broken.port(), Duration.ofMillis(2000)));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> uplink.on("telemetry/acme/broken").stream().anyMatch(ModbusFaultIT::good));

            assertThat(meters.get("fogbridge.modbus.malformed").counter().count())
                    .isEqualTo(2);
            assertThat(status("broken")).containsExactly("connected", "lost", "connected", "lost", "connected");
            assertThat(reasons("broken"))
                    .anySatisfy(r -> assertThat(r).contains("transaction id"))
                    .anySatisfy(r -> assertThat(r).contains("malformed"));
            InboundMessage last = uplink.on("telemetry/acme/broken").getLast();
            assertThat(JSON.readTree(last.payload()).get("values").get("v").longValue())
                    .isEqualTo(7);
            assertThat(broken.connections()).isEqualTo(3);
            assertThat(adapter.ready()).isTrue();
        }
    }

    static boolean good(InboundMessage message) {
        try {
            return JSON.readTree(message.payload())
                    .get("quality")
                    .get("v")
                    .textValue()
                    .equals("good");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    ModbusDevice device(String id, int port, Duration timeout) {
        return new ModbusDevice(
                id,
                "acme",
                "127.0.0.1",
                port,
                1,
                timeout,
                Map.of(),
                List.of(Tags.holding("v", 1, TagType.UINT16)),
                List.of(new PollGroup(PollGroup.DEFAULT, Duration.ofMillis(100))));
    }

    void start(ModbusDevice... devices) throws Exception {
        ModbusSettings settings =
                new ModbusSettings(true, 8, Duration.ofMillis(100), Duration.ofMillis(400), List.of(devices));
        adapter = new ModbusAdapterFactory()
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
        adapter.start(uplink);
    }

    long telemetry(String device) {
        return uplink.count(m -> m.topic().equals("telemetry/acme/" + device));
    }

    List<String> status(String device) {
        return field(device, "state");
    }

    List<String> reasons(String device) {
        return field(device, "reason");
    }

    private List<String> field(String device, String name) {
        return uplink.on("event/acme/" + device + "/status").stream()
                .map(m -> {
                    try {
                        JsonNode value = JSON.readTree(m.payload()).get(name);
                        return value == null ? "" : value.textValue();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }
}
