package io.fogbridge.operator.lease;

import java.time.Duration;
import java.util.Map;

/**
 * How long a held Lease lasts without renewal, how long the holder keeps trying to renew before it gives the pod up,
 * and how often a candidate tries. A dead active pod is replaced within {@code leaseDuration + retryPeriod} (plus the
 * time the Service's endpoints take to follow the label).
 */
public record LeaseTiming(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

    /** Kubernetes' own controllers use these figures for their leader election. */
    public static final LeaseTiming DEFAULT =
            new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    public LeaseTiming {
        if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("need retryPeriod < renewDeadline < leaseDuration: " + retryPeriod + ", "
                    + renewDeadline + ", " + leaseDuration);
        }
    }

    /** {@code FOGBRIDGE_LEASE_DURATION_SECONDS} scales all three (as 15:10:2), else {@link #DEFAULT}. */
    public static LeaseTiming fromEnvironment(Map<String, String> env) {
        String seconds = env.get("FOGBRIDGE_LEASE_DURATION_SECONDS");
        if (seconds == null || seconds.isBlank()) {
            return DEFAULT;
        }
        Duration lease = Duration.ofSeconds(Long.parseLong(seconds.trim()));
        return new LeaseTiming(lease, lease.multipliedBy(2).dividedBy(3), lease.dividedBy(7));
    }
}
