package io.fogbridge.modbus;

import io.fogbridge.api.Outcome;
import io.fogbridge.api.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polls of one group of one device: read the plan's requests one after the other, build one {@link PollRecord}
 * and hand it to the pipeline, then wait for the next slot.
 *
 * <p><b>Never piled up.</b> The next poll is scheduled only when the previous one is finished, which includes its record
 * being accepted (durable). A poll that starts after its slot is late (its lateness is measured); when a whole
 * interval or more has passed, the slots in between are skipped and counted ({@code polls.missed}), so a poll is never
 * later than one interval and a slow device never builds a backlog.
 *
 * <p><b>Delivery.</b> At least once, with "latest reading" semantics: a record refused as retriable (spool full) is
 * retried with back-off until accepted, and the group does not read again meanwhile (those slots count as missed).
 * A record refused for good is counted, logged and dropped.
 *
 * <p><b>Plan repair.</b> When the device answers a merged read with exception 0x02 (illegal data address: some
 * address in the gap does not exist), that request is split into one request per tag, for this poll and every later
 * one.
 *
 * <p>Confined to the session's loop.
 */
final class GroupPoll {

    private static final Logger log = LoggerFactory.getLogger(GroupPoll.class);
    private static final int ILLEGAL_DATA_ADDRESS = 0x02;

    private final DeviceSession session;
    private final PollGroup group;
    private final long interval;
    private List<ReadRequest> plan;
    private long due;
    private ScheduledFuture<?> timer;
    private volatile boolean stopped;

    GroupPoll(DeviceSession session, PollGroup group, List<ReadRequest> plan) {
        this.session = session;
        this.group = group;
        this.interval = group.interval().toMillis();
        this.plan = plan;
    }

    /**
     * Starts at a device-specific offset within the first interval (at most a second, so a 60 s group reports soon
     * after start), so a thousand devices do not poll at once.
     */
    void start(long now) {
        long offset = Math.floorMod((session.device().id() + "/" + group.name()).hashCode(), Math.min(interval, 1000));
        due = now + offset;
        timer = session.schedule(this::poll, offset);
    }

    void stop() {
        stopped = true;
        ScheduledFuture<?> current = timer;
        if (current != null) {
            current.cancel(false);
        }
    }

    private void poll() {
        if (stopped) {
            return;
        }
        long now = session.runtime().clock().millis();
        if (!session.connected()) {
            session.runtime().metrics().skipped();
            next();
            return;
        }
        session.runtime().metrics().pollStarted(now - due);
        read(0, new PollRecord(group.name(), session.device().readTags(group.name())));
    }

    /** Reads {@code plan[index..]} one after the other, then publishes. */
    private void read(int index, PollRecord record) {
        if (index == plan.size()) {
            publish(record, session.runtime().clock().millis());
            return;
        }
        ReadRequest request = plan.get(index);
        long started = System.nanoTime();
        session.submit(link -> link.read(request.table(), request.address(), request.quantity()))
                .whenComplete((answer, failure) -> {
                    if (stopped) {
                        return;
                    }
                    ModbusMetrics metrics = session.runtime().metrics();
                    if (failure == null) {
                        metrics.read("ok", java.time.Duration.ofNanos(System.nanoTime() - started));
                        decode(request, answer, record);
                        read(index + 1, record);
                        return;
                    }
                    ModbusFailure why = ModbusFailure.of(failure);
                    metrics.read(why.kind().name().toLowerCase(java.util.Locale.ROOT), null);
                    if (why.kind() == ModbusFailure.Kind.EXCEPTION) {
                        metrics.exception(why.exceptionCode());
                        if (why.exceptionCode() == ILLEGAL_DATA_ADDRESS
                                && request.tags().size() > 1) {
                            split(index, request);
                            read(index, record); // the same place, now holding the first of the split requests
                            return;
                        }
                        request.tags().forEach(t -> record.bad(t.name(), why.qualityReason()));
                        read(index + 1, record);
                        return;
                    }
                    // timeout, malformed, disconnected: the connection is gone, so is the rest of this poll
                    for (int i = index; i < plan.size(); i++) {
                        plan.get(i).tags().forEach(t -> record.bad(t.name(), why.qualityReason()));
                    }
                    publish(record, session.runtime().clock().millis());
                });
    }

    private void split(int index, ReadRequest request) {
        List<ReadRequest> repaired = new ArrayList<>(plan.subList(0, index));
        repaired.addAll(request.split());
        repaired.addAll(plan.subList(index + 1, plan.size()));
        plan = List.copyOf(repaired);
        session.runtime().metrics().split();
        log.info(
                "modbus {}: {} refused with 0x02 (illegal data address); reading its {} tags one by one from now on",
                session.device().id(),
                request,
                request.tags().size());
    }

    private static void decode(ReadRequest request, byte[] answer, PollRecord record) {
        for (Tag tag : request.tags()) {
            Object value = request.table().bits()
                    ? TagCodec.decodeBit(tag, answer, request.address())
                    : TagCodec.decode(tag, answer, request.address());
            record.good(tag.name(), value);
        }
    }

    private void publish(PollRecord record, long ts) {
        deliver(record.encode(ts), ts, 0);
    }

    private void deliver(byte[] payload, long ts, int attempt) {
        String topic = Topics.deviceTelemetryTopic(
                session.device().tenant(), session.device().id());
        session.publish(topic, payload, ts)
                .whenComplete((outcome, failure) -> session.onLoop(() -> {
                    ModbusMetrics metrics = session.runtime().metrics();
                    if (failure != null) {
                        metrics.record("rejected");
                        log.warn(
                                "modbus {}: the pipeline failed on a poll record; dropped",
                                session.device().id(),
                                failure);
                    } else if (outcome instanceof Outcome.Rejected rejected && rejected.retriable()) {
                        metrics.record("retried");
                        long backoff = Math.min(5000, 100L << Math.min(attempt, 6));
                        session.schedule(() -> deliver(payload, ts, attempt + 1), backoff);
                        return;
                    } else if (outcome instanceof Outcome.Rejected rejected) {
                        metrics.record("rejected");
                        log.warn(
                                "modbus {}: poll record refused ({} {}); dropped",
                                session.device().id(),
                                rejected.status(),
                                rejected.reason());
                    } else {
                        metrics.record(outcome instanceof Outcome.Local ? "local" : "accepted");
                    }
                    next();
                }));
    }

    private void next() {
        if (stopped) {
            return;
        }
        long now = session.runtime().clock().millis();
        due += interval;
        if (now - due >= interval) {
            long missed = (now - due) / interval;
            session.runtime().metrics().missed(missed);
            due += missed * interval;
        }
        timer = session.schedule(this::poll, Math.max(0, due - now));
    }
}
