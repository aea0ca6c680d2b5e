package io.fogbridge.modbus;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a tag's registers into its value and back, applying byte order, word order, scale and offset.
 *
 * <p>Values are {@link Boolean}, {@link Long} (integers; {@link BigInteger} for a {@code uint64} above 2^63-1),
 * {@link Double} (floats, and any scaled value) or {@link String}. Registers are given as on the wire, two bytes each;
 * byte order swaps the two bytes of each register, word order reverses the registers of a 32- or 64-bit value; after
 * both, the bytes are read big-endian. Strings are ISO-8859-1 (one byte per character), trailing NULs dropped.
 *
 * <p>Pure and thread-safe.
 */
public final class TagCodec {

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private TagCodec() {}

    /** The value of a bit tag: {@code bits} holds one 0/1 byte per address, {@code bits[0]} at {@code start}. */
    public static Object decodeBit(Tag tag, byte[] bits, int start) {
        return bits[tag.address() - start] != 0;
    }

    /** The value of a register tag; {@code registers} begin at address {@code start}. */
    public static Object decode(Tag tag, byte[] registers, int start) {
        int from = (tag.address() - start) * 2;
        byte[] raw = ordered(tag, registers, from, tag.width());
        if (tag.type() == TagType.STRING) {
            int length = Math.min(tag.count(), raw.length);
            while (length > 0 && raw[length - 1] == 0) {
                length--;
            }
            return new String(raw, 0, length, StandardCharsets.ISO_8859_1);
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        Object value =
                switch (tag.type()) {
                    case BOOL -> buffer.getShort() != 0;
                    case INT16 -> (long) buffer.getShort();
                    case UINT16 -> (long) (buffer.getShort() & 0xFFFF);
                    case INT32 -> (long) buffer.getInt();
                    case UINT32 -> buffer.getInt() & 0xFFFF_FFFFL;
                    case INT64 -> buffer.getLong();
                    case UINT64 -> unsigned(buffer.getLong());
                    case FLOAT32 -> (double) buffer.getFloat();
                    case FLOAT64 -> buffer.getDouble();
                    case STRING -> throw new AssertionError();
                };
        return tag.scaled() ? ((Number) value).doubleValue() * tag.scale() + tag.offset() : value;
    }

    /**
     * The registers (as on the wire) that hold {@code value} for a register tag.
     *
     * @param value a {@link Boolean}, a {@link BigDecimal} (any JSON number) or a {@link String}
     * @throws IllegalArgumentException the value has the wrong kind or does not fit the tag's type: the message says
     *     why, for a 400 answer
     */
    public static byte[] encode(Tag tag, Object value) {
        ByteBuffer buffer = ByteBuffer.allocate(tag.width() * 2);
        switch (tag.type()) {
            case BOOL -> buffer.putShort((short) (bool(tag, value) ? 1 : 0));
            case STRING -> {
                if (!(value instanceof String text)) {
                    throw new IllegalArgumentException(tag.name() + " is a string");
                }
                byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
                if (bytes.length > tag.count() || !text.equals(new String(bytes, StandardCharsets.ISO_8859_1))) {
                    throw new IllegalArgumentException(
                            tag.name() + " holds at most " + tag.count() + " ISO-8859-1 characters");
                }
                buffer.put(bytes);
            }
            case FLOAT32 -> buffer.putFloat((float) raw(tag, value).doubleValue());
            case FLOAT64 -> buffer.putDouble(raw(tag, value).doubleValue());
            default -> putInteger(tag, integral(tag, raw(tag, value)), buffer);
        }
        return ordered(tag, buffer.array(), 0, tag.width());
    }

    /** The bit to write for a coil tag. */
    public static boolean bool(Tag tag, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof BigDecimal number && (number.signum() == 0 || number.compareTo(BigDecimal.ONE) == 0)) {
            return number.signum() != 0;
        }
        throw new IllegalArgumentException(tag.name() + " is a bool: true, false, 0 or 1");
    }

    private static BigDecimal raw(Tag tag, Object value) {
        if (!(value instanceof BigDecimal number)) {
            throw new IllegalArgumentException(
                    tag.name() + " is a number (" + tag.type().id() + ")");
        }
        if (!tag.scaled()) {
            return number;
        }
        return number.subtract(BigDecimal.valueOf(tag.offset()))
                .divide(BigDecimal.valueOf(tag.scale()), 12, RoundingMode.HALF_EVEN);
    }

    /** Scaled values round to the nearest raw step; unscaled ones must be whole numbers. */
    private static BigInteger integral(Tag tag, BigDecimal raw) {
        try {
            return tag.scaled() ? raw.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact() : raw.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    tag.name() + " is an integer (" + tag.type().id() + "), got " + raw);
        }
    }

    private static void putInteger(Tag tag, BigInteger value, ByteBuffer buffer) {
        int bits = tag.type().registers() * 16;
        boolean signed = tag.type() == TagType.INT16 || tag.type() == TagType.INT32 || tag.type() == TagType.INT64;
        BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        BigInteger max = signed
                ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(tag.name() + " (" + tag.type().id() + ") holds " + min + " to " + max
                    + (tag.scaled() ? " raw" : "") + ", got " + value);
        }
        long bitsValue = value.longValue(); // two's complement: the low bits are what goes on the wire
        switch (bits) {
            case 16 -> buffer.putShort((short) bitsValue);
            case 32 -> buffer.putInt((int) bitsValue);
            default -> buffer.putLong(bitsValue);
        }
    }

    /** Both orders are their own inverse, so reading and writing share this. */
    private static byte[] ordered(Tag tag, byte[] registers, int from, int count) {
        byte[] out = new byte[count * 2];
        boolean reverseWords = tag.wordOrder() == Tag.ByteOrder.LITTLE && tag.type() != TagType.STRING;
        for (int i = 0; i < count; i++) {
            int source = from + 2 * (reverseWords ? count - 1 - i : i);
            boolean swap = tag.byteOrder() == Tag.ByteOrder.LITTLE;
            out[2 * i] = registers[source + (swap ? 1 : 0)];
            out[2 * i + 1] = registers[source + (swap ? 0 : 1)];
        }
        return out;
    }

    private static Object unsigned(long value) {
        return value >= 0 ? (Object) value : BigInteger.valueOf(value).add(TWO_64);
    }
}
