package io.fogbridge.modbus;

/** What a tag's bits or registers mean. Widths are in 16-bit registers; {@code string} takes its width from count. */
public enum TagType {
    BOOL("bool", 1),
    INT16("int16", 1),
    UINT16("uint16", 1),
    INT32("int32", 2),
    UINT32("uint32", 2),
    INT64("int64", 4),
    UINT64("uint64", 4),
    FLOAT32("float32", 2),
    FLOAT64("float64", 4),
    STRING("string", 0);

    private final String id;
    private final int registers;

    TagType(String id, int registers) {
        this.id = id;
        this.registers = registers;
    }

    public String id() {
        return id;
    }

    /** Registers of a numeric type; 0 for {@code string} (its count decides). */
    public int registers() {
        return registers;
    }

    public boolean numeric() {
        return this != BOOL && this != STRING;
    }

    public static TagType ofId(String id) {
        for (TagType type : values()) {
            if (type.id.equals(id)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown type '" + id + "'");
    }
}
