package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.figures.FigureSource;
import io.fogbridge.operator.figures.GatewayFigures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks each Gateway's active pod for its figures at most once per interval, however often the Gateway is reconciled
 * (every StatefulSet event wakes it), so the figures change status at most once per interval; the status comparison
 * then skips the write when they did not change. Thread-safe; one small entry per Gateway seen since the operator started.
 */
final class FigurePolls {

    private record Poll(Instant at, String pod, Optional<GatewayFigures> figures) {}

    private final FigureSource source;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Poll> last = new ConcurrentHashMap<>();

    FigurePolls(FigureSource source, Duration interval, Clock clock) {
        this.source = source;
        this.interval = interval;
        this.clock = clock;
    }

    Duration interval() {
        return interval;
    }

    /** The figures of {@code pod}, asked now or at most one interval ago. */
    Optional<GatewayFigures> figures(KubernetesClient client, Gateway gateway, String pod) {
        String key = gateway.getMetadata().getUid();
        Instant now = clock.instant();
        Poll previous = last.get(key);
        if (previous != null
                && previous.pod().equals(pod)
                && previous.at().plus(interval).isAfter(now)) {
            return previous.figures();
        }
        Optional<GatewayFigures> figures =
                source.read(client, gateway.getMetadata().getNamespace(), pod);
        last.put(key, new Poll(now, pod, figures));
        return figures;
    }
}
