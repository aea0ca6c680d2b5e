package io.fogbridge.modbus;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.api.Command;
import io.fogbridge.api.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code write} commands: payload {@code {"tag": value, ...}} (JSON). Every tag is checked before anything is
 * written; then coils go out with FC05 (one) or FC15 (a run of adjacent coils), registers with FC06 (one register) or
 * FC16 (wider types), in address order, one request after the other.
 *
 * <p>The response ({@code command/{tenant}/{device}/res/{request-id}/{status}}, JSON) says what happened:
 * <ul>
 *   <li>200 {@code {"written":["a","b"]}}: every value was written
 *   <li>400 {@code {"error":...}}: not a {@code write} command, not a JSON object, an unknown or read-only tag, or a
 *       value of the wrong kind or out of range; nothing was written
 *   <li>502 {@code {"error":...,"exception":"0x02","written":[...]}}: the device answered with a Modbus exception;
 *       the tags before it were written
 *   <li>504 {@code {"error":...,"written":[...]}}: the device did not answer in time
 *   <li>503: the connection ended mid-command (a command that had written nothing yet is instead handed back to the
 *       gateway, pending again, and runs once the device is back)
 * </ul>
 *
 * <p>Confined to the session's loop.
 */
final class WriteCommands {

    static final String WRITE = "write";
    /** The twin's command (a Device's {@code spec.desired}, sent by the operator): the same payload, a write. */
    static final String DESIRED = "desired";

    private static final Logger log = LoggerFactory.getLogger(WriteCommands.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final DeviceSession session;

    /** One Modbus write request, for one or more tags. */
    private record Write(List<Tag> tags, Function<ModbusLink, CompletionStage<Void>> op) {}

    /** Refused before anything was written. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    WriteCommands(DeviceSession session) {
        this.session = session;
    }

    /** Completes on the loop once the command was answered or handed back. */
    CompletableFuture<Void> execute(Command command) {
        List<Write> writes;
        try {
            writes = plan(command);
        } catch (Refusal refusal) {
            answer(command, 400, "{\"error\":" + JsonText.quote(refusal.getMessage()) + "}");
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(command, writes, 0, new ArrayList<>(), done);
        return done;
    }

    private void run(
            Command command, List<Write> writes, int index, List<String> written, CompletableFuture<Void> done) {
        if (index == writes.size()) {
            answer(command, 200, "{\"written\":" + names(written) + "}");
            done.complete(null);
            return;
        }
        Write write = writes.get(index);
        session.submit(write.op()).whenComplete((ok, failure) -> {
            if (failure == null) {
                write.tags().forEach(t -> written.add(t.name()));
                run(command, writes, index + 1, written, done);
                return;
            }
            ModbusFailure why = ModbusFailure.of(failure);
            String error = JsonText.quote(why.getMessage());
            switch (why.kind()) {
                case EXCEPTION -> {
                    session.runtime().metrics().exception(why.exceptionCode());
                    answer(
                            command,
                            502,
                            String.format(
                                    "{\"error\":%s,\"exception\":\"0x%02X\",\"written\":%s}",
                                    error, why.exceptionCode(), names(written)));
                }
                case TIMEOUT -> answer(command, 504, "{\"error\":" + error + ",\"written\":" + names(written) + "}");
                case MALFORMED -> answer(command, 502, "{\"error\":" + error + ",\"written\":" + names(written) + "}");
                case DISCONNECTED -> {
                    if (written.isEmpty()) {
                        session.runtime().commands().notDelivered(command);
                        log.info(
                                "modbus {}: {} waits for the device to be back",
                                session.device().id(),
                                command);
                    } else {
                        answer(command, 503, "{\"error\":" + error + ",\"written\":" + names(written) + "}");
                    }
                }
            }
            done.complete(null);
        });
    }

    private List<Write> plan(Command command) throws Refusal {
        if (!command.name().equals(WRITE) && !command.name().equals(DESIRED)) {
            throw new Refusal("unknown command '" + command.name() + "'; a Modbus device takes '" + WRITE + "' (or '"
                    + DESIRED + "')");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(command.payload());
        } catch (IOException e) {
            throw new Refusal(
                    "payload is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (payload == null || !payload.isObject() || payload.isEmpty()) {
            throw new Refusal("payload must be a JSON object of tag names to values, such as {\"setpoint\": 42}");
        }
        List<Map.Entry<Tag, Object>> values = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : payload.properties()) {
            Tag tag = session.device()
                    .tag(field.getKey())
                    .orElseThrow(() -> new Refusal("unknown tag '" + field.getKey() + "'"));
            if (!tag.access().writable()) {
                throw new Refusal("tag '" + tag.name() + "' is read-only (access: "
                        + tag.access().id() + ")");
            }
            values.add(Map.entry(tag, value(field.getValue())));
        }
        values.sort(
                Comparator.comparing((Map.Entry<Tag, Object> e) -> e.getKey().table())
                        .thenComparingInt(e -> e.getKey().address()));
        try {
            return writes(values);
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage());
        }
    }

    /** Adjacent coils share one FC15; every register tag is one FC06/FC16. */
    private static List<Write> writes(List<Map.Entry<Tag, Object>> values) {
        List<Write> writes = new ArrayList<>();
        int i = 0;
        while (i < values.size()) {
            Tag tag = values.get(i).getKey();
            if (tag.table() == Table.COILS) {
                int j = i + 1;
                while (j < values.size()
                        && values.get(j).getKey().table() == Table.COILS
                        && values.get(j).getKey().address()
                                == values.get(j - 1).getKey().address() + 1) {
                    j++;
                }
                boolean[] bits = new boolean[j - i];
                List<Tag> tags = new ArrayList<>();
                for (int k = i; k < j; k++) {
                    bits[k - i] =
                            TagCodec.bool(values.get(k).getKey(), values.get(k).getValue());
                    tags.add(values.get(k).getKey());
                }
                writes.add(new Write(tags, link -> link.writeCoils(tag.address(), bits)));
                i = j;
            } else {
                byte[] registers = TagCodec.encode(tag, values.get(i).getValue());
                writes.add(new Write(List.of(tag), link -> link.writeRegisters(tag.address(), registers)));
                i++;
            }
        }
        return writes;
    }

    private static Object value(JsonNode node) throws Refusal {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        throw new Refusal("values are booleans, numbers or strings, got " + node.getNodeType());
    }

    private void answer(Command command, int status, String json) {
        session.runtime().metrics().write(status);
        session.runtime().commands().delivered(command);
        if (command.oneWay()) {
            return;
        }
        String topic = Topics.deviceCommandResponseTopic(
                command.tenant(), command.device(), command.requestId(), Integer.toString(status));
        session.publish(
                        topic,
                        json.getBytes(StandardCharsets.UTF_8),
                        session.runtime().clock().millis())
                .whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        log.warn(
                                "modbus {}: answer to {} not sent",
                                session.device().id(),
                                command,
                                failure);
                    }
                });
    }

    private static String names(List<String> names) {
        return "[" + String.join(",", names.stream().map(JsonText::quote).toList()) + "]";
    }
}
