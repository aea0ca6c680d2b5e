package io.fogbridge.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry policy of desired commands: once per generation, again only after the ttl, never past the last try. */
class DesiredStateTest {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void sendsOnceWaitsTheTtlRetriesAndGivesUpWithoutALoop() {
        Device device = device(Map.of("setpoint", IntNode.valueOf(30)));
        DeviceStatus status = new DeviceStatus();

        DesiredState.Decision first = decide(device, status, T0);
        assertThat(first.send()).isEqualTo(Map.of("setpoint", IntNode.valueOf(30)));
        assertThat(first.command().attempts).isEqualTo(1);
        assertThat(first.inSync().reason).isEqualTo("Sent");
        status.desiredCommand = first.command();

        // Events before the ttl (the gateway's twin writes, say) send nothing.
        for (int s = 1; s < 30; s += 7) {
            DesiredState.Decision waiting = decide(device, status, T0.plusSeconds(s));
            assertThat(waiting.send()).isNull();
            assertThat(waiting.recheck()).isPositive();
        }
        DesiredState.Decision second = decide(device, status, T0.plus(TTL));
        assertThat(second.command().attempts).isEqualTo(2);
        status.desiredCommand = second.command();
        status.desiredCommand =
                decide(device, status, T0.plus(TTL.multipliedBy(2))).command();
        assertThat(status.desiredCommand.attempts).isEqualTo(3);

        DesiredState.Decision givenUp = decide(device, status, T0.plus(TTL.multipliedBy(3)));
        assertThat(givenUp.send()).isNull();
        assertThat(givenUp.inSync().reason).isEqualTo("NotApplied");
        assertThat(decide(device, status, T0.plus(TTL.multipliedBy(100))).send())
                .isNull();

        // A new generation starts again.
        device.getMetadata().setGeneration(2L);
        assertThat(decide(device, status, T0.plus(TTL.multipliedBy(4))).command().attempts)
                .isEqualTo(1);
    }

    @Test
    void aRefusedCommandIsNotSentAgainUntilTheSpecChanges() {
        Device device = device(Map.of("setpoint", IntNode.valueOf(99)));
        DeviceStatus status = new DeviceStatus();
        status.desiredCommand = decide(device, status, T0).command();
        status.desiredCommand.refusal = "400 {\"error\":\"out of range\"}";
        DesiredState.Decision refused = decide(device, status, T0.plus(TTL.multipliedBy(5)));
        assertThat(refused.send()).isNull();
        assertThat(refused.recheck()).isNull();
        assertThat(refused.inSync().reason).isEqualTo("Refused");
        assertThat(refused.inSync().message).contains("400", "out of range");
        device.getMetadata().setGeneration(2L);
        assertThat(decide(device, status, T0.plus(TTL.multipliedBy(5))).send()).isNotNull();
    }

    @Test
    void inSyncWhenTheReportedValueMatchesNumbersByValue() {
        Device device = device(Map.of("setpoint", IntNode.valueOf(30)));
        DeviceStatus status = new DeviceStatus();
        status.reported.put("setpoint", new DeviceStatus.ReportedValue(DoubleNode.valueOf(30.0), "t"));
        DesiredState.Decision decision = decide(device, status, T0);
        assertThat(decision.inSync().status).isEqualTo(Condition.Status.TRUE);
        assertThat(decision.send()).isNull();

        assertThat(DesiredState.decide(device(Map.of()), status, true, true, T0, TTL, 3)
                        .inSync())
                .as("no desired values: no condition")
                .isNull();
        status.reported.clear();
        assertThat(DesiredState.decide(device, status, false, true, T0, TTL, 3).send())
                .as("not before it is registered")
                .isNull();
        assertThat(DesiredState.decide(device, status, true, false, T0, TTL, 3).inSync().reason)
                .isEqualTo("NoCommandPath");
    }

    private static DesiredState.Decision decide(Device device, DeviceStatus status, Instant now) {
        return DesiredState.decide(device, status, true, true, now, TTL, 3);
    }

    private static Device device(Map<String, com.fasterxml.jackson.databind.JsonNode> desired) {
        Device device = Devices.mqtt("plant-1", "lathe-7", "lathe");
        device.getMetadata().setGeneration(1L);
        device.getSpec().desired = desired;
        return device;
    }
}
