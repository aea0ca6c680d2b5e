package io.fogbridge.gateway.console;

import io.fogbridge.command.CommandRouter;
import io.fogbridge.pipeline.RouteTable;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's parts the console pages read beyond {@link GatewayFacts}: the route table and its counters, and the
 * command router. Read on the ops server's thread when a page or fragment is rendered; every part is thread-safe.
 *
 * @param routes    the route table the pipeline decides with (the route tester asks the same one)
 * @param routeHits records the spool accepted through the named route since start
 * @param unrouted  messages no route took since start
 * @param commands  the command router; null when {@code commands.enabled} is false
 */
public record ConsoleSources(
        RouteTable routes, ToDoubleFunction<String> routeHits, DoubleSupplier unrouted, CommandRouter commands) {

    /** No routes but the built-ins, no counts, no commands: for tests of pages that need none. */
    public static ConsoleSources none() {
        return new ConsoleSources(new RouteTable(List.of()), route -> 0, () -> 0, null);
    }
}
