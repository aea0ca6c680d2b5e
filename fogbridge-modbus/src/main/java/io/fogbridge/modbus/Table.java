package io.fogbridge.modbus;

/**
 * The four Modbus data tables, with the function codes that read and write them and the most one read request may
 * ask for (Modbus application protocol 1.1b3, 6.1-6.4: 2,000 bits, 125 registers).
 */
public enum Table {
    COILS("coils", true, true, 2000),
    DISCRETE_INPUTS("discrete-inputs", true, false, 2000),
    INPUT_REGISTERS("input-registers", false, false, 125),
    HOLDING_REGISTERS("holding-registers", false, true, 125);

    private final String id;
    private final boolean bits;
    private final boolean writable;
    private final int maxPerRead;

    Table(String id, boolean bits, boolean writable, int maxPerRead) {
        this.id = id;
        this.bits = bits;
        this.writable = writable;
        this.maxPerRead = maxPerRead;
    }

    /** As written in the config: {@code holding-registers}. */
    public String id() {
        return id;
    }

    /** Coils and discrete inputs hold bits; the others 16-bit registers. */
    public boolean bits() {
        return bits;
    }

    /** Only coils and holding registers can be written (FC05/15, FC06/16). */
    public boolean writable() {
        return writable;
    }

    /** Most bits or registers one read request may cover. */
    public int maxPerRead() {
        return maxPerRead;
    }

    /** The first digit of this table in 1-based Modicon references ({@code 40001} = holding register 0). */
    int referencePrefix() {
        return switch (this) {
            case COILS -> 0;
            case DISCRETE_INPUTS -> 1;
            case INPUT_REGISTERS -> 3;
            case HOLDING_REGISTERS -> 4;
        };
    }

    public static Table ofId(String id) {
        for (Table table : values()) {
            if (table.id.equals(id)) {
                return table;
            }
        }
        throw new IllegalArgumentException("unknown table '" + id + "'");
    }
}
