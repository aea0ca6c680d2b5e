package io.fogbridge.operator.reconcile;

import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.GatewayStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sets a new status's conditions, keeping each condition's {@code lastTransitionTime} while its status stays what it
 * was: the time says when the condition last flipped, not when the operator last looked.
 */
final class StatusConditions {

    private final Clock clock;

    StatusConditions(Clock clock) {
        this.clock = clock;
    }

    void set(GatewayStatus next, GatewayStatus previous, List<Condition> conditions) {
        stamp(conditions, previous == null ? type -> Optional.empty() : previous::condition);
        next.conditions = new java.util.ArrayList<>(conditions);
    }

    /** Stamps {@code conditions} with their transition times against what {@code previous} finds by type. */
    void stamp(List<Condition> conditions, Function<String, Optional<Condition>> previous) {
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        for (Condition condition : conditions) {
            condition.lastTransitionTime = previous.apply(condition.type)
                    .filter(c -> c.status == condition.status && c.lastTransitionTime != null)
                    .map(c -> c.lastTransitionTime)
                    .orElse(now);
        }
    }
}
