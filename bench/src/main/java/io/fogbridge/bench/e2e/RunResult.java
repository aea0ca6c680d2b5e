package io.fogbridge.bench.e2e;

/**
 * The figures of one run, as printed in the summary table and written by {@code --json}. Latencies are in
 * milliseconds from the publish (the intended publish time at a fixed rate) until the record was returned by
 * a Kafka fetch ({@code fromActualSend*}: from the actual publish, i.e. without the load generator's own
 * lateness at a fixed rate); CPU is in percent of one core, averaged over the measured window; RSS in MiB. {@code ceilingRatio}
 * (gateway ÷ stock Kafka ceiling) and {@code bounds} are set for as-fast-as-possible runs once the ceilings ran.
 */
record RunResult(
        RunSpec spec,
        double msgPerSecond,
        long acked,
        long unconfirmed,
        long received,
        long missing,
        long duplicates,
        long reordered,
        double p50Ms,
        double p95Ms,
        double p99Ms,
        double maxMs,
        double fromActualSendP50Ms,
        double fromActualSendP99Ms,
        double pubackP50Ms,
        double pubackP99Ms,
        double gatewayRssPeakMb,
        double gatewayRssEndMb,
        double gatewayCpuPercent,
        double kafkaCpuPercent,
        double loadgenCpuPercent,
        double consumerCpuPercent,
        double recordsPerSync,
        double syncsPerSecond,
        Drain drain,
        Double ceilingRatio,
        RunBounds bounds) {

    /**
     * The outage scenario: backlog when Kafka came back, how fast the forwarder brought it down (records
     * Kafka acknowledged per second while a backlog remained) against the ingest rate, and how long it took.
     */
    record Drain(
            double outageSeconds,
            long backlogAtRestart,
            long backlogPeak,
            double secondsToReconnect,
            double drainSeconds,
            double drainRate,
            double ingestRate,
            double ratio) {}

    RunResult withCeilingRatio(Double ratio) {
        return with(ratio, bounds);
    }

    RunResult withBounds(RunBounds newBounds) {
        return with(ceilingRatio, newBounds);
    }

    private RunResult with(Double ratio, RunBounds newBounds) {
        return new RunResult(
                spec,
                msgPerSecond,
                acked,
                unconfirmed,
                received,
                missing,
                duplicates,
                reordered,
                p50Ms,
                p95Ms,
                p99Ms,
                maxMs,
                fromActualSendP50Ms,
                fromActualSendP99Ms,
                pubackP50Ms,
                pubackP99Ms,
                gatewayRssPeakMb,
                gatewayRssEndMb,
                gatewayCpuPercent,
                kafkaCpuPercent,
                loadgenCpuPercent,
                consumerCpuPercent,
                recordsPerSync,
                syncsPerSecond,
                drain,
                ratio,
                newBounds);
    }
}
