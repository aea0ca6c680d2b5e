package io.fogbridge.bench.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios of issue 6 as {@link RunSpec}s, with the durations of one invocation:
 *
 * <ol>
 *   <li>100 clients × 200 B, as fast as possible, {@code fsync: group};
 *   <li>10 clients × 200 B, as fast as possible, under {@code group} and under {@code interval:5};
 *   <li>a fixed 5,000 msg/s from 100 clients, for latency;
 *   <li>1,000 connected devices at 1 msg/s each, for the gateway's RSS;
 *   <li>outage drain: Kafka down for {@code outage} s while 100 clients publish 2,000 msg/s.
 * </ol>
 *
 * {@code sweep}: 100 clients at each of {@code rates} msg/s (latency against offered rate, for the plot).
 */
final class Scenarios {

    private Scenarios() {}

    record Durations(int duration, int warmup, int outageAt, int outage, int drainTail) {}

    static List<RunSpec> of(String scenario, Durations d, int size, int window, List<Double> sweepRates) {
        List<RunSpec> runs = new ArrayList<>();
        for (String id : scenario.split(",")) {
            switch (id.trim()) {
                case "1" -> runs.add(max("s1-100c-group", 100, size, window, "group", d));
                case "2" -> {
                    runs.add(max("s2-10c-group", 10, size, window, "group", d));
                    runs.add(max("s2-10c-interval5", 10, size, window, "interval:5", d));
                }
                case "3" -> runs.add(fixed("s3-100c-5000", 100, size, 5000, window, "group", d));
                case "4" -> runs.add(fixed("s4-1000c-1each", 1000, size, 1000, window, "group", d));
                case "5" ->
                    runs.add(new RunSpec(
                            "s5-outage",
                            100,
                            size,
                            2000,
                            window,
                            "group",
                            d.outageAt() + d.outage() + d.drainTail(),
                            d.warmup(),
                            0,
                            d.outageAt(),
                            d.outage()));
                case "sweep" -> {
                    for (double rate : sweepRates) {
                        runs.add(fixed("sweep-" + (long) rate, 100, size, rate, window, "group", d));
                    }
                }
                case "all" -> runs.addAll(of("1,2,3,4,5", d, size, window, sweepRates));
                default ->
                    throw new IllegalArgumentException(
                            "unknown scenario '" + id + "' (1-5, all, sweep, or custom with --clients/--rate/--fsync)");
            }
        }
        return runs;
    }

    static RunSpec max(String name, int clients, int size, int window, String fsync, Durations d) {
        return new RunSpec(name, clients, size, 0, window, fsync, d.duration(), d.warmup(), 0, 0, 0);
    }

    static RunSpec fixed(String name, int clients, int size, double rate, int window, String fsync, Durations d) {
        return new RunSpec(name, clients, size, rate, window, fsync, d.duration(), d.warmup(), 0, 0, 0);
    }
}
