package io.fogbridge.operator.reconcile;

/**
 * One instance of each of the strings that repeat across cached objects (namespaces, tenants, Gateway names, label
 * keys and values, condition types and reasons): every Device an informer deserializes brings its own copies, and at
 * 10,000 Devices in two caches they were half of the operator's live heap.
 *
 * <p>A lossy table of fixed size rather than a map: a string is looked up in one slot (by its hash), and a different
 * string in that slot is replaced. So it never grows with the cluster, holds no string longer than the next collision
 * and needs no lock: two threads racing for a slot at worst keep two equal copies. Strings are immutable and safely
 * published through a data race, so a reader sees either slot value whole. Give it strings that repeat; a unique one
 * (a uid, a resource version) only evicts a useful one.
 */
public final class SharedStrings {

    /** The operator's table, shared by every Device cache (sharing across caches is the point). */
    static final SharedStrings OPERATOR = new SharedStrings(1 << 14);

    private final String[] slots;
    private final int mask;

    /** @param size the number of slots, a power of two */
    public SharedStrings(int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two: " + size);
        }
        this.slots = new String[size];
        this.mask = size - 1;
    }

    /** The table's copy of {@code value} (equal to it), or {@code value} itself, which it then holds; null for null. */
    public String share(String value) {
        if (value == null) {
            return null;
        }
        int h = value.hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        String held = slots[slot];
        if (value.equals(held)) {
            return held;
        }
        slots[slot] = value;
        return value;
    }
}
