package io.fogbridge.modbus;

/**
 * One named value of a device: where it lives, how its registers are decoded, and who may write it. Immutable.
 *
 * @param address   0-based, as on the wire (holding register {@code 40001} in 1-based Modicon notation is 0 here)
 * @param count     characters of a {@code string} (two per register); 0 for other types
 * @param byteOrder order of the two bytes within each register: {@code big} is the Modbus standard
 * @param wordOrder order of the registers of a 32- or 64-bit value: {@code big} = most significant register first
 * @param scale     multiplied with a numeric raw value before {@code offset} is added; 1 = unchanged
 * @param unit      for people only (the README, {@code modbus plan}); not sent
 * @param group     the poll group that reads it
 */
public record Tag(
        String name,
        Table table,
        int address,
        TagType type,
        int count,
        ByteOrder byteOrder,
        ByteOrder wordOrder,
        double scale,
        double offset,
        String unit,
        Access access,
        String group) {

    /** Byte or word order. */
    public enum ByteOrder {
        BIG,
        LITTLE
    }

    /** Who may use the tag: polled ({@code read}), written by commands ({@code write}), or both. */
    public enum Access {
        READ("read"),
        WRITE("write"),
        READ_WRITE("read-write");

        private final String id;

        Access(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public boolean readable() {
            return this != WRITE;
        }

        public boolean writable() {
            return this != READ;
        }
    }

    /** Bits or registers it takes in its table. */
    public int width() {
        if (table.bits()) {
            return 1;
        }
        return type == TagType.STRING ? (count + 1) / 2 : type.registers();
    }

    /** One past its last bit or register. */
    public int end() {
        return address + width();
    }

    /** True when {@code scale} or {@code offset} change the raw value (then it is reported as a decimal). */
    public boolean scaled() {
        return scale != 1.0 || offset != 0.0;
    }
}
