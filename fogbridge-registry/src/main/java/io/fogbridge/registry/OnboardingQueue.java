package io.fogbridge.registry;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.RegisteredDevice;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The certificates onboarding has seen and the registry does not hold yet: each unregistered device that connected
 * with a certificate of an onboarding tenant's CA, held pending or admitted by the tenant's {@code auto} policy. The
 * gateway reports them (so that a Device resource, or an entry for {@code fogbridge device approve}, appears) and the
 * console shows them. An entry leaves once the registry holds the device.
 *
 * <p>Bounded to {@link #MAX_ENTRIES} devices: beyond that, further newcomers are still held pending but not listed
 * (counted in {@link #unlisted()}), so a CA that issued many certificates cannot fill the heap. Thread-safe: written
 * on the transports' authentication threads, read by the reporting thread.
 */
public final class OnboardingQueue {

    public static final int MAX_ENTRIES = 1_000;

    /**
     * One newcomer.
     *
     * @param admitted  true when the tenant's {@code auto} policy admitted it, false while it is pending
     * @param firstSeen its first connection
     * @param lastSeen  its latest connection
     */
    public record Newcomer(
            String tenant,
            String id,
            String subject,
            String issuer,
            boolean admitted,
            Instant firstSeen,
            Instant lastSeen) {

        public Newcomer {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(subject, "subject");
        }

        public String name() {
            return id + "@" + tenant;
        }
    }

    private final Map<String, Newcomer> byName = new ConcurrentHashMap<>();
    private final AtomicLong unlisted = new AtomicLong();

    /** Notes what an authentication decided, when it was an onboarding decision; other results are ignored. */
    void record(AuthResult result, Registry snapshot, String issuer, Instant now) {
        String subject;
        boolean admitted;
        if (result instanceof AuthResult.Pending pending) {
            subject = pending.subject();
            admitted = false;
        } else if (result instanceof AuthResult.Authenticated authenticated
                && authenticated.proof() instanceof Proof.Certificate certificate
                && snapshot.device(
                                authenticated.device().tenant(),
                                authenticated.device().id())
                        .isEmpty()) {
            subject = certificate.leaf().getSubjectX500Principal().getName();
            admitted = true;
        } else {
            return;
        }
        RegisteredDevice device =
                result instanceof AuthResult.Pending p ? p.device() : ((AuthResult.Authenticated) result).device();
        String name = device.name();
        if (!byName.containsKey(name) && byName.size() >= MAX_ENTRIES) {
            unlisted.incrementAndGet();
            return;
        }
        byName.merge(
                name,
                new Newcomer(device.tenant(), device.id(), subject, issuer, admitted, now, now),
                (old, fresh) -> new Newcomer(
                        old.tenant(),
                        old.id(),
                        fresh.subject(),
                        fresh.issuer(),
                        fresh.admitted(),
                        old.firstSeen(),
                        now));
    }

    /** Drops the newcomers {@code registered} says the registry now holds. */
    void forget(Predicate<Newcomer> registered) {
        byName.values().removeIf(registered);
    }

    /** The newcomers, by tenant and id. */
    public List<Newcomer> list() {
        return byName.values().stream()
                .sorted(Comparator.comparing(Newcomer::tenant).thenComparing(Newcomer::id))
                .toList();
    }

    /** Newcomers held pending but not listed because the queue was full. */
    public long unlisted() {
        return unlisted.get();
    }
}
