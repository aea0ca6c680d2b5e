package io.fogbridge.operator.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CPU time of this JVM's Java threads, to share one process's CPU between the operator, the mock API server (Vert.x
 * threads) and the bench itself. A thread that ended between two snapshots is lost (counted in no group); what the
 * JVM spends outside Java threads (garbage collection, the JIT) is the process figure minus the threads' sum.
 *
 * @param byThread CPU nanoseconds and name per live thread id
 */
record ThreadCpu(Map<Long, Named> byThread) {

    record Named(String name, long cpuNanos) {}

    static ThreadCpu now() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Named> byThread = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long cpu = threads.getThreadCpuTime(id);
            if (info != null && cpu >= 0) {
                byThread.put(id, new Named(info.getThreadName(), cpu));
            }
        }
        return new ThreadCpu(byThread);
    }

    /** The JDK HTTP clients (by their {@code HttpClient-<n>} prefix) whose threads run now. */
    Set<String> httpClients() {
        Set<String> clients = new java.util.TreeSet<>();
        byThread.values().forEach(t -> {
            String prefix = httpClientOf(t.name());
            if (prefix != null) {
                clients.add(prefix);
            }
        });
        return clients;
    }

    /** CPU since {@code before}, per thread group (the name with its numbers blanked). */
    Map<String, Long> since(ThreadCpu before) {
        Map<String, Long> groups = new TreeMap<>();
        byThread.forEach((id, t) -> {
            Named then = before.byThread.get(id);
            long delta = t.cpuNanos() - (then == null ? 0 : then.cpuNanos());
            if (delta > 0) {
                groups.merge(group(t.name()), delta, Long::sum);
            }
        });
        return groups;
    }

    static String group(String name) {
        String client = httpClientOf(name);
        String rest = client == null ? name : name.substring(client.length());
        return (client == null ? "" : client) + rest.replaceAll("[0-9]+", "#");
    }

    static String httpClientOf(String name) {
        var m = java.util.regex.Pattern.compile("^HttpClient-[0-9]+").matcher(name);
        return m.find() ? m.group() : null;
    }
}
