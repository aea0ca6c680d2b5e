package io.fogbridge.gateway.fault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tiny CoAP (RFC 7252) encoder on raw bytes, for a well-behaved device and for fuzzing: a request with a message
 * id, a token, Uri-Path options and a payload. Stateless.
 */
public final class CoapMessage {

    public static final int CON = 0;
    public static final int NON = 1;
    public static final int ACK = 2;
    public static final int POST = 2;
    /** 2.04 Changed: what the adapter answers a durable append with. */
    public static final int CHANGED = 0x44;

    private static final int URI_PATH = 11;

    private CoapMessage() {}

    /** A request of {@code type} and {@code code} to {@code path} ({@code telemetry/t1/dev}). */
    public static byte[] request(int type, int code, int messageId, byte[] token, String path, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40 | type << 4 | token.length);
        out.write(code);
        out.write(messageId >> 8);
        out.write(messageId);
        out.writeBytes(token);
        int previous = 0;
        for (String segment : path.split("/")) {
            byte[] value = segment.getBytes(StandardCharsets.UTF_8);
            option(out, URI_PATH - previous, value);
            previous = URI_PATH;
        }
        if (payload.length > 0) {
            out.write(0xFF);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    private static void option(ByteArrayOutputStream out, int delta, byte[] value) {
        int length = value.length;
        out.write(nibble(delta) << 4 | nibble(length));
        extended(out, delta);
        extended(out, length);
        out.writeBytes(value);
    }

    private static int nibble(int n) {
        return n < 13 ? n : n < 269 ? 13 : 14;
    }

    private static void extended(ByteArrayOutputStream out, int n) {
        if (n >= 269) {
            out.write((n - 269) >> 8);
            out.write(n - 269);
        } else if (n >= 13) {
            out.write(n - 13);
        }
    }

    /** The type of a received message. */
    public static int type(byte[] message) {
        return (message[0] >> 4) & 3;
    }

    public static int code(byte[] message) {
        return message[1] & 0xFF;
    }

    public static int messageId(byte[] message) {
        return (message[2] & 0xFF) << 8 | message[3] & 0xFF;
    }
}
