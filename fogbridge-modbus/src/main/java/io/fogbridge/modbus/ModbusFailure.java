package io.fogbridge.modbus;

import com.digitalpetri.modbus.exceptions.ModbusException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import java.nio.BufferUnderflowException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Why a request to a device did not succeed, sorted by what the session must do about it: an {@link Kind#EXCEPTION}
 * answer is the device's word on that request alone; after a {@link Kind#TIMEOUT} or a {@link Kind#MALFORMED} answer
 * the connection cannot be trusted and is closed; {@link Kind#DISCONNECTED} means there was no connection.
 */
final class ModbusFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    enum Kind {
        EXCEPTION,
        TIMEOUT,
        MALFORMED,
        DISCONNECTED
    }

    private final Kind kind;
    private final int exceptionCode;

    ModbusFailure(Kind kind, int exceptionCode, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.exceptionCode = exceptionCode;
    }

    static ModbusFailure disconnected(String message) {
        return new ModbusFailure(Kind.DISCONNECTED, 0, message);
    }

    static ModbusFailure of(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return switch (cause) {
            case ModbusFailure known -> known;
            case ModbusResponseException answer ->
                new ModbusFailure(Kind.EXCEPTION, answer.getExceptionCode(), answer.getMessage());
            case TimeoutException timeout -> new ModbusFailure(Kind.TIMEOUT, 0, timeout.getMessage());
            case ModbusTimeoutException timeout -> new ModbusFailure(Kind.TIMEOUT, 0, timeout.getMessage());
            case ModbusLink.MalformedAnswerException malformed ->
                new ModbusFailure(Kind.MALFORMED, 0, malformed.getMessage());
            case BufferUnderflowException underflow -> new ModbusFailure(Kind.MALFORMED, 0, "truncated answer");
            case IndexOutOfBoundsException truncated -> new ModbusFailure(Kind.MALFORMED, 0, "truncated answer");
            case ModbusException other -> new ModbusFailure(Kind.MALFORMED, 0, other.getMessage());
            default -> new ModbusFailure(Kind.DISCONNECTED, 0, String.valueOf(cause));
        };
    }

    Kind kind() {
        return kind;
    }

    int exceptionCode() {
        return exceptionCode;
    }

    /** The {@code bad:<reason>} of the tags this request was to read. */
    String qualityReason() {
        return switch (kind) {
            case EXCEPTION -> String.format("exception-0x%02X", exceptionCode);
            case TIMEOUT -> "timeout";
            case MALFORMED -> "malformed";
            case DISCONNECTED -> "disconnected";
        };
    }
}
