package io.fogbridge.mqtt;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.log.Untrusted;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one message from the external broker to the {@link Uplink} and decides when to acknowledge it to the broker.
 *
 * <p><b>The choice, per outcome.</b>
 *
 * <ul>
 *   <li>Accepted or Local: acknowledge. The record is durable (or deliberately not forwarded).
 *   <li>Rejected, not retriable (400, 403, 413 …): acknowledge and count. Sending it again can never work, and an
 *       unacknowledged message would hold one of the broker's in-flight slots for this session forever.
 *   <li>Rejected retriable (503 spool full), or the uplink's future failed: leave it unacknowledged and hand it over
 *       again after a backoff, for as long as the connection it came on lives. Waiting for the broker to redeliver is
 *       not enough on its own: it redelivers only after a reconnect, which a healthy connection never does. If the
 *       connection drops meanwhile, the retries stop and the broker redelivers the message on the next session
 *       (it is still unacknowledged). Messages not yet acknowledged also fill the broker's in-flight window
 *       (mosquitto: {@code max_inflight_messages}, 20), which throttles the broker while the spool is full.
 *   <li>No answer within {@code ackTimeout} (a spool writer that died with the append, say): treated like a failed
 *       future, so not acknowledged, counted ({@code fogbridge.mqtt.rejected{reason=timeout}} once per message) and
 *       handed over again. The abandoned attempt's late answer is ignored. Without this, every stranded message
 *       would hold a broker in-flight slot for good and the bridge would stall once the broker's window is full.
 *   <li>QoS 0: nobody redelivers it and it promised at most once; it is never retried.
 * </ul>
 *
 * Consequence: a retried message may reach the spool after later ones (order is kept per device only as long as
 * nothing is refused), and a message accepted just before a disconnect may come again; {@code fog-seq} does not
 * catch that duplicate, the payload does.
 *
 * <p>Thread-safe; never blocks. Completion stages run on the uplink's threads, retries on {@code scheduler}.
 */
final class ManualAckHandoff {

    private static final Logger log = LoggerFactory.getLogger(ManualAckHandoff.class);
    private static final long FIRST_RETRY_MILLIS = 100;

    private final Uplink uplink;
    private final MqttMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration ackTimeout;
    private final Duration retryMaxDelay;

    ManualAckHandoff(
            Uplink uplink,
            MqttMetrics metrics,
            ScheduledExecutorService scheduler,
            Duration ackTimeout,
            Duration retryMaxDelay) {
        this.uplink = uplink;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.ackTimeout = ackTimeout;
        this.retryMaxDelay = retryMaxDelay;
    }

    /**
     * @param acknowledge  sends the PUBACK to the broker
     * @param connectionAlive false once the connection the message came on is gone (or the bridge closed): then the
     *                     message is left for the broker to redeliver, and never acknowledged from here
     */
    void handOff(InboundMessage message, Runnable acknowledge, BooleanSupplier connectionAlive) {
        attempt(message, acknowledge, connectionAlive, 0);
    }

    private void attempt(InboundMessage message, Runnable acknowledge, BooleanSupplier connectionAlive, int attempt) {
        accept(message).whenComplete((outcome, failure) -> {
            if (!connectionAlive.getAsBoolean()) {
                return;
            }
            if (failure == null && outcome == null) { // a broken contract must never read as "durable"
                failure = new IllegalStateException("uplink completed with no outcome");
            }
            if (failure == null && !(outcome instanceof Outcome.Rejected)) {
                acknowledge.run();
                return;
            }
            Outcome.Rejected rejected = failure == null ? (Outcome.Rejected) outcome : null;
            boolean timedOut = failure instanceof TimeoutException;
            if (attempt == 0) { // count each message once, not every retry
                metrics.rejected(
                        rejected != null
                                ? RejectionReply.of(rejected).metricReason()
                                : timedOut ? MqttMetrics.TIMEOUT : MqttMetrics.ERROR);
            }
            if (timedOut) {
                failure = new TimeoutException("no answer from the uplink within " + ackTimeout.toMillis() + " ms");
            }
            boolean retriable = rejected == null || rejected.retriable();
            if (!retriable || message.qos() == QoS.AT_MOST_ONCE) {
                log.warn(
                        "dropping message on {} from the external broker: {}",
                        Untrusted.of(message.topic()),
                        Untrusted.of(why(rejected, failure)));
                acknowledge.run();
                return;
            }
            long delay = Math.min(retryMaxDelay.toMillis(), FIRST_RETRY_MILLIS << Math.min(attempt, 16));
            log.debug(
                    "retrying message on {} in {} ms: {}",
                    Untrusted.of(message.topic()),
                    delay,
                    Untrusted.of(why(rejected, failure)));
            try {
                scheduler.schedule(
                        () -> attempt(message, acknowledge, connectionAlive, attempt + 1),
                        delay,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The bridge closed meanwhile; the broker redelivers the unacknowledged message to the next session.
            }
        });
    }

    /**
     * The uplink's answer, or a {@link TimeoutException} after {@code ackTimeout}. The timeout completes a copy, never
     * the uplink's own future, and a late answer reaches only that copy, which is already done: it is ignored.
     */
    private CompletableFuture<Outcome> accept(InboundMessage message) {
        try {
            return uplink.accept(message).copy().orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String why(Outcome.Rejected rejected, Throwable failure) {
        return rejected != null ? rejected.status() + " " + rejected.reason() : String.valueOf(failure);
    }
}
