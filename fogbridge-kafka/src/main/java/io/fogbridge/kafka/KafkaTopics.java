package io.fogbridge.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TopicCheck} with Kafka's admin client, made on first use with the forwarder's connection settings (the
 * producer's TLS/SASL properties apply; producer-only ones are left out so the admin client does not warn about
 * them). Every call waits at most {@code timeout}; a Kafka that does not answer in time is {@code UNKNOWN}, never
 * {@code MISSING}. Thread-safe.
 */
public final class KafkaTopics implements TopicCheck {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

    private final Map<String, Object> settings;
    private final Duration timeout;
    private Admin admin;

    /**
     * @param clientSettings Kafka client properties, {@code bootstrap.servers} included; those the admin client does
     *     not know are dropped
     */
    public KafkaTopics(Map<String, ?> clientSettings, Duration timeout) {
        this(clientSettings, timeout, "topic-check");
    }

    /** @param purpose appended to the client id, so that two of these at once do not share one */
    KafkaTopics(Map<String, ?> clientSettings, Duration timeout, String purpose) {
        this.settings = new LinkedHashMap<>();
        clientSettings.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                settings.put(k, v);
            }
        });
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        int ms = (int) Math.max(1, timeout.toMillis());
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        // its own id: two clients with one id clash on their JMX registration (a warning per start)
        Object id = settings.get(AdminClientConfig.CLIENT_ID_CONFIG);
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, (id == null ? "fogbridge" : id) + "-" + purpose);
    }

    /** For {@code config check} and the start-up log: the forwarder's own client settings. */
    public static KafkaTopics of(ForwarderOptions options, Duration timeout) {
        return new KafkaTopics(ProducerSettings.of(options), timeout, "route-check");
    }

    @Override
    public synchronized Existence exists(String topic) {
        try {
            admin().describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Existence.EXISTS;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Existence.MISSING;
            }
            log.debug(
                    "cannot tell whether topic {} exists: {}",
                    topic,
                    e.getCause().toString());
            return Existence.UNKNOWN;
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            log.debug("cannot tell whether topic {} exists: {}", topic, e.toString());
            return Existence.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Existence.UNKNOWN;
        }
    }

    /**
     * The names of Kafka's topics (internal ones left out), from one listing.
     *
     * @return the names; null when Kafka could not be asked within the timeout
     */
    public synchronized Set<String> names() {
        try {
            return admin().listTopics(new ListTopicsOptions().listInternal(false))
                    .names()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.debug("cannot list topics: {}", e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(settings);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
