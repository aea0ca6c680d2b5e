package io.fogbridge.testkit;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An {@link Uplink} for adapter tests: keeps every message it is given and accepts each at once (as a durable spool
 * would, without one). Thread-safe.
 */
public final class RecordingUplink implements Uplink {

    private final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        messages.add(message);
        return CompletableFuture.completedFuture(new Outcome.Accepted(Lane.BULK, messages.size()));
    }

    /** Everything accepted so far, in order. */
    public List<InboundMessage> messages() {
        return List.copyOf(messages);
    }

    /** The messages whose topic starts with {@code prefix}, in order. */
    public List<InboundMessage> on(String prefix) {
        return messages.stream().filter(m -> m.topic().startsWith(prefix)).toList();
    }

    public long count(Predicate<InboundMessage> which) {
        return messages.stream().filter(which).count();
    }
}
