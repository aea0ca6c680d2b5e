package io.fogbridge.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Raw CoAP (RFC 7252) datagrams for tests that play a device, or an attacker, byte by byte: requests with any options
 * (Uri-Path, Uri-Query, Block1 of RFC 7959 …) and the fields of what comes back. No CoAP library is involved, so the
 * adapter under test is checked against the RFC, not against itself. Stateless.
 */
public final class CoapDatagram {

    public static final int CON = 0;
    public static final int NON = 1;
    public static final int ACK = 2;
    public static final int RST = 3;
    public static final int POST = 2;

    public static final int URI_PATH = 11;
    public static final int MAX_AGE = 14;
    public static final int URI_QUERY = 15;
    public static final int BLOCK1 = 27;
    public static final int SIZE1 = 60;

    /** One option: its number and its raw value. */
    public record Option(int number, byte[] value) {

        /** The value as an unsigned integer (big-endian, as CoAP encodes uint options). */
        public long uint() {
            long v = 0;
            for (byte b : value) {
                v = v << 8 | (b & 0xFF);
            }
            return v;
        }
    }

    /** A received message. {@code code} as CoAP writes it: {@code 2.04}, {@code 0.00} for an empty message. */
    public record Message(int type, String code, int messageId, byte[] token, List<Option> options, byte[] payload) {

        /** The first option with this number, or null. */
        public Option option(int number) {
            return options.stream()
                    .filter(o -> o.number() == number)
                    .findFirst()
                    .orElse(null);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private CoapDatagram() {}

    /** Uri-Path options, one per segment of {@code path} ({@code telemetry/acme/dev-1}). */
    public static List<Option> path(String path) {
        List<Option> options = new ArrayList<>();
        for (String segment : path.split("/")) {
            options.add(new Option(URI_PATH, segment.getBytes(StandardCharsets.UTF_8)));
        }
        return options;
    }

    /** A Uri-Query option ({@code ttd=10}). */
    public static Option query(String parameter) {
        return new Option(URI_QUERY, parameter.getBytes(StandardCharsets.UTF_8));
    }

    /** A Block1 option: block {@code num}, more blocks to come or not, block size {@code 2^(szx+4)}. */
    public static Option block1(int num, boolean more, int szx) {
        return uint(BLOCK1, (long) num << 4 | (more ? 8 : 0) | szx);
    }

    /** An option with an unsigned integer value in as few bytes as it needs. */
    public static Option uint(int number, long value) {
        int length = 0;
        for (long v = value; v != 0; v >>>= 8) {
            length++;
        }
        byte[] bytes = new byte[length];
        for (int i = length - 1, shift = 0; i >= 0; i--, shift += 8) {
            bytes[i] = (byte) (value >>> shift);
        }
        return new Option(number, bytes);
    }

    /** A request; the options are written in number order, as CoAP's delta encoding needs. */
    public static byte[] request(
            int type, int code, int messageId, byte[] token, List<Option> options, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40 | type << 4 | token.length);
        out.write(code);
        out.write(messageId >> 8);
        out.write(messageId);
        out.writeBytes(token);
        List<Option> sorted = new ArrayList<>(options);
        sorted.sort(Comparator.comparingInt(Option::number));
        int previous = 0;
        for (Option option : sorted) {
            int delta = option.number() - previous;
            int length = option.value().length;
            out.write(nibble(delta) << 4 | nibble(length));
            extended(out, delta);
            extended(out, length);
            out.writeBytes(option.value());
            previous = option.number();
        }
        if (payload.length > 0) {
            out.write(0xFF);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }

    /** Reads a received datagram. */
    public static Message parse(byte[] data, int length) {
        int type = (data[0] >> 4) & 3;
        int tokenLength = data[0] & 0xF;
        int code = data[1] & 0xFF;
        int messageId = (data[2] & 0xFF) << 8 | data[3] & 0xFF;
        byte[] token = Arrays.copyOfRange(data, 4, 4 + tokenLength);
        List<Option> options = new ArrayList<>();
        int at = 4 + tokenLength;
        int number = 0;
        while (at < length && (data[at] & 0xFF) != 0xFF) {
            int delta = (data[at] >> 4) & 0xF;
            int size = data[at] & 0xF;
            at++;
            int[] read = {delta, at};
            read = extendedValue(data, read);
            delta = read[0];
            read[0] = size;
            read = extendedValue(data, read);
            size = read[0];
            at = read[1];
            number += delta;
            options.add(new Option(number, Arrays.copyOfRange(data, at, at + size)));
            at += size;
        }
        byte[] payload = at < length ? Arrays.copyOfRange(data, at + 1, length) : new byte[0];
        return new Message(
                type, (code >> 5) + "." + String.format("%02d", code & 0x1F), messageId, token, options, payload);
    }

    /** {value nibble, position} → {value, position after its extended bytes}. */
    private static int[] extendedValue(byte[] data, int[] nibbleAt) {
        int n = nibbleAt[0];
        int at = nibbleAt[1];
        if (n == 13) {
            return new int[] {(data[at] & 0xFF) + 13, at + 1};
        }
        if (n == 14) {
            return new int[] {((data[at] & 0xFF) << 8 | data[at + 1] & 0xFF) + 269, at + 2};
        }
        return new int[] {n, at};
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
}
