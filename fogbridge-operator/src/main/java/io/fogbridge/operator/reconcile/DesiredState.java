package io.fogbridge.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares a Device's {@code spec.desired} with its {@code status.reported} and decides the {@code InSync} condition
 * and whether a {@code desired} command goes now. The retry policy: the first command goes when the values differ
 * for a generation; another only after {@code ttl} passed with the device still not reporting them, at most
 * {@code maxAttempts} in all; then {@code InSync=False, reason=NotApplied} until the spec changes. A command the
 * device refused (a response other than 2xx) is not sent again either: {@code reason=Refused} with its answer. So a desired value
 * is never sent in a loop, whatever the device does. Pure: the clock is a parameter.
 */
final class DesiredState {

    static final String IN_SYNC = "InSync";
    static final Duration TTL = Duration.ofSeconds(30);
    static final int MAX_ATTEMPTS = 3;

    /**
     * @param inSync  the condition, or null: the Device has no desired values (no condition)
     * @param send    the values to send now, or null
     * @param command what the status records of the commands sent (after {@code send}, if any)
     * @param recheck when to look again though nothing changes (a retry is due), or null
     */
    record Decision(
            Condition inSync, Map<String, JsonNode> send, DeviceStatus.DesiredCommand command, Duration recheck) {}

    private DesiredState() {}

    static Decision decide(
            Device device,
            DeviceStatus status,
            boolean registered,
            boolean canSend,
            Instant now,
            Duration ttl,
            int maxAttempts) {
        Map<String, JsonNode> desired = device.getSpec().desired;
        DeviceStatus.DesiredCommand last = status == null ? null : status.desiredCommand;
        if (desired == null || desired.isEmpty()) {
            return new Decision(null, null, last, null);
        }
        Map<String, JsonNode> differing = new TreeMap<>();
        desired.forEach((name, value) -> {
            DeviceStatus.ReportedValue reported = status == null ? null : status.reported.get(name);
            if (reported == null || !same(reported.value, value)) {
                differing.put(name, value);
            }
        });
        if (differing.isEmpty()) {
            return new Decision(
                    condition(Condition.Status.TRUE, "Reported", "the device reports every desired value"),
                    null,
                    last,
                    null);
        }
        if (!registered) {
            return new Decision(
                    condition(Condition.Status.FALSE, "NotRegistered", "no command before the device is registered"),
                    null,
                    last,
                    null);
        }
        if (!canSend) {
            return new Decision(
                    condition(
                            Condition.Status.FALSE,
                            "NoCommandPath",
                            "the operator has no Kafka producer for commands; differing: " + differing.keySet()),
                    null,
                    last,
                    null);
        }
        long generation = device.getMetadata().getGeneration() == null
                ? 0
                : device.getMetadata().getGeneration();
        boolean sameGeneration = last != null && last.generation != null && last.generation == generation;
        int attempts = sameGeneration && last.attempts != null ? last.attempts : 0;
        Instant due = sameGeneration && last.sentAt != null
                ? Instant.parse(last.sentAt).plus(ttl)
                : now;
        if (attempts > 0 && last.refusal != null) {
            return new Decision(
                    condition(
                            Condition.Status.FALSE,
                            "Refused",
                            "command " + last.correlationId + " was answered " + last.refusal
                                    + "; none is sent again until spec.desired changes"),
                    null,
                    last,
                    null);
        }
        if (attempts > 0 && now.isBefore(due) && last.sendError != null) {
            return new Decision(
                    condition(
                            Condition.Status.FALSE,
                            "SendFailed",
                            "command " + last.correlationId + " (attempt " + attempts + " of " + maxAttempts
                                    + ") did not reach Kafka: " + last.sendError),
                    null,
                    last,
                    Duration.between(now, due).plusMillis(100));
        }
        if (attempts > 0 && now.isBefore(due)) {
            return new Decision(
                    condition(
                            Condition.Status.FALSE,
                            "Sent",
                            "command " + last.correlationId + " (attempt " + attempts + " of " + maxAttempts
                                    + ") sent; waiting for the device to report " + differing.keySet()),
                    null,
                    last,
                    Duration.between(now, due).plusMillis(100));
        }
        if (attempts >= maxAttempts) {
            return new Decision(
                    condition(
                            Condition.Status.FALSE,
                            "NotApplied",
                            maxAttempts + " commands went unanswered by a report of " + differing.keySet()
                                    + "; none is sent again until spec.desired changes"),
                    null,
                    last,
                    null);
        }
        DeviceStatus.DesiredCommand next = new DeviceStatus.DesiredCommand();
        next.generation = generation;
        next.attempts = attempts + 1;
        next.sentAt = now.truncatedTo(ChronoUnit.MILLIS).toString();
        next.correlationId = device.getMetadata().getName() + "-desired-" + generation + "-" + next.attempts;
        next.values = differing;
        return new Decision(
                condition(
                        Condition.Status.FALSE,
                        "Sent",
                        "command " + next.correlationId + " (attempt " + next.attempts + " of " + maxAttempts
                                + ") sent; waiting for the device to report " + differing.keySet()),
                differing,
                next,
                ttl.plusMillis(100));
    }

    /** Equal values; numbers by value, so a device reporting {@code 30.0} matches a desired {@code 30}. */
    static boolean same(JsonNode reported, JsonNode desired) {
        if (reported == null || desired == null) {
            return reported == desired;
        }
        if (reported.isNumber() && desired.isNumber()) {
            return reported.decimalValue().compareTo(desired.decimalValue()) == 0;
        }
        return reported.equals(desired);
    }

    private static Condition condition(Condition.Status status, String reason, String message) {
        return new Condition(IN_SYNC, status, reason, message);
    }
}
