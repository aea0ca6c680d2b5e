package io.fogbridge.api.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of one list item (a route, a listener) and how to build the item from them.
 *
 * @param <T> the item type
 */
public final class ItemSchema<T> {

    /** Builds an item from its valid field values; may report cross-field problems and return null. */
    public interface Builder<T> {
        T build(Fields fields, Problems problems);
    }

    /** The field values of one item, with their origins and paths, for cross-field checks. */
    public static final class Fields implements SectionValues {
        private final Map<ConfigKey<?>, Object> values = new HashMap<>();
        private final Map<ConfigKey<?>, Origin> origins = new HashMap<>();
        private final String itemPath;
        private final Origin itemOrigin;

        private Fields(String itemPath, Origin itemOrigin) {
            this.itemPath = itemPath;
            this.itemOrigin = itemOrigin;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get(ConfigKey<V> key) {
            return (V) values.get(key);
        }

        @Override
        public Origin origin(ConfigKey<?> key) {
            return origins.getOrDefault(key, itemOrigin);
        }

        @Override
        public boolean isSet(ConfigKey<?> key) {
            return origins.containsKey(key);
        }

        /** {@code routes[2].to}. */
        public String path(ConfigKey<?> key) {
            return itemPath + "." + key.name();
        }

        public String itemPath() {
            return itemPath;
        }

        public Origin itemOrigin() {
            return itemOrigin;
        }
    }

    private final List<ConfigKey<?>> keys;
    private final Builder<T> builder;

    public ItemSchema(List<ConfigKey<?>> keys, Builder<T> builder) {
        this.keys = List.copyOf(keys);
        this.builder = builder;
    }

    public List<ConfigKey<?>> keys() {
        return keys;
    }

    /** @return the item, or null when something in it was wrong (reported) */
    public T read(ConfigNode node, String itemPath, Problems problems) {
        if (!(node instanceof ConfigNode.Mapping mapping)) {
            problems.add(
                    node.origin(), itemPath, "expected a mapping of " + names() + ", got " + ConfigNode.describe(node));
            return null;
        }
        Fields fields = new Fields(itemPath, mapping.origin());
        int before = problems.size();
        Map<String, ConfigNode.Entry> given = new HashMap<>();
        for (ConfigNode.Entry entry : mapping.entries()) {
            if (find(entry.key()) == null) {
                problems.add(
                        entry.keyOrigin(),
                        itemPath + "." + entry.key(),
                        "unknown key"
                                + Suggestions.closest(entry.key(), names())
                                        .map(s -> ", did you mean '" + s + "'?")
                                        .orElse(" (expected " + String.join(", ", names()) + ")"));
            } else {
                given.put(entry.key(), entry);
            }
        }
        for (ConfigKey<?> key : keys) {
            readField(key, given.get(key.name()), fields, problems);
        }
        return problems.size() == before ? builder.build(fields, problems) : null;
    }

    private <V> void readField(ConfigKey<V> key, ConfigNode.Entry entry, Fields fields, Problems problems) {
        if (entry == null || ConfigNode.isUnset(entry.value())) {
            if (key.isRequired()) {
                problems.add(entry == null ? fields.itemOrigin() : entry.keyOrigin(), fields.path(key), "required");
            }
            fields.values.put(key, key.defaultValue());
            return;
        }
        fields.origins.put(key, entry.value().origin());
        fields.values.put(key, key.type().read(entry.value(), fields.path(key), problems));
    }

    private ConfigKey<?> find(String name) {
        for (ConfigKey<?> key : keys) {
            if (key.name().equals(name)) {
                return key;
            }
        }
        return null;
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(k.name()));
        return names;
    }
}
