package io.fogbridge.bench.e2e;

/**
 * CPU arithmetic of one measured window: what a message costs each process, and the message rate a machine's cores
 * could carry if only some of those processes had to be paid for.
 *
 * <p>A process's CPU is sampled as percent of one core over the window ({@link ProcessSample#cpuPercent}); at
 * {@code r} msg/s that is {@code percent / 100 × 1e6 / r} µs of CPU per message. {@code cores} cores supply
 * {@code cores × 1e6} µs of CPU a second, so processes costing {@code c} µs per message in total cannot carry more than
 * {@code cores × 1e6 / c} msg/s, whatever else is optimised. The bound assumes the cost per message stays what it was
 * at the measured rate (a process that batches more at a higher rate would do a little better than the bound says).
 */
final class CpuBudget {

    private CpuBudget() {}

    /** µs of CPU per message; NaN when there were no messages (no cost can be told). */
    static double microsPerMessage(double cpuPercentOfOneCore, double msgPerSecond) {
        if (msgPerSecond <= 0 || Double.isNaN(cpuPercentOfOneCore)) {
            return Double.NaN;
        }
        return cpuPercentOfOneCore / 100 * 1e6 / msgPerSecond;
    }

    /**
     * The msg/s {@code cores} cores could carry if the processes costing {@code microsPerMessage} (µs each) were the
     * only work on them; null if a cost is unknown (NaN) or the total is not positive (no bound can be told).
     */
    static Double rateBound(int cores, double... microsPerMessage) {
        if (cores <= 0) {
            throw new IllegalArgumentException("cores must be positive: " + cores);
        }
        double total = 0;
        for (double micros : microsPerMessage) {
            if (Double.isNaN(micros) || micros < 0) {
                return null;
            }
            total += micros;
        }
        return total > 0 ? cores * 1e6 / total : null;
    }

    /** {@code part / whole}, or null when either is unknown or the whole is not positive. */
    static Double ratio(Double part, Double whole) {
        if (part == null || whole == null || whole <= 0 || Double.isNaN(part)) {
            return null;
        }
        return part / whole;
    }
}
