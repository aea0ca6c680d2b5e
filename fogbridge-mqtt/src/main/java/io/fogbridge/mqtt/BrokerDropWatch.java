package io.fogbridge.mqtt;

import io.fogbridge.api.log.Untrusted;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the external broker's own count of messages it dropped, mosquitto's
 * {@value #TOPIC}: messages the broker had acknowledged to a device (PUBACK) and then threw away because a session's
 * queue was full ({@code max_queued_messages}, {@code max_queued_bytes}), typically the gateway's session while the
 * gateway was away. The gateway cannot get those messages back; it can only say that they are gone.
 *
 * <p><b>What the count means.</b> mosquitto counts drops since it started, for all its sessions (a slow subscriber of
 * the site's own counts too), and publishes the total, retained, every {@code sys_interval} seconds while it changes.
 * The first total this watch reads is counted in full: drops that happened while the gateway was down are the ones
 * that matter, and they happened before it could read anything. A total lower than the last one means the broker
 * restarted (its count began again at 0). So after a gateway restart, drops the previous run reported are reported
 * again; after a broker restart, what was queued in memory is lost without being counted (see
 * {@code persistence true}).
 *
 * <p><b>Episodes.</b> Increases less than {@code quiet} apart are one episode: one WARN line when it begins, and
 * {@link #drops()} shows the episode's total until {@code quiet} has passed without a new drop.
 *
 * <p><b>Blind spot.</b> If no total arrives within {@code visibleWithin} of subscribing (a broker that does not
 * publish it, such as EMQX or HiveMQ, or an ACL that keeps {@code $SYS} from the gateway), drops cannot be seen; that is
 * logged once and {@link #blindSpot()} says so.
 *
 * <p>Thread-safe. Takes a clock so tests control time.
 */
final class BrokerDropWatch {

    static final String TOPIC = "$SYS/broker/publish/messages/dropped";
    static final Duration QUIET = Duration.ofMinutes(15);
    static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(BrokerDropWatch.class);

    private final MqttMetrics metrics;
    private final Clock clock;
    private final Duration quiet;
    private final Duration visibleWithin;

    private boolean seen;
    private boolean blindLogged;
    private long subscribedAt = -1;
    private long lastTotal;
    private long episodeDrops;
    private long lastIncreaseAt;

    BrokerDropWatch(MqttMetrics metrics, Clock clock, Duration quiet, Duration visibleWithin) {
        this.metrics = metrics;
        this.clock = clock;
        this.quiet = quiet;
        this.visibleWithin = visibleWithin;
    }

    /** The subscription to {@value #TOPIC} was sent: the time to hear from it starts now (once per bridge). */
    synchronized void subscribed() {
        if (subscribedAt < 0) {
            subscribedAt = clock.millis();
        }
    }

    /** A message on {@value #TOPIC}; a payload that is not a count is ignored. */
    synchronized void onTotal(String payload) {
        long total;
        try {
            total = Long.parseLong(payload.trim());
        } catch (NumberFormatException e) {
            log.debug("ignoring {} = '{}': not a count", TOPIC, Untrusted.of(payload));
            return;
        }
        seen = true;
        if (total < lastTotal) {
            lastTotal = 0; // the broker restarted and counts from 0 again
        }
        long drops = total - lastTotal;
        lastTotal = total;
        if (drops <= 0) {
            return;
        }
        metrics.brokerDropped(drops);
        long now = clock.millis();
        boolean newEpisode = episodeDrops == 0 || now - lastIncreaseAt > quiet.toMillis();
        lastIncreaseAt = now;
        if (newEpisode) {
            episodeDrops = drops;
            log.warn("{} (broker's {} went to {})", dropText(drops), TOPIC, total);
        } else {
            episodeDrops += drops;
            log.debug("the broker dropped {} more, {} in this episode", drops, episodeDrops);
        }
    }

    /** The current episode's drops, for {@code quiet} after its last one, or null. */
    synchronized String drops() {
        if (episodeDrops > 0 && clock.millis() - lastIncreaseAt <= quiet.toMillis()) {
            return dropText(episodeDrops);
        }
        return null;
    }

    /** That drops cannot be seen (logged the first time it is true), or null while the total arrives. */
    synchronized String blindSpot() {
        if (!seen && subscribedAt >= 0 && clock.millis() - subscribedAt >= visibleWithin.toMillis()) {
            String text = "drops at the broker cannot be seen: no " + TOPIC + " within " + visibleWithin.toSeconds()
                    + " s (the broker does not publish it, or its ACL does not let the gateway read it)";
            if (!blindLogged) {
                blindLogged = true;
                log.warn("{}", text);
            }
            return text;
        }
        return null;
    }

    private static String dropText(long drops) {
        return "the broker dropped " + drops + " messages it had acknowledged to devices; raise max_queued_messages";
    }
}
