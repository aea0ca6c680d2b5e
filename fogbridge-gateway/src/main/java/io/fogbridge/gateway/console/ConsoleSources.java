package io.fogbridge.gateway.console;

import io.fogbridge.api.SpoolStats;
import io.fogbridge.command.CommandRouter;
import io.fogbridge.gateway.discovery.ScheduledScans;
import io.fogbridge.pipeline.RouteTable;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import io.fogbridge.spool.ParkedRecords;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's parts the console pages read beyond {@link GatewayFacts}. Read on the ops server's thread when a page
 * or fragment is rendered; every part is thread-safe and cheap.
 *
 * @param routes           the route table the pipeline decides with (the route tester asks the same one)
 * @param routeHits        records the spool accepted through the named route since start
 * @param unrouted         messages no route took since start
 * @param commands         the command router; gives null when {@code commands.enabled} is false (and while the
 *                         gateway starts: the console is mounted before the command path stands)
 * @param consoleCommands  the commands sent from the console; gives null when {@code commands} does
 * @param spool            the spool's counters
 * @param parked           the spool's parking area; null when there is none
 * @param spoolReport      the {@code spool inspect} text, refreshed in the background; null when there is no spool
 * @param converterFigures the Modbus and OPC UA converters' own figures, by name, in words
 * @param pending          what waits for approval: onboarding's newcomers and the gateway's scan proposals
 */
public record ConsoleSources(
        RouteTable routes,
        ToDoubleFunction<String> routeHits,
        DoubleSupplier unrouted,
        Supplier<CommandRouter> commands,
        Supplier<ConsoleCommands> consoleCommands,
        Supplier<SpoolStats> spool,
        ParkedRecords parked,
        SpoolReport spoolReport,
        Supplier<Map<String, String>> converterFigures,
        Pending pending) {

    /**
     * What the pending page reads.
     *
     * @param newcomers       certificate devices onboarding lists (pending and admitted); empty without a registry
     * @param unlisted        newcomers held pending but not listed (the list is full)
     * @param dropped         publishes of pending devices dropped at the edge since start, all devices together
     * @param discoveryRounds the latest round of each scheduled scan; empty without scans
     */
    public record Pending(
            Supplier<List<Newcomer>> newcomers,
            LongSupplier unlisted,
            DoubleSupplier dropped,
            Supplier<List<ScheduledScans.Round>> discoveryRounds) {

        /** Nothing pending, no scans. */
        public static Pending none() {
            return new Pending(List::of, () -> 0, () -> 0, List::of);
        }
    }

    /** No routes but the built-ins, no counts, no commands, an empty spool: for tests of pages that need none. */
    public static ConsoleSources none() {
        return new ConsoleSources(
                new RouteTable(List.of()),
                route -> 0,
                () -> 0,
                () -> null,
                () -> null,
                () -> new SpoolStats(0, 0, -1, 0, 0, Map.of()),
                null,
                null,
                Map::of,
                Pending.none());
    }
}
