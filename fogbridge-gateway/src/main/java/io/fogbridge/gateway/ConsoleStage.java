package io.fogbridge.gateway;

import io.fogbridge.gateway.cli.VersionCommand;
import io.fogbridge.gateway.console.ChartHistory;
import io.fogbridge.gateway.console.Console;
import io.fogbridge.gateway.console.ConsoleCommands;
import io.fogbridge.gateway.console.ConsoleSessions;
import io.fogbridge.gateway.console.ConsoleSources;
import io.fogbridge.gateway.console.GatewayFacts;
import io.fogbridge.gateway.console.SpoolReport;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.gateway.ops.OpsServer;
import io.fogbridge.kafka.ForwarderState;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.OnboardingQueue;
import io.fogbridge.registry.Registry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Mounts the web console ({@code /console}) on the ops server, with the ops server's exposure: open on loopback, a
 * login with {@code http.token} when exposed. Starts the once-a-second sampler of the overview's charts, a daemon
 * thread that stops with the gateway. The charts read the same meters {@code /metrics} shows ({@code
 * fogbridge.spool.appended}, {@code fogbridge.forwarder.acked}), so the console and Prometheus agree.
 */
final class ConsoleStage {

    /** A console left open over a weekend is logged out; the token is entered again. */
    private static final Duration IDLE = Duration.ofHours(8);

    /** A console page that made no request for this long is closed: messages are then kept only once a second. */
    private static final Duration WATCHING = Duration.ofMinutes(1);

    private ConsoleStage() {}

    static void mount(Gateway gateway, OpsServer ops, BearerToken token, StartedStages stages) {
        MeterRegistry registry = gateway.registry();
        ChartHistory charts = new ChartHistory(
                functionCounter(registry, "fogbridge.spool.appended"),
                functionCounter(registry, "fogbridge.forwarder.acked"),
                () -> gateway.spool().glance().records());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fogbridge-console-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(() -> charts.sample(System.currentTimeMillis()), 0, 1, TimeUnit.SECONDS);
        stages.push(sampler::shutdownNow);
        Supplier<Registry> devices = gateway.deviceDirectory() instanceof DeviceRegistry r ? r::current : () -> null;
        GatewayFacts facts = new GatewayFacts(
                gateway.config().gateway().id(),
                gateway.config().gateway().labels(),
                VersionCommand.version(),
                gateway.clock().instant(),
                ops::evaluate,
                () -> forwarder(gateway.forwarder().state()),
                () -> oldestAgeSeconds(gateway),
                devices);
        ConsoleSessions sessions = new ConsoleSessions(token, registry, System::nanoTime, IDLE);
        gateway.deviceActivity().watchedBy(() -> sessions.usedWithin(WATCHING));
        ConsoleSources sources = new ConsoleSources(
                gateway.config().routeTable(),
                route -> {
                    var hits = registry.find("fogbridge.pipeline.ingested")
                            .tag("route", route)
                            .counter();
                    return hits == null ? 0 : hits.count();
                },
                functionCounter(registry, "fogbridge.pipeline.unrouted"),
                gateway::commandRouter,
                consoleCommands(gateway),
                () -> gateway.spool().glance(),
                gateway.spool().parked(),
                new SpoolReport(gateway.spool().options().directory(), sampler, System::currentTimeMillis),
                () -> converterFigures(registry),
                pending(gateway, registry));
        ops.mount("/console", new Console(sessions, facts, gateway.deviceActivity(), charts, sources, gateway.clock()));
    }

    /**
     * The console's outbox on the command router, hearing device responses from the activity; it gives null without
     * a router. Made on first use: the console is mounted while the MQTT bus starts, before the command path exists
     * (no console command can be sent, nor answered, before then).
     */
    private static Supplier<ConsoleCommands> consoleCommands(Gateway gateway) {
        AtomicReference<ConsoleCommands> outbox = new AtomicReference<>();
        return () -> {
            ConsoleCommands made = outbox.get();
            if (made != null || gateway.commandRouter() == null) {
                return made;
            }
            synchronized (outbox) {
                if (outbox.get() == null) {
                    ConsoleCommands commands = new ConsoleCommands(gateway.commandRouter(), gateway.clock()::millis);
                    gateway.deviceActivity().watchCommandResponses(commands::response);
                    outbox.set(commands);
                }
                return outbox.get();
            }
        };
    }

    /** Onboarding's newcomers (with the gateway's own registry only) and the scheduled scans' latest rounds. */
    private static ConsoleSources.Pending pending(Gateway gateway, MeterRegistry registry) {
        OnboardingQueue queue = gateway.deviceDirectory() instanceof DeviceRegistry r ? r.onboarding() : null;
        return new ConsoleSources.Pending(
                queue == null ? List::of : queue::list,
                queue == null ? () -> 0 : queue::unlisted,
                () -> {
                    Counter dropped =
                            registry.find("fogbridge.mqtt.pending.dropped").counter();
                    return dropped == null ? 0 : dropped.count();
                },
                gateway::discoveryRounds);
    }

    /** The converters' meters that have no per-endpoint tag, in words; empty when no converter runs. */
    private static Map<String, String> converterFigures(MeterRegistry registry) {
        Map<String, String> figures = new LinkedHashMap<>();
        Timer lateness = registry.find("fogbridge.modbus.poll.lateness").timer();
        if (lateness != null) {
            figures.put(
                    "modbus poll lateness (mean / max)",
                    String.format(
                            Locale.ROOT,
                            "%.1f ms / %.1f ms",
                            lateness.mean(TimeUnit.MILLISECONDS),
                            lateness.max(TimeUnit.MILLISECONDS)));
        }
        gauge(registry, "fogbridge.modbus.devices.connected", "modbus devices connected", figures);
        counter(registry, "fogbridge.modbus.polls.missed", "modbus polls missed", figures);
        gauge(registry, "fogbridge.opcua.endpoints.connected", "opcua endpoints connected", figures);
        gauge(registry, "fogbridge.opcua.last.data.seconds", "opcua seconds since the last data", figures);
        counter(registry, "fogbridge.opcua.reconnects", "opcua reconnects", figures);
        return figures;
    }

    private static void gauge(MeterRegistry registry, String meter, String words, Map<String, String> figures) {
        Gauge gauge = registry.find(meter).gauge();
        if (gauge != null) {
            figures.put(words, String.format(Locale.ROOT, "%.0f", gauge.value()));
        }
    }

    private static void counter(MeterRegistry registry, String meter, String words, Map<String, String> figures) {
        double total = registry.find(meter).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        if (!registry.find(meter).counters().isEmpty()) {
            figures.put(words, String.format(Locale.ROOT, "%.0f", total));
        }
    }

    private static String forwarder(ForwarderState state) {
        String words = state.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (state.connected() ? ", connected" : ", not connected");
        return state.lastError() == null ? words : words + "; last error: " + state.lastError();
    }

    /** A counter read by name each time: 0 until the stage that registers it exists. */
    private static DoubleSupplier functionCounter(MeterRegistry registry, String name) {
        return () -> {
            FunctionCounter counter = registry.find(name).functionCounter();
            if (counter != null) {
                return counter.count();
            }
            var plain = registry.find(name).counter();
            return plain == null ? 0 : plain.count();
        };
    }

    /** As the {@code fogbridge.spool.oldest.age.seconds} gauge, but NaN when nothing waits (the gauge says 0). */
    private static double oldestAgeSeconds(Gateway gateway) {
        long oldest = gateway.spool().glance().oldestArrival();
        return oldest < 0 ? Double.NaN : Math.max(0, gateway.clock().millis() - oldest) / 1000.0;
    }
}
