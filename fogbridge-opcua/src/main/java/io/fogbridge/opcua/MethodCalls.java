package io.fogbridge.opcua;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.api.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowsePath;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowsePathResult;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.RelativePath;
import org.eclipse.milo.opcua.stack.core.types.structured.RelativePathElement;

/**
 * Runs {@code call} commands: payload {@code {"objectId": "ns=1;s=Pump", "methodId": "ns=1;s=Pump.Start", "args":
 * [1500, true]}} (JSON; {@code args} may be left out for a method without inputs). The pair must be one of the
 * endpoint's configured {@code methods}. The converter reads the method's {@code InputArguments} property to learn
 * each argument's data type and value rank (JSON has only "number"; servers refuse a Double for an Int32), converts
 * the JSON values exactly ({@link WriteValue}): a scalar, or a JSON array for an argument declared a one-dimensional
 * array ({@code ValueRank} 1, or a rank that allows one), element by element into an array of the declared type
 * ({@code [1, 2]} for an Int32[] becomes Int32[]{1, 2}); and sends one Call. Matrices are refused.
 *
 * <p>Responses, as for writes ({@link WriteCommands}):
 * <ul>
 *   <li>200 {@code {"outputs":[...]}}: the method's output arguments, as JSON values (as in a record's {@code values})
 *   <li>400 {@code {"error":...}}: not JSON, a node id that does not parse, a pair not in {@code methods}, a wrong
 *       number of arguments or one that does not fit its type (nothing sent); or the server answered a bad method,
 *       node or argument ({@code Bad_MethodInvalid}, {@code Bad_NodeIdUnknown}, {@code Bad_TypeMismatch},
 *       {@code Bad_InvalidArgument}, {@code Bad_ArgumentsMissing} …), with the per-argument results in {@code args}
 *   <li>403: {@code Bad_UserAccessDenied}
 *   <li>502 {@code {"error":...,"status":"Bad_..."}}: any other Bad code the method returned, named
 *   <li>504 / 503: no answer in time / the connection ended mid-call (answered by {@link WriteCommands})
 * </ul>
 *
 * <p>Stateless apart from the endpoint; thread-safe.
 */
final class MethodCalls {

    static final String CALL = "call";
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Set<Long> BAD_REQUEST = Set.of(
            StatusCodes.Bad_MethodInvalid,
            StatusCodes.Bad_NodeIdUnknown,
            StatusCodes.Bad_NodeIdInvalid,
            StatusCodes.Bad_ArgumentsMissing,
            StatusCodes.Bad_TooManyArguments,
            StatusCodes.Bad_InvalidArgument,
            StatusCodes.Bad_TypeMismatch,
            StatusCodes.Bad_OutOfRange,
            StatusCodes.Bad_NotExecutable);

    /** Where a call's answer goes: the endpoint's command responses. */
    @FunctionalInterface
    interface Answer {
        void answer(Command command, int status, String json);
    }

    /** A call refused before anything was sent to the server, with why. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private record Plan(NodeId objectId, NodeId methodId, List<JsonNode> args) {}

    private final OpcUaEndpoint endpoint;
    private final Answer answers;

    MethodCalls(OpcUaEndpoint endpoint, Answer answers) {
        this.endpoint = endpoint;
        this.answers = answers;
    }

    /**
     * Completes once the command was answered; completes exceptionally with the service failure (timeout, closed
     * connection) for the caller to answer.
     */
    CompletableFuture<Void> execute(Command command, OpcUaClient on) {
        Plan plan;
        try {
            plan = plan(command);
        } catch (Refusal refusal) {
            answers.answer(command, 400, "{\"error\":" + quote(refusal.getMessage()) + "}");
            return CompletableFuture.completedFuture(null);
        }
        return inputArguments(on, plan.methodId()).thenCompose(types -> {
            if (types == null) {
                answers.answer(
                        command,
                        400,
                        "{\"error\":"
                                + quote("the server has no node "
                                        + plan.methodId().toParseableString()) + ","
                                + "\"status\":\"Bad_NodeIdUnknown\"}");
                return CompletableFuture.completedFuture(null);
            }
            Variant[] inputs;
            try {
                inputs = convert(plan.args(), types);
            } catch (Refusal refusal) {
                answers.answer(command, 400, "{\"error\":" + quote(refusal.getMessage()) + "}");
                return CompletableFuture.completedFuture(null);
            }
            return on.callAsync(List.of(new CallMethodRequest(plan.objectId(), plan.methodId(), inputs)))
                    .thenAccept(response -> answer(command, response.getResults()[0]));
        });
    }

