package io.fogbridge.opcua;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * A JSON value of a {@code write} command as the Java value of the node's built-in data type: OPC UA servers refuse a
 * Double written to an Int32 node ({@code Bad_TypeMismatch}), and JSON has only "number". Scalars of the numeric
 * types, Boolean and String; anything else, or a number that does not fit the type exactly (1.5 to an Int32, 300 to
 * a Byte), is refused before the Write is sent. Stateless.
 */
final class WriteValue {

    private WriteValue() {}

    /** The value to write, or an {@link IllegalArgumentException} saying why it cannot be one of {@code dataType}. */
    static Object of(JsonNode json, NodeId dataType) {
        OpcUaDataType type = OpcUaDataType.isBuiltin(dataType) ? OpcUaDataType.fromNodeId(dataType) : null;
        if (type == null) {
            throw new IllegalArgumentException("the node's data type " + dataType.toParseableString()
                    + " is not a built-in scalar type this converter writes");
        }
        if (json.isArray() || json.isObject() || json.isNull()) {
            throw new IllegalArgumentException("expected a scalar " + type.name() + ", got " + json.getNodeType());
        }
        try {
            return switch (type) {
                case Boolean -> {
                    require(json.isBoolean(), type, json);
                    yield json.booleanValue();
                }
                case String -> {
                    require(json.isTextual(), type, json);
                    yield json.textValue();
                }
                case Float -> (float) number(json, type).doubleValue();
                case Double -> number(json, type).doubleValue();
                case SByte -> number(json, type).byteValueExact();
                case Int16 -> number(json, type).shortValueExact();
                case Int32 -> number(json, type).intValueExact();
                case Int64 -> number(json, type).longValueExact();
                case Byte -> UByte.valueOf(unsigned(json, type, UByte.MAX_VALUE).longValue());
                case UInt16 ->
                    UShort.valueOf(unsigned(json, type, UShort.MAX_VALUE).intValue());
                case UInt32 ->
                    UInteger.valueOf(unsigned(json, type, UInteger.MAX_VALUE).longValue());
                case UInt64 -> ULong.valueOf(unsigned(json, type, ULong.MAX_VALUE));
                default -> throw new IllegalArgumentException(type.name() + " nodes are not written by this converter");
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(json + " does not fit " + type.name());
        }
    }

    private static BigDecimal number(JsonNode json, OpcUaDataType type) {
        require(json.isNumber(), type, json);
        return json.decimalValue();
    }

    private static BigInteger unsigned(JsonNode json, OpcUaDataType type, Object max) {
        BigInteger value = number(json, type).toBigIntegerExact();
        BigInteger limit = max instanceof BigInteger big ? big : BigInteger.valueOf(((Number) max).longValue());
        if (value.signum() < 0 || value.compareTo(limit) > 0) {
            throw new ArithmeticException();
        }
        return value;
    }

    private static void require(boolean ok, OpcUaDataType type, JsonNode json) {
        if (!ok) {
            throw new IllegalArgumentException("expected " + type.name() + ", got " + json.getNodeType());
        }
    }
}
