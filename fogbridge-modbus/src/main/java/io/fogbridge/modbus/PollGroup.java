package io.fogbridge.modbus;

import java.time.Duration;

/** Tags read together at one interval, published as one record: alarms at 100 ms, energy counters at 60 s. */
public record PollGroup(String name, Duration interval) {

    /** The group of tags that name none. */
    public static final String DEFAULT = "default";
}
