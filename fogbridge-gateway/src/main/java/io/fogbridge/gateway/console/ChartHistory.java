package io.fogbridge.gateway.console;

import java.util.function.DoubleSupplier;

/**
 * The overview's charts: the last {@value #SECONDS} seconds of records received per second, records Kafka
 * acknowledged per second and the spool backlog, sampled once a second by {@link #sample}. Rates come from
 * differences of the monotonic counters, so a missed tick widens one interval instead of losing records. A fixed ring:
 * memory does not grow with uptime. Thread-safe.
 */
public final class ChartHistory {

    static final int SECONDS = 15 * 60;

    /** Columns as uPlot wants them: x (epoch seconds), then one array per series. */
    public record Columns(long[] time, double[] receivedPerSecond, double[] kafkaPerSecond, double[] backlog) {}

    private final DoubleSupplier received;
    private final DoubleSupplier acked;
    private final DoubleSupplier backlog;
    private final long[] time = new long[SECONDS];
    private final double[] receivedRate = new double[SECONDS];
    private final double[] kafkaRate = new double[SECONDS];
    private final double[] backlogValue = new double[SECONDS];
    private int next;
    private int size;
    private long lastMillis = -1;
    private double lastReceived;
    private double lastAcked;

    /** @param received and @param acked monotonic counters; @param backlog a gauge (records waiting) */
    public ChartHistory(DoubleSupplier received, DoubleSupplier acked, DoubleSupplier backlog) {
        this.received = received;
        this.acked = acked;
        this.backlog = backlog;
    }

    /** Takes one sample at {@code nowMillis}; the first only sets the baseline of the rates. */
    public synchronized void sample(long nowMillis) {
        double r = received.getAsDouble();
        double a = acked.getAsDouble();
        if (lastMillis >= 0 && nowMillis > lastMillis) {
            double seconds = (nowMillis - lastMillis) / 1000.0;
            time[next] = nowMillis / 1000;
            receivedRate[next] = Math.max(0, r - lastReceived) / seconds;
            kafkaRate[next] = Math.max(0, a - lastAcked) / seconds;
            backlogValue[next] = backlog.getAsDouble();
            next = (next + 1) % SECONDS;
            size = Math.min(size + 1, SECONDS);
        }
        lastMillis = nowMillis;
        lastReceived = r;
        lastAcked = a;
    }

    /** The samples held, oldest first. */
    public synchronized Columns columns() {
        long[] t = new long[size];
        double[] rr = new double[size];
        double[] kr = new double[size];
        double[] b = new double[size];
        int start = (next - size + SECONDS) % SECONDS;
        for (int i = 0; i < size; i++) {
            int j = (start + i) % SECONDS;
            t[i] = time[j];
            rr[i] = receivedRate[j];
            kr[i] = kafkaRate[j];
            b[i] = backlogValue[j];
        }
        return new Columns(t, rr, kr, b);
    }
}
