package io.fogbridge.modbus;

import io.fogbridge.api.Headers;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.ItemSchema;
import io.fogbridge.api.config.Origin;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueType;
import io.fogbridge.api.config.ValueTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code adapters.modbus}: the Modbus TCP devices the gateway polls, their tags and poll groups. Every check that
 * needs more than one key (overlapping registers, a string without {@code count}, a writable input register, a tag in
 * a group that does not exist) is made here, naming the file line of the tag. Stateless.
 */
public final class ModbusSection implements ConfigSection<ModbusSettings> {

    private static final String P = "adapters.modbus.";
    private static final String D = P + "devices[].";
    private static final String T = D + "tags[].";
    private static final String G = D + "pollGroups[].";

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.define(
            P + "enabled",
            ValueTypes.bool(),
            false,
            "Poll the Modbus TCP devices of `adapters.modbus.devices`; their records go to the devices' topics like an"
                    + " MQTT device's, with a `source` header instead of `mqtt-topic`.");
    public static final ConfigKey<Integer> MAX_GAP = ConfigKey.define(
            P + "maxGap",
            ValueTypes.intRange(0, 124, "0-124 unused registers or bits"),
            8,
            "Unused registers (or bits) one read may span to merge two tags of a table into one request; 0 merges"
                    + " only adjacent tags. A request never exceeds 125 registers or 2,000 bits.");
    public static final ConfigKey<Duration> RECONNECT_DELAY = ConfigKey.define(
            P + "reconnectDelay",
            ValueTypes.duration(false),
            Duration.ofMillis(500),
            "First wait before reconnecting a lost device; doubles per failed attempt up to `reconnectMax`, each wait"
                    + " with ±25 % jitter so devices lost together do not reconnect together.");
    public static final ConfigKey<Duration> RECONNECT_MAX = ConfigKey.define(
            P + "reconnectMax", ValueTypes.duration(false), Duration.ofSeconds(30), "Longest wait between reconnects.");

    // tags[]
    public static final ConfigKey<String> TAG_NAME = ConfigKey.required(
            T + "name", ValueTypes.identifier(), "Key of the value in the record's `values` and in `write` commands.");
    public static final ConfigKey<String> TAG_TABLE =
            ConfigKey.required(T + "table", ValueTypes.oneOf(tableIds()), "The Modbus table that holds it.");
    public static final ConfigKey<Address> TAG_ADDRESS = ConfigKey.required(
            T + "address",
            address(),
            "0-based address as on the wire (`0x` hex allowed). 1-based Modicon references such as `40001` are refused"
                    + " with the 0-based address to write instead.");
    public static final ConfigKey<String> TAG_TYPE = ConfigKey.define(
                    T + "type", ValueTypes.oneOf(typeIds()), null, "How its registers are decoded.")
            .defaultDescribedAs("`bool` on coils and discrete inputs, `uint16` on registers");
    public static final ConfigKey<Integer> TAG_COUNT = ConfigKey.define(
            T + "count",
            ValueTypes.intRange(1, 250, "1-250 characters"),
            null,
            "Characters of a `string` (two per register, NULs at the end trimmed); required for strings.");
    public static final ConfigKey<String> TAG_BYTE_ORDER = ConfigKey.define(
            T + "byteOrder", ValueTypes.oneOf("big", "little"), "big", "Byte order within each register.");
    public static final ConfigKey<String> TAG_WORD_ORDER = ConfigKey.define(
            T + "wordOrder",
            ValueTypes.oneOf("big", "little"),
            "big",
            "Register order of 32- and 64-bit values: `big` = most significant register first.");
    public static final ConfigKey<Double> TAG_SCALE = ConfigKey.define(
            T + "scale", number(), 1.0, "Multiplies a numeric value (then `offset` is added); a write divides.");
    public static final ConfigKey<Double> TAG_OFFSET =
            ConfigKey.define(T + "offset", number(), 0.0, "Added to a numeric value after `scale`.");
    public static final ConfigKey<String> TAG_UNIT =
            ConfigKey.define(T + "unit", ValueTypes.string(), null, "Engineering unit, for people (`rpm`, `kWh`).");
    public static final ConfigKey<String> TAG_ACCESS = ConfigKey.define(
            T + "access",
            ValueTypes.oneOf("read", "write", "read-write"),
            "read",
            "`read` is polled, `write` only written by `write` commands, `read-write` both. Discrete inputs and input"
                    + " registers are read-only.");
    public static final ConfigKey<String> TAG_GROUP = ConfigKey.define(
            T + "group", ValueTypes.identifier(), PollGroup.DEFAULT, "The poll group (of `pollGroups`) that reads it.");

