package io.fogbridge.gateway.doctor;

import java.io.PrintStream;
import java.util.List;

/**
 * What {@code fogbridge doctor} found about one thing on the box, and what to do about it.
 *
 * @param level  {@link Level#OK}, a {@link Level#WARN warning} (the gateway runs, but something is at risk), or a
 *               {@link Level#FAIL failure} (the gateway will not do its job here until it is fixed)
 * @param name   what was checked ({@code jdk}, {@code memory}, {@code data dir}, {@code fsync}, {@code clock},
 *               {@code kafka})
 * @param detail what was measured or seen
 * @param advice what it means for the gateway and what to change; may be empty
 */
public record Finding(Level level, String name, String detail, List<String> advice) {

    /** How bad a finding is; labels as in {@code /readyz}. */
    public enum Level {
        OK("[ok]   "),
        WARN("[WARN] "),
        FAIL("[FAIL] ");

        private final String label;

        Level(String label) {
            this.label = label;
        }
    }

    public Finding {
        advice = List.copyOf(advice);
    }

    static Finding ok(String name, String detail, String... advice) {
        return new Finding(Level.OK, name, detail, List.of(advice));
    }

    static Finding warn(String name, String detail, String... advice) {
        return new Finding(Level.WARN, name, detail, List.of(advice));
    }

    static Finding fail(String name, String detail, String... advice) {
        return new Finding(Level.FAIL, name, detail, List.of(advice));
    }

    /** {@code [WARN] fsync: ...} then each advice line indented under it. */
    public void print(PrintStream out) {
        out.println(level.label + name + ": " + detail);
        advice.forEach(line -> out.println("       " + line));
    }
}
