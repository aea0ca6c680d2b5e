package io.fogbridge.gateway;

import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.kafka.KafkaTopics;
import io.fogbridge.pipeline.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about route targets that do not exist in Kafka, for {@code config check} and the start-up log: a record
 * routed to a topic Kafka does not have (and will not create) is parked by the forwarder, so it is better said
 * before it happens. A literal target must be a topic; a template ({@code fog.telemetry.{tenant}}) must match at
 * least one topic. Asks Kafka once (a topic listing, bounded wait, with the forwarder's client settings); a Kafka
 * that cannot be reached, or does not let the gateway list topics, is said and is not a failure.
 */
public final class RouteTargetCheck {
    private static final Logger log = LoggerFactory.getLogger(RouteTargetCheck.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*}");

    /** What the check found: warnings, or why it could not check. */
    public record Result(List<String> warnings, String notChecked) {}

    private RouteTargetCheck() {}

    /** Checks every route's target against Kafka's topics; blocks up to {@code timeout}. */
    public static Result check(GatewayConfig config, Duration timeout) {
        String bootstrap = config.kafka().bootstrapServers();
        try (KafkaTopics topics = KafkaTopics.of(
                ForwarderStage.options(config.kafka(), config.gateway().id()), timeout)) {
            Set<String> names = topics.names();
            if (names == null) {
                return new Result(
                        List.of(),
                        "could not list Kafka's topics at " + bootstrap + " within " + timeout.toSeconds()
                                + " s (not reachable, or not allowed to describe topics): route targets not checked");
            }
            return new Result(missing(config.routeTable().routes(), names), null);
        } catch (RuntimeException e) {
            return new Result(
                    List.of(), "could not ask Kafka at " + bootstrap + " (" + e + "): route targets not checked");
        }
    }

    /** The warnings for {@code routes} against the topic {@code names} Kafka has. */
    static List<String> missing(List<Route> routes, Set<String> names) {
        List<String> out = new ArrayList<>();
        for (Route route : routes) {
            String target = route.to().text();
            boolean templated = PLACEHOLDER.matcher(target).find();
            boolean found =
                    templated ? names.stream().anyMatch(pattern(target).asMatchPredicate()) : names.contains(target);
            if (!found) {
                out.add("route " + route.name() + ": " + (templated ? "no Kafka topic matches " : "Kafka has no topic ")
                        + target
                        + "; unless Kafka creates topics on first use, its records will be parked (spool parked/)"
                        + " until the topic exists");
            }
        }
        return out;
    }

    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(at, m.start()))).append(".+");
            at = m.end();
        }
        return Pattern.compile(
                regex.append(Pattern.quote(template.substring(at))).toString());
    }

    /** Start-up: the same check on a daemon thread, so a Kafka that does not answer delays nothing. */
    static void logInBackground(GatewayConfig config) {
        Thread t = new Thread(
                () -> {
                    Result r = check(config, TIMEOUT);
                    r.warnings().forEach(w -> log.warn("{}", w));
                    if (r.notChecked() != null) {
                        log.info("{}", r.notChecked());
                    }
                },
                "fogbridge-route-target-check");
        t.setDaemon(true);
        t.start();
    }
}