    private static final ItemSchema<TagSpec> TAG = new ItemSchema<>(
            List.of(
                    TAG_NAME,
                    TAG_TABLE,
                    TAG_ADDRESS,
                    TAG_TYPE,
                    TAG_COUNT,
                    TAG_BYTE_ORDER,
                    TAG_WORD_ORDER,
                    TAG_SCALE,
                    TAG_OFFSET,
                    TAG_UNIT,
                    TAG_ACCESS,
                    TAG_GROUP),
            ModbusSection::buildTag);

    // pollGroups[]
    public static final ConfigKey<String> GROUP_NAME = ConfigKey.required(
            G + "name", ValueTypes.identifier(), "Named by tags' `group`; in the record as `group`.");
    public static final ConfigKey<Duration> GROUP_INTERVAL = ConfigKey.required(
            G + "interval",
            ValueTypes.duration(false),
            "Time between two polls. A poll that cannot start on time (the device is slow, the previous record is"
                    + " not yet durable) starts late or skips a slot, counted; polls never pile up.");
    private static final ItemSchema<PollGroup> GROUP = new ItemSchema<>(
            List.of(GROUP_NAME, GROUP_INTERVAL),
            (fields, problems) -> new PollGroup(fields.get(GROUP_NAME), fields.get(GROUP_INTERVAL)));

    // devices[]
    public static final ConfigKey<String> DEVICE_ID =
            ConfigKey.required(D + "id", ValueTypes.identifier(), "Device id: its topics, Kafka key and `device_id`.");
    public static final ConfigKey<String> DEVICE_TENANT =
            ConfigKey.required(D + "tenant", ValueTypes.identifier(), "Tenant of the device.");
    public static final ConfigKey<String> DEVICE_HOST =
            ConfigKey.required(D + "host", ValueTypes.host(), "Host of the Modbus TCP server.");
    public static final ConfigKey<Integer> DEVICE_PORT = ConfigKey.define(
            D + "port", ValueTypes.intRange(1, 65535, "a port 1-65535"), 502, "Port of the Modbus TCP server.");
    public static final ConfigKey<Integer> DEVICE_UNIT = ConfigKey.define(
            D + "unitId",
            ValueTypes.intRange(0, 255, "a unit id 0-255"),
            1,
            "Unit id (slave address) behind a TCP-to-serial gateway; one byte, so more than 255 devices need more"
                    + " ports.");
    public static final ConfigKey<Duration> DEVICE_TIMEOUT = ConfigKey.define(
            D + "timeout",
            ValueTypes.duration(false),
            Duration.ofSeconds(1),
            "Longest wait for an answer. A request unanswered in time is reported `bad:timeout` and the connection"
                    + " is closed and reopened.");
    public static final ConfigKey<Map<String, String>> DEVICE_LABELS = ConfigKey.define(
            D + "labels",
            ValueTypes.stringMap("header name → value", ModbusSection::checkLabel),
            Map.of(),
            "Extra Kafka headers on every record of the device (`line: A`).");
    public static final ConfigKey<List<PollGroup>> DEVICE_GROUPS = ConfigKey.define(
                    D + "pollGroups",
                    ValueTypes.listOf("list of {name, interval}", GROUP, (groups, nodes) -> List.of()),
                    List.of(),
                    "Poll groups, each with its own interval; each group's read is one record.")
            .defaultDescribedAs("`default` at 1s");
    public static final ConfigKey<List<TagSpec>> DEVICE_TAGS = ConfigKey.required(
            D + "tags",
            ValueTypes.listOf(
                    "list of {name, table, address, type?, count?, byteOrder?, wordOrder?, scale?, offset?, unit?,"
                            + " access?, group?}",
                    TAG,
                    ModbusSection::checkTags),
            "The device's values.");
    private static final ItemSchema<ModbusDevice> DEVICE = new ItemSchema<>(
            List.of(
                    DEVICE_ID,
                    DEVICE_TENANT,
                    DEVICE_HOST,
                    DEVICE_PORT,
                    DEVICE_UNIT,
                    DEVICE_TIMEOUT,
                    DEVICE_LABELS,
                    DEVICE_GROUPS,
                    DEVICE_TAGS),
            ModbusSection::buildDevice);

