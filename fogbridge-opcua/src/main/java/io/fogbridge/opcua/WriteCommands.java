package io.fogbridge.opcua;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.api.Command;
import io.fogbridge.api.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code write} commands for one endpoint (and hands {@code call} commands to {@link MethodCalls}), picked up from the gateway's command inbox while the endpoint is
 * subscribed (the same shape as the Modbus converter's writes). Payload {@code {"item": value, ...}} (JSON), naming
 * items configured {@code writable: true}. Every name is checked, then one Read asks the server for the nodes' data
 * types, every value is converted to its node's type ({@link WriteValue}), and one Write service call sets them all.
 *
 * <p>The response ({@code command/{tenant}/{device}/res/{request-id}/{status}}, JSON) maps the OPC UA status codes:
 * <ul>
 *   <li>200 {@code {"written":["a","b"]}}: the server answered Good for every node
 *   <li>400 {@code {"error":...}}: not a {@code write}, not a JSON object, an unknown or not writable item, a value
 *       that does not fit the node's type (nothing written); or the server answered a bad type or node
 *       ({@code Bad_TypeMismatch}, {@code Bad_NodeIdUnknown}, {@code Bad_NotWritable}, {@code Bad_OutOfRange} …)
 *   <li>403: the server answered {@code Bad_UserAccessDenied}: the session's user may not write that node
 *   <li>502 {@code {"error":...,"status":{"a":"Bad_..."}}}: any other Bad code, named per item
 *   <li>504: no answer within {@code adapters.opcua.requestTimeout}
 *   <li>503: the connection ended mid-command (whether the server applied it is unknown)
 * </ul>
 * A 4xx/5xx answer from the server lists the items it did write in {@code written}: a Write is per node, not atomic.
 *
 * <p>Thread-safe: {@link #attach} and {@link #detach} come from the endpoint's loop, commands complete on the
 * router's and Milo's threads.
 */
final class WriteCommands {

    static final String WRITE = "write";
    /** The twin's command (a Device's {@code spec.desired}, sent by the operator): the same payload, a write. */
    static final String DESIRED = "desired";

    private static final Logger log = LoggerFactory.getLogger(WriteCommands.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Set<Long> BAD_REQUEST = Set.of(
            StatusCodes.Bad_TypeMismatch,
            StatusCodes.Bad_NodeIdUnknown,
            StatusCodes.Bad_NodeIdInvalid,
            StatusCodes.Bad_NotWritable,
            StatusCodes.Bad_OutOfRange,
            StatusCodes.Bad_WriteNotSupported,
            StatusCodes.Bad_AttributeIdInvalid,
            StatusCodes.Bad_IndexRangeInvalid);

    private final OpcUaEndpoint endpoint;
    private final OpcUaRuntime runtime;
    private final EndpointSession session;
    private final MethodCalls calls;
    private OpcUaClient client; // guarded by this
    private CompletableFuture<Optional<Command>> wait; // guarded by this

    /** Refused before anything was sent to the server. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    WriteCommands(OpcUaEndpoint endpoint, OpcUaRuntime runtime, EndpointSession session) {
        this.endpoint = endpoint;
        this.runtime = runtime;
        this.session = session;
        this.calls = new MethodCalls(endpoint, this::answer);
    }

    /** The endpoint is subscribed on {@code on}: take its commands. */
    synchronized void attach(OpcUaClient on) {
        client = on;
        awaitNext();
    }

    /** The endpoint lost its session: commands wait in the inbox until it is back. */
    synchronized void detach() {
        client = null;
        if (wait != null) {
            wait.cancel(false);
            wait = null;
        }
    }

    private synchronized void awaitNext() {
        if (runtime.commands() == null || client == null || wait != null) {
            return;
        }
        CompletableFuture<Optional<Command>> next =
                runtime.commands().awaitCommand(endpoint.tenant(), endpoint.id(), runtime.maxTtd());
        wait = next;
        // async: a run of pending commands refused at once would otherwise recurse on this stack
        next.whenCompleteAsync((command, failure) -> onCommand(next, command, failure));
    }

    private void onCommand(CompletableFuture<Optional<Command>> which, Optional<Command> command, Throwable failure) {
        OpcUaClient on;
        synchronized (this) {
            if (wait != which) {
                if (command != null) {
                    command.ifPresent(c -> runtime.commands().notDelivered(c)); // detached meanwhile: pending again
                }
                return;
            }
            wait = null;
            on = client;
        }
        if (failure != null) {
            if (!(failure instanceof CancellationException)) {
                log.warn("opcua {}: waiting for commands failed", endpoint.id(), failure);
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(this::awaitNext);
            }
            return;
        }
        if (command.isEmpty()) {
            awaitNext();
            return;
        }
        execute(command.get(), on).whenComplete((v, e) -> awaitNext());
    }

    /** Completes once the command was answered. */
    CompletableFuture<Void> execute(Command command, OpcUaClient on) {
        if (command.name().equals(MethodCalls.CALL)) {
            return calls.execute(command, on).exceptionally(failure -> {
                failed(command, failure);
                return null;
            });
        }
        Map<OpcUaItem, JsonNode> values;
        try {
            values = plan(command);
        } catch (Refusal refusal) {
            answer(command, 400, "{\"error\":" + quote(refusal.getMessage()) + "}");
            return CompletableFuture.completedFuture(null);
        }
        List<OpcUaItem> items = new ArrayList<>(values.keySet());
        List<ReadValueId> types = items.stream()
                .map(i -> new ReadValueId(
                        NodeId.parse(i.nodeId()), AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE))
                .toList();
        return on.readAsync(0, TimestampsToReturn.Neither, types)
                .thenCompose(read -> write(command, on, items, values, read))
                .exceptionally(failure -> {
                    failed(command, failure);
                    return null;
                });
    }

    private CompletableFuture<Void> write(
            Command command,
            OpcUaClient on,
            List<OpcUaItem> items,
            Map<OpcUaItem, JsonNode> values,
            ReadResponse read) {
        List<NodeId> nodes = new ArrayList<>();
        List<DataValue> written = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            OpcUaItem item = items.get(i);
            DataValue type = read.getResults()[i];
            if (!type.statusCode().isGood() || !(type.value().value() instanceof NodeId dataType)) {
                answer(
                        command,
                        400,
                        "{\"error\":"
                                + quote("item '" + item.name() + "': the server has no such node ("
                                        + PublishRecord.quality(type.statusCode()) + ")")
                                + "}");
                return CompletableFuture.completedFuture(null);
            }
            try {
                nodes.add(NodeId.parse(item.nodeId()));
                written.add(
                        new DataValue(new Variant(WriteValue.of(values.get(item), dataType)), StatusCode.GOOD, null));
            } catch (IllegalArgumentException e) {
                answer(command, 400, "{\"error\":" + quote("item '" + item.name() + "': " + e.getMessage()) + "}");
                return CompletableFuture.completedFuture(null);
            }
        }
        return on.writeValuesAsync(nodes, written).thenAccept(statuses -> answer(command, items, statuses));
    }

    private void answer(Command command, List<OpcUaItem> items, List<StatusCode> statuses) {
        List<String> done = new ArrayList<>();
        Map<String, StatusCode> bad = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (statuses.get(i).isGood()) {
                done.add(items.get(i).name());
            } else {
                bad.put(items.get(i).name(), statuses.get(i));
            }
        }
        if (bad.isEmpty()) {
            answer(command, 200, "{\"written\":" + names(done) + "}");
            return;
        }
        int status = bad.values().stream().anyMatch(s -> s.value() == StatusCodes.Bad_UserAccessDenied)
                ? 403
                : bad.values().stream().allMatch(s -> BAD_REQUEST.contains(s.value())) ? 400 : 502;
        StringBuilder codes = new StringBuilder("{");
        bad.forEach((name, code) -> codes.append(codes.length() > 1 ? "," : "")
                .append(quote(name))
                .append(':')
                .append(quote(name(code))));
        answer(
                command,
                status,
                "{\"error\":" + quote("the server refused " + String.join(", ", bad.keySet())) + ",\"status\":"
                        + codes.append('}') + ",\"written\":" + names(done) + "}");
    }

    private void failed(Command command, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof UaException ua) {
            long code = ua.getStatusCode().value();
            int status = code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout
                    ? 504
                    : code == StatusCodes.Bad_UserAccessDenied
                            ? 403
                            : BAD_REQUEST.contains(code)
                                    ? 400
                                    : code == StatusCodes.Bad_ConnectionClosed
                                                    || code == StatusCodes.Bad_SessionClosed
                                                    || code == StatusCodes.Bad_SecureChannelClosed
                                            ? 503
                                            : 502;
            answer(
                    command,
                    status,
                    "{\"error\":" + quote(String.valueOf(ua.getMessage())) + ",\"status\":"
                            + quote(name(ua.getStatusCode())) + "}");
            return;
        }
        log.warn("opcua {}: {} failed", endpoint.id(), command, cause);
        answer(command, 503, "{\"error\":" + quote(String.valueOf(cause)) + "}");
    }

    private Map<OpcUaItem, JsonNode> plan(Command command) throws Refusal {
        if (!command.name().equals(WRITE) && !command.name().equals(DESIRED)) {
            throw new Refusal("unknown command '" + command.name() + "'; an OPC UA endpoint takes '" + WRITE + "' (or '"
                    + DESIRED + "') and '" + MethodCalls.CALL + "'");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(command.payload());
        } catch (IOException e) {
            throw new Refusal(
                    "payload is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (payload == null || !payload.isObject() || payload.isEmpty()) {
            throw new Refusal("payload must be a JSON object of item names to values, such as {\"setpoint\": 42}");
        }
        Map<OpcUaItem, JsonNode> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : payload.properties()) {
            OpcUaItem item = endpoint.items().stream()
                    .filter(i -> i.name().equals(field.getKey()))
                    .findFirst()
                    .orElseThrow(() -> new Refusal("unknown item '" + field.getKey() + "'"));
            if (!item.writable()) {
                throw new Refusal("item '" + item.name() + "' is not writable (configure writable: true)");
            }
            values.put(item, field.getValue());
        }
        return values;
    }

    private void answer(Command command, int status, String json) {
        if (command.name().equals(MethodCalls.CALL)) {
            runtime.metrics().call(status);
        } else {
            runtime.metrics().write(status);
        }
        runtime.commands().delivered(command);
        if (command.oneWay()) {
            return;
        }
        String topic = Topics.deviceCommandResponseTopic(
                command.tenant(), command.device(), command.requestId(), Integer.toString(status));
        session.publish(
                        topic,
                        json.getBytes(StandardCharsets.UTF_8),
                        runtime.clock().millis())
                .whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        log.warn("opcua {}: answer to {} not sent", endpoint.id(), command, failure);
                    }
                });
    }

    static String name(StatusCode code) {
        return StatusCodes.lookup(code.value()).map(names -> names[0]).orElse(String.format("0x%08X", code.value()));
    }

    private static String names(List<String> names) {
        return "[" + String.join(",", names.stream().map(WriteCommands::quote).toList()) + "]";
    }

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
