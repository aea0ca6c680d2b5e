package io.fogbridge.modbus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the tags of one poll group into the fewest read requests: tags of one table, in address order, share a
 * request while the unused addresses between them are at most {@code maxGap} and the request stays within what one
 * read may ask for (125 registers, 2,000 bits). A device that refuses a merged range (exception 0x02: some address in
 * the gap does not exist) gets that request {@link ReadRequest#split() split} by the {@link DeviceSession}.
 *
 * <p>Pure and thread-safe.
 */
public final class ReadPlanner {

    private final int maxGap;

    public ReadPlanner(int maxGap) {
        if (maxGap < 0) {
            throw new IllegalArgumentException("maxGap must not be negative");
        }
        this.maxGap = maxGap;
    }

    /** Requests in table order, then address order. Tags must not overlap (the config refuses that). */
    public List<ReadRequest> plan(List<Tag> tags) {
        List<Tag> sorted = new ArrayList<>(tags);
        sorted.sort(Comparator.comparing(Tag::table).thenComparingInt(Tag::address));
        List<ReadRequest> requests = new ArrayList<>();
        List<Tag> current = new ArrayList<>();
        for (Tag tag : sorted) {
            if (!current.isEmpty() && !fits(current, tag)) {
                requests.add(request(current));
                current = new ArrayList<>();
            }
            current.add(tag);
        }
        if (!current.isEmpty()) {
            requests.add(request(current));
        }
        return List.copyOf(requests);
    }

    private boolean fits(List<Tag> current, Tag tag) {
        Tag first = current.getFirst();
        int end = current.stream().mapToInt(Tag::end).max().orElseThrow();
        return first.table() == tag.table()
                && tag.address() - end <= maxGap
                && Math.max(end, tag.end()) - first.address() <= tag.table().maxPerRead();
    }

    private static ReadRequest request(List<Tag> tags) {
        int start = tags.getFirst().address();
        int end = tags.stream().mapToInt(Tag::end).max().orElseThrow();
        return new ReadRequest(tags.getFirst().table(), start, end - start, tags);
    }
}
