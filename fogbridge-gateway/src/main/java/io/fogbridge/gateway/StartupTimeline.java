package io.fogbridge.gateway;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * When each step of a gateway's start began and ended, in milliseconds since the JVM started, for the one log line
 * that says where the start-up time went (operators read it after a slow reboot; {@code bench/startup.sh} reads it
 * for BENCHMARKS.md). Steps that run in parallel overlap on the line. Thread-safe: steps may end on any thread.
 */
final class StartupTimeline {

    private record Step(String name, long startMs, long endMs) {}

    private final List<Step> steps = new ArrayList<>();

    /** Milliseconds since the JVM started (the JVM's own clock, so the time before {@code main} counts too). */
    static long sinceJvmStart() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** Runs {@code step} and records how long it took, also when it fails. */
    <T> T time(String name, Callable<T> step) throws Exception {
        long start = sinceJvmStart();
        try {
            return step.call();
        } finally {
            record(name, start, sinceJvmStart());
        }
    }

    synchronized void record(String name, long startMs, long endMs) {
        steps.add(new Step(name, startMs, endMs));
    }

    /** {@code spool 410-432, kafka 432-980, ...}: each step's start and end since the JVM started. */
    synchronized String describe() {
        StringBuilder out = new StringBuilder();
        for (Step step : steps) {
            out.append(out.isEmpty() ? "" : ", ")
                    .append(step.name)
                    .append(' ')
                    .append(step.startMs)
                    .append('-')
                    .append(step.endMs);
        }
        return out.toString();
    }
}