    private Plan plan(Command command) throws Refusal {
        JsonNode payload;
        try {
            payload = JSON.readTree(command.payload());
        } catch (IOException e) {
            throw new Refusal(
                    "payload is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (payload == null || !payload.isObject()) {
            throw new Refusal("payload must be a JSON object {\"objectId\": ..., \"methodId\": ..., \"args\": [...]}");
        }
        NodeId objectId = nodeId(payload, "objectId");
        NodeId methodId = nodeId(payload, "methodId");
        boolean allowed = endpoint.methods().stream()
                .anyMatch(m -> objectId.equals(NodeId.parseOrNull(m.objectId()))
                        && methodId.equals(NodeId.parseOrNull(m.methodId())));
        if (!allowed) {
            throw new Refusal("method " + methodId.toParseableString() + " on " + objectId.toParseableString()
                    + " is not in the endpoint's methods (configure methods: [{objectId, methodId}])");
        }
        JsonNode args = payload.get("args");
        if (args != null && !args.isArray() && !args.isNull()) {
            throw new Refusal("args must be a JSON array of the method's input arguments, in order");
        }
        List<JsonNode> values = new ArrayList<>();
        if (args != null && args.isArray()) {
            args.forEach(values::add);
        }
        return new Plan(objectId, methodId, values);
    }

    private static NodeId nodeId(JsonNode payload, String field) throws Refusal {
        JsonNode text = payload.get(field);
        NodeId id = text != null && text.isTextual() ? NodeId.parseOrNull(text.textValue()) : null;
        if (id == null) {
            throw new Refusal(field + " must be an OPC UA node id such as \"ns=2;s=Pump\", got " + text);
        }
        return id;
    }

    /**
     * The method's input arguments as the server declares them, from its {@code InputArguments} property; none when
     * it has no such property; null when the server does not know the method node.
     */
    private static CompletableFuture<List<Argument>> inputArguments(OpcUaClient on, NodeId method) {
        BrowsePath path = new BrowsePath(method, new RelativePath(new RelativePathElement[] {
            new RelativePathElement(NodeIds.HasProperty, false, true, new QualifiedName(0, "InputArguments"))
        }));
        return on.translateBrowsePathsAsync(List.of(path)).thenCompose(translated -> {
            BrowsePathResult result = translated.getResults()[0];
            long code = result.getStatusCode().value();
            if (code == StatusCodes.Bad_NodeIdUnknown || code == StatusCodes.Bad_NodeIdInvalid) {
                return CompletableFuture.completedFuture((List<Argument>) null);
            }
            if (!result.getStatusCode().isGood() || result.getTargets() == null || result.getTargets().length == 0) {
                return CompletableFuture.completedFuture(List.<Argument>of());
            }
            NodeId property = result.getTargets()[0]
                    .getTargetId()
                    .toNodeId(on.getNamespaceTable())
                    .orElse(NodeId.NULL_VALUE);
            ReadValueId read = new ReadValueId(property, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE);
            return on.readAsync(0, TimestampsToReturn.Neither, List.of(read))
                    .thenApply(response -> arguments(on, response.getResults()[0]));
        });
    }

    private static List<Argument> arguments(OpcUaClient on, DataValue value) {
        if (value.value().value() instanceof Argument[] decoded) {
            return List.of(decoded);
        }
        if (!(value.value().value() instanceof ExtensionObject[] objects)) {
            return List.of();
        }
        List<Argument> arguments = new ArrayList<>();
        for (ExtensionObject object : objects) {
            arguments.add((Argument) object.decode(on.getStaticEncodingContext()));
        }
        return arguments;
    }

    private static Variant[] convert(List<JsonNode> args, List<Argument> types) throws Refusal {
        if (args.size() != types.size()) {
            throw new Refusal(
                    "the method takes " + types.size() + " argument(s) " + names(types) + ", got " + args.size());
        }
        Variant[] inputs = new Variant[args.size()];
        for (int i = 0; i < args.size(); i++) {
            Argument type = types.get(i);
            try {
                inputs[i] = new Variant(argument(args.get(i), type));
            } catch (IllegalArgumentException e) {
                throw new Refusal("argument '" + type.getName() + "': " + e.getMessage());
            }
        }
        return inputs;
    }

    /**
     * One argument as its declared type: a scalar ({@code ValueRank} -1), or a one-dimensional array ({@code
     * ValueRank} 1) of that type from a JSON array, each element converted exactly; ranks that allow both (0, -2, -3)
     * take what the JSON is. No longer than the declared {@code ArrayDimensions}, where one is given.
     */
    static Object argument(JsonNode json, Argument type) {
        // OPC UA Part 3's value ranks: -1 scalar, 1 one dimension, 0 one or more, -2 any, -3 scalar or one dimension
        int rank = type.getValueRank() == null ? -1 : type.getValueRank();
        boolean array =
                switch (rank) {
                    case -1 -> false;
                    case 1 -> true;
                    case 0, -2, -3 -> json.isArray();
                    default ->
                        throw new IllegalArgumentException(
                                "a " + rank + "-dimensional array: not called by this converter");
                };
        if (!array) {
            return WriteValue.of(json, type.getDataType());
        }
        if (!json.isArray()) {
            throw new IllegalArgumentException("expected a JSON array, got " + json.getNodeType());
        }
        UInteger[] dimensions = type.getArrayDimensions();
        if (dimensions != null
                && dimensions.length == 1
                && dimensions[0].longValue() > 0
                && json.size() > dimensions[0].longValue()) {
            throw new IllegalArgumentException(json.size() + " elements, the method takes at most " + dimensions[0]);
        }
        Class<?> element = OpcUaDataType.getBackingClass(type.getDataType());
        if (element == null) {
            WriteValue.of(json, type.getDataType()); // says why this type is not converted
        }
        Object values = Array.newInstance(element, json.size());
        for (int i = 0; i < json.size(); i++) {
            try {
                Array.set(values, i, WriteValue.of(json.get(i), type.getDataType()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("element " + i + ": " + e.getMessage());
            }
        }
        return values;
    }

    private void answer(Command command, CallMethodResult result) {
        StatusCode status = result.getStatusCode();
        if (status.isGood()) {
            answers.answer(command, 200, "{\"outputs\":" + outputs(result.getOutputArguments()) + "}");
            return;
        }
        int code = status.value() == StatusCodes.Bad_UserAccessDenied
                ? 403
                : BAD_REQUEST.contains(status.value()) ? 400 : 502;
        StringBuilder json = new StringBuilder("{\"error\":")
                .append(quote("the server refused the call: " + WriteCommands.name(status)))
                .append(",\"status\":")
                .append(quote(WriteCommands.name(status)));
        StatusCode[] args = result.getInputArgumentResults();
        if (args != null && args.length > 0) {
            json.append(",\"args\":[");
            for (int i = 0; i < args.length; i++) {
                json.append(i > 0 ? "," : "").append(quote(PublishRecord.quality(args[i])));
            }
            json.append(']');
        }
        answers.answer(command, code, json.append('}').toString());
    }

    private static String outputs(Variant[] outputs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartArray();
            for (Variant output : outputs == null ? new Variant[0] : outputs) {
                PublishRecord.writeValue(json, output.getValue());
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String names(List<Argument> types) {
        return "(" + String.join(", ", types.stream().map(Argument::getName).toList()) + ")";
    }

    private static String quote(String text) {
        return WriteCommands.quote(text);
    }
}
