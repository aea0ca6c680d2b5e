package io.fogbridge.api;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A record's Kafka headers: an immutable map, name → value, in the order the headers were first put.
 *
 * <p>Why not {@code Collections.unmodifiableMap(new LinkedHashMap<>(…))}: every message's ~10 headers are built by the
 * enricher on the device's event loop and copied by {@link Envelope}; the forwarder decodes them again from the spool
 * and the envelope copies them once more. A linked map costs a node per header and a table for each of those copies
 * (BENCHMARKS.md, session 22). Here a list is two arrays, is built once, and {@link #copyOf} passes it on as it is. A
 * lookup by name is a scan, which for ten headers is as fast as a hash. Null names and values are kept, as the
 * linked map kept them.
 */
public final class HeaderList extends AbstractMap<String, String> {

    private static final String[] NONE = new String[0];
    private static final HeaderList EMPTY = new HeaderList(NONE, NONE, 0);

    private final String[] names;
    private final String[] values;
    private final int size;

    private HeaderList(String[] names, String[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    /** An empty list. */
    public static HeaderList of() {
        return EMPTY;
    }

    /** {@code headers} itself when it is a header list, else a copy of it in its iteration order; null is empty. */
    public static HeaderList copyOf(Map<String, String> headers) {
        if (headers instanceof HeaderList list) {
            return list;
        }
        if (headers == null || headers.isEmpty()) {
            return EMPTY;
        }
        Builder builder = new Builder(headers.size());
        headers.forEach(builder::put); // put, not add: a map that compares names otherwise (by identity) may repeat one
        return builder.build();
    }

    /** A builder for about {@code expected} headers (it grows past that). */
    public static Builder builder(int expected) {
        return new Builder(expected);
    }

    /** The name of the header at {@code index}, {@code 0 <= index < size()}. */
    public String name(int index) {
        return names[Objects.checkIndex(index, size)];
    }

    /** The value of the header at {@code index}, {@code 0 <= index < size()}. */
    public String value(int index) {
        return values[Objects.checkIndex(index, size)];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(names, size, name) >= 0;
    }

    @Override
    public String get(Object name) {
        int i = indexOf(names, size, name);
        return i < 0 ? null : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(names[i], values[i]);
        }
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

    private static int indexOf(String[] names, int size, Object name) {
        for (int i = 0; i < size; i++) {
            if (Objects.equals(names[i], name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Collects headers in order. {@link #put} replaces the value of a name already put, in its place, as a
     * {@code LinkedHashMap} does; {@link #add} appends without looking, for names known to be distinct (a decoded
     * record's, which was encoded from a map). A name added twice would break the map's contract. Single use: {@link #build} hands the arrays over. Not thread-safe.
     */
    public static final class Builder {
        private String[] names;
        private String[] values;
        private int size;

        private Builder(int expected) {
            int capacity = Math.max(4, expected);
            names = new String[capacity];
            values = new String[capacity];
        }

        /** Sets {@code name} to {@code value}: in its place when it was put before, else at the end. */
        public Builder put(String name, String value) {
            int i = indexOf(open(), size, name);
            if (i >= 0) {
                values[i] = value;
            } else {
                add(name, value);
            }
            return this;
        }

        /** {@link #put} of each of {@code headers}, in their iteration order. */
        public Builder putAll(Map<String, String> headers) {
            headers.forEach(this::put);
            return this;
        }

        /** Appends {@code name} without looking for it: the caller knows it was not put before. */
        public Builder add(String name, String value) {
            if (size == open().length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size] = value;
            size++;
            return this;
        }

        /** The list; the builder cannot be used afterwards. */
        public HeaderList build() {
            open();
            HeaderList list = size == 0 ? EMPTY : new HeaderList(names, values, size);
            names = null;
            values = null;
            return list;
        }

        private String[] open() {
            if (names == null) {
                throw new IllegalStateException("this builder was built already");
            }
            return names;
        }
    }
}
