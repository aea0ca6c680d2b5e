package io.fogbridge.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's resident memory and CPU time at one instant, from {@code /proc/<pid>/status} (VmRSS) and
 * {@code /proc/<pid>/stat} (utime + stime, in clock ticks). Linux only; elsewhere every sample is empty.
 */
record ProcessSample(long nanos, long rssKb, long cpuTicks) {

    /** USER_HZ: 100 on every Linux this runs on (the kernel's ABI value, independent of CONFIG_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    static ProcessSample of(long pid) {
        long now = System.nanoTime();
        try {
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start at ") ": state is field 3, utime 14, stime
            // 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return new ProcessSample(now, rss, ticks);
        } catch (IOException | RuntimeException e) {
            return new ProcessSample(now, 0, 0);
        }
    }

    /** False when the process was gone (or this is not Linux). */
    boolean valid() {
        return rssKb > 0 || cpuTicks > 0;
    }

    double rssMb() {
        return rssKb / 1024.0;
    }

    /** Average CPU between two samples, in percent of one core (200 = both cores of a 2-core machine). */
    static double cpuPercent(ProcessSample from, ProcessSample to) {
        if (from == null || to == null || !from.valid() || !to.valid() || to.nanos <= from.nanos) {
            return 0;
        }
        return (to.cpuTicks - from.cpuTicks) / TICKS_PER_SECOND / ((to.nanos - from.nanos) / 1e9) * 100;
    }
}