    public static final ConfigKey<List<ModbusDevice>> DEVICES = ConfigKey.define(
            P + "devices",
            ValueTypes.listOf(
                    "list of {id, tenant, host, port?, unitId?, timeout?, labels?, pollGroups?, tags}",
                    DEVICE,
                    ModbusSection::checkDevices),
            List.of(),
            "The Modbus TCP devices to poll.");

    /** A tag as read, with where it was written, for the checks across tags. */
    record TagSpec(Tag tag, Origin origin, String path) {}

    /** An address as written: hex is taken as meant, never as a Modicon reference. */
    record Address(int value, boolean hex) {}

    @Override
    public String name() {
        return "adapters.modbus";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ENABLED, MAX_GAP, RECONNECT_DELAY, RECONNECT_MAX, DEVICES);
    }

    @Override
    public ModbusSettings build(SectionValues values, Problems problems) {
        if (values.get(RECONNECT_DELAY).compareTo(values.get(RECONNECT_MAX)) > 0) {
            problems.add(
                    values.origin(RECONNECT_DELAY),
                    RECONNECT_DELAY.path(),
                    "longer than " + RECONNECT_MAX.path() + " (" + values.get(RECONNECT_MAX) + ")");
            return null;
        }
        return new ModbusSettings(
                values.get(ENABLED),
                values.get(MAX_GAP),
                values.get(RECONNECT_DELAY),
                values.get(RECONNECT_MAX),
                values.get(DEVICES));
    }

    private static TagSpec buildTag(ItemSchema.Fields fields, Problems problems) {
        int before = problems.size();
        Table table = Table.ofId(fields.get(TAG_TABLE));
        TagType type = fields.get(TAG_TYPE) == null
                ? (table.bits() ? TagType.BOOL : TagType.UINT16)
                : TagType.ofId(fields.get(TAG_TYPE));
        Tag.Access access = accessOf(fields.get(TAG_ACCESS));
        Address address = fields.get(TAG_ADDRESS);
        if (table.bits() && type != TagType.BOOL) {
            problems.add(
                    fields.origin(TAG_TYPE),
                    fields.path(TAG_TYPE),
                    table.id() + " hold single bits: the type is bool, not " + type.id());
        }
        Integer count = fields.get(TAG_COUNT);
        if (type == TagType.STRING && count == null) {
            problems.add(
                    fields.itemOrigin(),
                    fields.path(TAG_COUNT),
                    "required for a string: its length in characters (two per register)");
        } else if (type != TagType.STRING && count != null) {
            problems.add(fields.origin(TAG_COUNT), fields.path(TAG_COUNT), "only strings have a count");
        }
        if (access.writable() && !table.writable()) {
            problems.add(
                    fields.origin(TAG_ACCESS),
                    fields.path(TAG_ACCESS),
                    table.id() + " are read-only in Modbus; a tag there cannot be written (access: read)");
        }
        if (fields.get(TAG_SCALE) == 0.0) {
            problems.add(fields.origin(TAG_SCALE), fields.path(TAG_SCALE), "must not be 0");
        }
        if ((fields.isSet(TAG_SCALE) || fields.isSet(TAG_OFFSET)) && !type.numeric()) {
            problems.add(
                    fields.origin(fields.isSet(TAG_SCALE) ? TAG_SCALE : TAG_OFFSET),
                    fields.path(fields.isSet(TAG_SCALE) ? TAG_SCALE : TAG_OFFSET),
                    "only numeric types are scaled, not " + type.id());
        }
        String reference = modiconHint(table, address);
        if (reference != null) {
            problems.add(fields.origin(TAG_ADDRESS), fields.path(TAG_ADDRESS), reference);
        }
        if (problems.size() != before) {
            return null;
        }
        Tag tag = new Tag(
                fields.get(TAG_NAME),
                table,
                address.value(),
                type,
                count == null ? 0 : count,
                orderOf(fields.get(TAG_BYTE_ORDER)),
                orderOf(fields.get(TAG_WORD_ORDER)),
                fields.get(TAG_SCALE),
                fields.get(TAG_OFFSET),
                fields.get(TAG_UNIT),
                access,
                fields.get(TAG_GROUP));
        if (tag.end() > 65536) {
            problems.add(
                    fields.origin(TAG_ADDRESS),
                    fields.path(TAG_ADDRESS),
                    "out of range: " + tag.type().id() + " at " + tag.address() + " ends at " + (tag.end() - 1)
                            + ", past the last address 65535");
            return null;
        }
        if (tag.width() > table.maxPerRead()) {
            problems.add(
                    fields.origin(TAG_COUNT),
                    fields.path(TAG_COUNT),
                    "takes " + tag.width() + " registers, more than one read may ask for (" + table.maxPerRead() + ")");
            return null;
        }
        return new TagSpec(tag, fields.origin(TAG_NAME), fields.itemPath());
    }

    /**
     * A decimal address in a table's 1-based reference range (3xxxx, 4xxxx, 1xxxx; 6-digit 4xxxxx) is refused:
     * written by someone counting from 1 with the table prefix, it would read the wrong register silently.
     */
    private static String modiconHint(Table table, Address address) {
        if (address.hex() || table.referencePrefix() == 0) {
            return null;
        }
        int value = address.value();
        int five = table.referencePrefix() * 10000;
        int six = table.referencePrefix() * 100000;
        int zeroBased;
        if (value > five && value <= five + 9999) {
            zeroBased = value - five - 1;
        } else if (value > six && value <= six + 65536) {
            zeroBased = value - six - 1;
        } else {
            return null;
        }
        return "'" + value + "' looks like a 1-based Modicon reference; addresses here are 0-based as on the wire:"
                + " write 'address: " + zeroBased + "' for that register, or '0x"
                + Integer.toHexString(value).toUpperCase(Locale.ROOT) + "' if you do mean " + value;
    }

    private static List<ValueTypes.Problem> checkTags(List<TagSpec> tags, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (TagSpec spec : tags) {
            if (!names.add(spec.tag().name())) {
                problems.add(new ValueTypes.Problem(
                        spec.origin(),
                        spec.path() + ".name",
                        "tag '" + spec.tag().name() + "' is defined twice"));
            }
        }
        List<TagSpec> sorted = new ArrayList<>(tags);
        sorted.sort(Comparator.comparing((TagSpec s) -> s.tag().table())
                .thenComparingInt(s -> s.tag().address()));
        for (int i = 1; i < sorted.size(); i++) {
            Tag previous = sorted.get(i - 1).tag();
            Tag tag = sorted.get(i).tag();
            if (previous.table() == tag.table() && tag.address() < previous.end()) {
                problems.add(new ValueTypes.Problem(
                        sorted.get(i).origin(),
                        sorted.get(i).path() + ".address",
                        "overlaps tag '" + previous.name() + "' (" + tag.table().id() + " " + previous.address() + "-"
                                + (previous.end() - 1) + ")"));
            }
        }
        return problems;
    }

    private static ModbusDevice buildDevice(ItemSchema.Fields fields, Problems problems) {
        List<PollGroup> groups = new ArrayList<>(fields.get(DEVICE_GROUPS));
        Set<String> distinct = new HashSet<>();
        for (PollGroup group : groups) {
            if (!distinct.add(group.name())) {
                problems.add(
                        fields.origin(DEVICE_GROUPS),
                        fields.path(DEVICE_GROUPS),
                        "group '" + group.name() + "' is defined twice");
                return null;
            }
        }
        if (groups.stream().noneMatch(g -> g.name().equals(PollGroup.DEFAULT))) {
            groups.add(new PollGroup(PollGroup.DEFAULT, Duration.ofSeconds(1)));
        }
        Set<String> groupNames = new HashSet<>();
        groups.forEach(g -> groupNames.add(g.name()));
        List<Tag> tags = new ArrayList<>();
        boolean ok = true;
        for (TagSpec spec : fields.get(DEVICE_TAGS)) {
            if (!groupNames.contains(spec.tag().group())) {
                problems.add(
                        spec.origin(),
                        spec.path() + ".group",
                        "no poll group '" + spec.tag().group() + "' (this device has " + String.join(", ", groupNames)
                                + ")");
                ok = false;
            }
            tags.add(spec.tag());
        }
        if (!ok) {
            return null;
        }
        List<PollGroup> used = groups.stream()
                .filter(g -> tags.stream()
                        .anyMatch(t -> t.group().equals(g.name()) && t.access().readable()))
                .toList();
        return new ModbusDevice(
                fields.get(DEVICE_ID),
                fields.get(DEVICE_TENANT),
                fields.get(DEVICE_HOST),
                fields.get(DEVICE_PORT),
                fields.get(DEVICE_UNIT),
                fields.get(DEVICE_TIMEOUT),
                fields.get(DEVICE_LABELS),
                tags,
                used);
    }

    private static List<ValueTypes.Problem> checkDevices(List<ModbusDevice> devices, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < devices.size(); i++) {
            String key = devices.get(i).id() + "@" + devices.get(i).tenant();
            Integer first = seen.putIfAbsent(key, i);
            if (first != null) {
                problems.add(new ValueTypes.Problem(
                        nodes.get(i).origin(),
                        DEVICES.path() + "[" + i + "].id",
                        "device " + key + " is already defined at devices[" + first + "]"));
            }
        }
        return problems;
    }

    private static String checkLabel(String name) {
        Set<String> reserved = Set.of(
                Headers.DEVICE_ID,
                Headers.TENANT_ID,
                Headers.GATEWAY_ID,
                Headers.CONTENT_TYPE,
                Headers.CREATION_TIME,
                Headers.QOS,
                Headers.MQTT_TOPIC,
                Headers.SOURCE,
                Headers.FOG_SEQ);
        return reserved.contains(name.toLowerCase(Locale.ROOT)) ? "'" + name + "' is a contract header name" : null;
    }

    private static ValueType<Address> address() {
        return ValueTypes.scalar(
                "0-based address 0-65535 (or 0x0000-0xFFFF)",
                text -> {
                    String t = text.strip();
                    boolean hex = t.startsWith("0x") || t.startsWith("0X");
                    try {
                        int value = hex ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
                        if (value >= 0 && (value <= 65535 || (!hex && value <= 465536))) {
                            return new Address(value, hex);
                        }
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    throw new IllegalArgumentException(
                            "expected a 0-based address 0-65535 (or 0x0000-0xFFFF), got '" + text + "'");
                },
                a -> a.hex() ? "0x" + Integer.toHexString(a.value()) : Integer.toString(a.value()));
    }

    private static ValueType<Double> number() {
        return ValueTypes.scalar("number", text -> {
            try {
                double value = Double.parseDouble(text.strip());
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("expected a number, got '" + text + "'");
        });
    }

    private static Tag.ByteOrder orderOf(String id) {
        return id.equals("little") ? Tag.ByteOrder.LITTLE : Tag.ByteOrder.BIG;
    }

    private static Tag.Access accessOf(String id) {
        return Arrays.stream(Tag.Access.values())
                .filter(a -> a.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private static String[] tableIds() {
        return Arrays.stream(Table.values()).map(Table::id).toArray(String[]::new);
    }

    private static String[] typeIds() {
        return Arrays.stream(TagType.values()).map(TagType::id).toArray(String[]::new);
    }
}
