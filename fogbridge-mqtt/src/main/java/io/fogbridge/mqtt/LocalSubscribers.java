package io.fogbridge.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether anyone on the embedded broker subscribes to a topic. The device relay passes a device's PUBLISH to the
 * broker only when someone could receive it (decision 0001, "the relay's own PUBLISH path"): most telemetry has no
 * local subscriber, and reading, routing and acknowledging it in the broker was most of what the relay cost per
 * message (BENCHMARKS.md, "Performance II", session 12).
 *
 * <p>The answer is HiveMQ CE's own topic tree: every subscription it routes by, shared ones and those of offline
 * persistent sessions included, and those an extension added. HiveMQ adds a subscription to the tree before it
 * writes the SUBACK, so between a relayed SUBSCRIBE and its SUBACK the tree may not know yet: while any relayed
 * SUBSCRIBE is unanswered, every topic counts as subscribed, and the relay lets a PUBLISH wait for the SUBACKs ({@link
 * #subscribes}): a PUBLISH the relay reads after a SUBSCRIBE reaches that subscription, whichever devices sent them
 * (Paho's {@code test_subscribe_options} relies on that). The tree is an internal of the
 * embedded broker ({@link BrokerInternals}): where a HiveMQ version no longer has it, every PUBLISH is passed on, as
 * before, and one warning says so.
 *
 * <p><b>Remembered answers.</b> Asking the tree splits the topic and walks its levels on every PUBLISH (6 % of the
 * relay's event loops at 5,000 msg/s, BENCHMARKS.md "Performance II", session 12), while devices publish to the same
 * topics again and again. So answers are remembered per topic, up to {@value #REMEMBERED} topics, each with the
 * generation it was asked in; every SUBACK the relay passes on (and every connection that closes with a SUBSCRIBE
 * unanswered) starts a new generation, which makes every remembered answer stale. A subscription can only come into
 * the tree through a relayed SUBSCRIBE (the broker's own listener is loopback-only and the relay its one client),
 * so a remembered "no one" is never older than the last subscription. One that goes away keeps a remembered "someone"
 * until the next generation: the broker gets a PUBLISH it did not need, nothing more.
 *
 * <p>Thread-safe; {@link #attach} once after the broker started.
 */
final class LocalSubscribers {

    private static final Logger log = LoggerFactory.getLogger(LocalSubscribers.class);
    private static final String TOPIC_TREE = "com.hivemq.mqtt.topic.tree.LocalTopicTree";

    private volatile Predicate<String> anyFor = topic -> true;
    /** Topics whose answer is remembered at most; beyond, all are forgotten and asked again. */
    static final int REMEMBERED = 4096;

    /** Bumped at every SUBACK, before it counts: the tree may have changed. */
    private final AtomicLong generation = new AtomicLong();
    /** Relayed SUBSCRIBEs whose SUBACK has not come back from the broker. */
    private final UnansweredSubscribes subscribes = new UnansweredSubscribes(generation::incrementAndGet);
    /** Topic → the generation it was asked in × 2, + 1 if someone subscribes. */
    private final ConcurrentHashMap<String, Long> answers = new ConcurrentHashMap<>();

    /** For tests: whether a topic has subscribers is whatever {@code source} says. */
    void attach(Predicate<String> source) {
        this.anyFor = source;
    }

    /** Finds HiveMQ's topic tree; without it every topic counts as subscribed (logged once). */
    void attach(EmbeddedHiveMQ broker) {
        try {
            Object tree = BrokerInternals.instance(broker, TOPIC_TREE, null);
            Method find = tree.getClass().getMethod("findTopicSubscribers", String.class);
            Method subscribers = find.getReturnType().getMethod("getSubscribers");
            Method shared = find.getReturnType().getMethod("getSharedSubscriptions");
            anyFor = topic -> {
                try {
                    Object found = find.invoke(tree, topic);
                    return !((Collection<?>) subscribers.invoke(found)).isEmpty()
                            || !((Collection<?>) shared.invoke(found)).isEmpty();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return true; // in doubt, the broker gets it
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn(
                    "cannot read the embedded broker's subscriptions ({}): every device PUBLISH through the relay is"
                            + " passed to the broker, with or without a local subscriber",
                    e.toString());
        }
    }

    /** Whether a PUBLISH to {@code topic} could reach a local subscriber (true when it cannot be told). */
    boolean anyFor(String topic) {
        if (subscribes.any()) {
            return true;
        }
        long asked = generation.get();
        Long remembered = answers.get(topic);
        if (remembered != null && remembered >> 1 == asked) {
            return (remembered & 1) == 1;
        }
        boolean any = anyFor.test(topic);
        if (answers.size() >= REMEMBERED) {
            answers.clear();
        }
        answers.put(topic, asked << 1 | (any ? 1 : 0)); // asked before the tree was: stale once it changes
        return any;
    }

    /** The relayed SUBSCRIBEs the broker has not answered. */
    UnansweredSubscribes subscribes() {
        return subscribes;
    }
}
