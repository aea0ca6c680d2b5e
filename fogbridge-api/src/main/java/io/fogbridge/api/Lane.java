package io.fogbridge.api;

/**
 * Priority lanes of the spool. Each lane is its own ordered log; the forwarder drains
 * {@link #PRIORITY} ahead of {@link #BULK}. Order is kept within a lane, never across lanes.
 */
public enum Lane {
    /** Events and command responses: rare, and someone is waiting for them. */
    PRIORITY("priority"),
    /** Bulk telemetry. */
    BULK("bulk");

    // A constant: the forwarder puts the id into every record's fog-seq header, so it must not be
    // derived (lower-cased) per call.
    private final String id;

    Lane(String id) {
        this.id = id;
    }

    /** Lane names as written in config and on disk. */
    public String id() {
        return id;
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
