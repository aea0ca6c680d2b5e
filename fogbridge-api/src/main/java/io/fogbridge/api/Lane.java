package io.fogbridge.api;

/**
 * Priority lanes of the spool. Each lane is its own ordered log; the forwarder drains
 * {@link #PRIORITY} ahead of {@link #BULK}. Order is kept within a lane, never across lanes.
 */
public enum Lane {
    /** Events and command responses: rare, and someone is waiting for them. */
    PRIORITY,
    /** Bulk telemetry. */
    BULK;

    /** Lane names as written in config and on disk. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Lane ofId(String id) {
        for (Lane lane : values()) {
            if (lane.id().equalsIgnoreCase(id)) {
                return lane;
            }
        }
        throw new IllegalArgumentException("unknown lane '" + id + "', expected one of priority, bulk");
    }
}
