package io.fogbridge.spool;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The headers of the record being decoded, in their spool order, as a map for {@code Envelope}'s constructor to
 * copy. A record's header names are unique (it was encoded from a map), so this is a plain list of pairs: filling
 * it neither hashes nor allocates a node per header, which a scratch {@code LinkedHashMap} did on top of the
 * envelope's own copy. Reused for every record; not thread-safe: belongs to one {@link RecordFormat.Decoder}.
 */
final class DecodedHeaders extends AbstractMap<String, String> {
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int size;

    void reset() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    void add(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(names[next], values[next]);
                        next++;
                        return e;
                    }
                };
            }
        };
    }
}
