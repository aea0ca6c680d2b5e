package io.fogbridge.gateway.fault;

import io.fogbridge.gateway.fault.TelemetryTopic.Delivered;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The delivery invariants of ARCHITECTURE.md ("Delivery guarantees") checked on what a topic holds against
 * what devices were acknowledged:
 *
 * <ul>
 *   <li>every PUBACKed (device, seq) is in the topic, with the key and {@code device_id} of its device and
 *       its payload unchanged;
 *   <li>records with the same {@code fog-seq} are the same message (a replay repeats, never invents);
 *   <li>per device, the first copies of the acknowledged messages appear in the order they were sent;
 *   <li>with {@code sameFogSeqForRepeats}, a message that appears twice carries the same {@code fog-seq}
 *       both times: no device re-sent anything, so any repeat must be a replay of one spool record.
 * </ul>
 *
 * Pure: reads its inputs, returns the violations found (empty = all hold).
 */
public final class DeliveryCheck {

    private static final int MAX_REPORTED = 25;

    private final Map<String, Collection<Long>> ackedByDevice;
    private final boolean sameFogSeqForRepeats;
    private final List<String> violations = new ArrayList<>();
    private int violationCount;
    private int duplicates;
    private int records;

    private DeliveryCheck(Map<String, Collection<Long>> ackedByDevice, boolean sameFogSeqForRepeats) {
        this.ackedByDevice = ackedByDevice;
        this.sameFogSeqForRepeats = sameFogSeqForRepeats;
    }

    /** Checks {@code delivered} (records of one topic, each partition in offset order) against the acknowledgements. */
    public static DeliveryCheck run(
            Map<String, ? extends Collection<Long>> ackedByDevice,
            List<Delivered> delivered,
            boolean sameFogSeqForRepeats) {
        DeliveryCheck check = new DeliveryCheck(new LinkedHashMap<>(ackedByDevice), sameFogSeqForRepeats);
        check.verify(delivered);
        return check;
    }

    /** The acknowledged messages not (yet) in the topic, per device. */
    public static Map<String, List<Long>> missing(
            Map<String, ? extends Collection<Long>> ackedByDevice, List<Delivered> delivered) {
        Map<String, Set<Long>> present = new HashMap<>();
        for (Delivered d : delivered) {
            TelemetryPayload p = TelemetryPayload.parse(d.value());
            if (p != null) {
                present.computeIfAbsent(p.device(), k -> new HashSet<>()).add(p.seq());
            }
        }
        Map<String, List<Long>> missing = new LinkedHashMap<>();
        ackedByDevice.forEach((device, acked) -> {
            Set<Long> got = present.getOrDefault(device, Set.of());
            List<Long> absent =
                    acked.stream().filter(s -> !got.contains(s)).sorted().toList();
            if (!absent.isEmpty()) {
                missing.put(device, absent);
            }
        });
        return missing;
    }

    public boolean ok() {
        return violationCount == 0;
    }

    /** Records that repeat a message already seen (same device and seq). */
    public int duplicates() {
        return duplicates;
    }

    public int records() {
        return records;
    }

    /** The violations, the first few of them spelled out. */
    public String report() {
        StringBuilder s = new StringBuilder(violationCount + " violations in " + records + " records:");
        violations.forEach(v -> s.append("\n  ").append(v));
        if (violationCount > violations.size()) {
            s.append("\n  … and ").append(violationCount - violations.size()).append(" more");
        }
        return s.toString();
    }

    private void violation(String text) {
        violationCount++;
        if (violations.size() < MAX_REPORTED) {
            violations.add(text);
        }
    }

    private void verify(List<Delivered> delivered) {
        records = delivered.size();
        Map<String, Delivered> byFogSeq = new HashMap<>();
        Map<String, String> fogSeqOfMessage = new HashMap<>();
        Map<String, Integer> partitionOfDevice = new HashMap<>();
        Map<String, Long> lastFirstAcked = new HashMap<>();
        Map<String, Set<Long>> seen = new HashMap<>();
        for (Delivered d : delivered) {
            TelemetryPayload p = TelemetryPayload.parse(d.value());
            if (p == null) {
                violation("not a payload any device sent (altered?): " + d);
                continue;
            }
            if (!p.device().equals(d.key()) || !p.device().equals(d.deviceId())) {
                violation("key/device_id do not name the sender " + p.device() + ": " + d);
            }
            if (d.fogSeq() == null) {
                violation("no fog-seq header: " + d);
            } else {
                Delivered first = byFogSeq.putIfAbsent(d.fogSeq(), d);
                if (first != null && !Arrays.equals(first.value(), d.value())) {
                    violation("fog-seq " + d.fogSeq() + " names two different messages: " + first + " and " + d);
                }
            }
            Integer partition = partitionOfDevice.putIfAbsent(p.device(), d.partition());
            if (partition != null && partition != d.partition()) {
                violation(p.device() + " is in partitions " + partition + " and " + d.partition() + ": " + d);
            }
            String message = p.device() + "#" + p.seq();
            boolean firstCopy =
                    seen.computeIfAbsent(p.device(), k -> new HashSet<>()).add(p.seq());
            if (!firstCopy) {
                duplicates++;
                String fogSeq = fogSeqOfMessage.get(message);
                if (sameFogSeqForRepeats && !java.util.Objects.equals(fogSeq, d.fogSeq())) {
                    violation(message + " repeated with another fog-seq (" + fogSeq + " then " + d.fogSeq() + ")");
                }
                continue;
            }
            fogSeqOfMessage.put(message, d.fogSeq());
            if (isAcked(p)) {
                Long last = lastFirstAcked.get(p.device());
                if (last != null && p.seq() <= last) {
                    violation(p.device() + ": acknowledged seq " + p.seq() + " first appears after seq " + last + " ("
                            + d + ")");
                }
                lastFirstAcked.put(p.device(), p.seq());
            }
        }
        missing(ackedByDevice, delivered)
                .forEach((device, absent) -> violation(
                        device + ": " + absent.size() + " acknowledged messages missing: " + summarize(absent)));
    }

    private final Map<String, Set<Long>> ackedSets = new HashMap<>();

    private boolean isAcked(TelemetryPayload p) {
        Set<Long> set = ackedSets.computeIfAbsent(p.device(), d -> {
            Collection<Long> acked = ackedByDevice.get(d);
            return acked == null ? Set.of() : new HashSet<>(acked);
        });
        return set.contains(p.seq());
    }

    /** Ranges of sequence numbers: {@code [3..7, 12, 15..20]}. */
    static String summarize(List<Long> seqs) {
        List<String> ranges = new ArrayList<>();
        TreeSet<Long> sorted = new TreeSet<>(seqs);
        Long start = null;
        Long prev = null;
        for (long s : sorted) {
            if (start == null) {
                start = s;
            } else if (s != prev + 1) {
                ranges.add(start.equals(prev) ? "" + start : start + ".." + prev);
                start = s;
            }
            prev = s;
        }
        if (start != null) {
            ranges.add(start.equals(prev) ? "" + start : start + ".." + prev);
        }
        return ranges.size() > 20 ? ranges.subList(0, 20) + " …" : ranges.toString();
    }
}
