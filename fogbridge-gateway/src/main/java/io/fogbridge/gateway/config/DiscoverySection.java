package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigNode;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.ItemSchema;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.Units;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.api.discovery.FieldScanner;
import io.fogbridge.gateway.discovery.Discovery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code discovery}: field scans the gateway runs itself, on a schedule, each proposing the devices it finds as pending
 * Device resources through {@code fog.twin.<tenant>} (the operator creates them; nobody but a person approves them).
 * One list key, a section of its own. Each scan's arguments are checked by the converter's scanner when the file is
 * loaded, so a wrong port list is refused at start with its file, line and key.
 */
public final class DiscoverySection implements ConfigSection<List<DiscoveryScan>> {

    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Shorter rounds would make a scan of a /24 (seconds) most of what the gateway's network does. */
    static final Duration MIN_EVERY = Duration.ofSeconds(1);

    public static final ConfigKey<String> NAME = ConfigKey.required(
            "discovery[].name",
            ValueTypes.identifier(),
            "Name of the scan in logs, metrics (`scan` tag) and the console.");
    public static final ConfigKey<String> PROTOCOL = ConfigKey.required(
            "discovery[].protocol",
            ValueTypes.identifier(),
            "Which converter scans: `modbus` or `opcua` (as `fogbridge discover <protocol>`).");
    public static final ConfigKey<String> TENANT = ConfigKey.required(
            "discovery[].tenant",
            ValueTypes.scalar("a tenant id", text -> {
                if (!TENANT_ID.matcher(text).matches()) {
                    throw new IllegalArgumentException(
                            "'" + text + "' is not a tenant id (letters, digits, '.', '_', '-', up to 64)");
                }
                return text;
            }),
            "Tenant of the devices found; their proposals go to `fog.twin.<tenant>`, and the operator accepts them only"
                    + " when the Gateway resource lists this scan's protocol and tenant in `spec.discovery`.");
    public static final ConfigKey<String> TARGET = ConfigKey.required(
            "discovery[].target",
            ValueTypes.string(),
            "What to scan: for `modbus` hosts as CIDR blocks, ranges or names (`10.0.0.0/24,10.0.1.5-10.0.1.9,plc-7`,"
                    + " at most 4096); for `opcua` a discovery URL (`opc.tcp://10.0.0.5:4840`).");
    public static final ConfigKey<String> PORTS = ConfigKey.define(
                    "discovery[].ports",
                    ValueTypes.string(),
                    null,
                    "`modbus`: TCP ports to try on each host, numbers and ranges (`502,1502-1504`, at most 16).")
            .defaultDescribedAs("502");
    public static final ConfigKey<String> UNITS = ConfigKey.define(
                    "discovery[].units",
                    ValueTypes.string(),
                    null,
                    "`modbus`: unit ids to ask behind each port, numbers and ranges (`1-10,247`).")
            .defaultDescribedAs("1");
    public static final ConfigKey<Duration> TIMEOUT = ConfigKey.define(
                    "discovery[].timeout",
                    ValueTypes.duration(false),
                    null,
                    "Each network step's limit: a connect, a read, a browse request.")
            .defaultDescribedAs("the scanner's: 300ms modbus, 10s opcua");
    public static final ConfigKey<Duration> EVERY = ConfigKey.define(
            "discovery[].every",
            ValueTypes.duration(false),
            Duration.ofHours(1),
            "From the start of one round of this scan to the next; the first round runs at start. Scans run one at a"
                    + " time on a thread of their own; a failed one logs a line and runs again next round.");

    private static final ItemSchema<DiscoveryScan> SCAN = new ItemSchema<>(
            List.of(NAME, PROTOCOL, TENANT, TARGET, PORTS, UNITS, TIMEOUT, EVERY), DiscoverySection::buildScan);

    public static final ConfigKey<List<DiscoveryScan>> DISCOVERY = ConfigKey.define(
            "discovery",
            ValueTypes.listOf(
                    "list of {name, protocol, tenant, target, ports?, units?, timeout?, every?}",
                    SCAN,
                    DiscoverySection::checkScans),
            List.of(),
            "Field scans the gateway runs on a schedule (needs Kafka): each device found is published to"
                    + " `fog.twin.<tenant>` as a proposal, and the operator creates a pending Device for it"
                    + " (`spec.approved: false`, named by a hash of the endpoint, so a rescan never duplicates). Counted"
                    + " in `fogbridge_discovery_scans_total{scan,result}` and"
                    + " `fogbridge_discovery_proposals_total{scan}`.");

    @Override
    public String name() {
        return "discovery";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(DISCOVERY);
    }

    @Override
    public List<DiscoveryScan> build(SectionValues values, Problems problems) {
        return values.get(DISCOVERY);
    }

    private static DiscoveryScan buildScan(ItemSchema.Fields fields, Problems problems) {
        String protocol = fields.get(PROTOCOL);
        FieldScanner scanner = Discovery.scanner(protocol);
        if (scanner == null) {
            problems.add(
                    fields.origin(PROTOCOL),
                    fields.path(PROTOCOL),
                    "no scanner for '" + protocol + "' in this distribution (have: "
                            + String.join(", ", Discovery.protocols()) + ")");
            return null;
        }
        Duration every = fields.get(EVERY);
        if (every.compareTo(MIN_EVERY) < 0) {
            problems.add(fields.origin(EVERY), fields.path(EVERY), "at least " + Units.formatDuration(MIN_EVERY));
            return null;
        }
        List<String> args = new ArrayList<>(List.of(fields.get(TARGET)));
        Map<String, ConfigKey<?>> options = new HashMap<>();
        option(args, options, "--ports", PORTS, fields.get(PORTS));
        option(args, options, "--units", UNITS, fields.get(UNITS));
        Duration timeout = fields.get(TIMEOUT);
        option(args, options, "--timeout", TIMEOUT, timeout == null ? null : Units.formatDuration(timeout));
        try {
            scanner.check(args);
        } catch (FieldScanner.UsageError e) {
            // The scanner names the option it refused; a message about no option is about the target.
            ConfigKey<?> key = options.entrySet().stream()
                    .filter(o -> e.getMessage().contains(o.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(TARGET);
            problems.add(fields.origin(key), fields.path(key), e.getMessage());
            return null;
        }
        return new DiscoveryScan(fields.get(NAME), protocol, fields.get(TENANT), args, every);
    }

    private static void option(
            List<String> args, Map<String, ConfigKey<?>> options, String option, ConfigKey<?> key, String value) {
        if (value != null) {
            args.add(option);
            args.add(value);
            options.put(option, key);
        }
    }

    private static List<ValueTypes.Problem> checkScans(List<DiscoveryScan> scans, List<ConfigNode> nodes) {
        List<ValueTypes.Problem> problems = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < scans.size(); i++) {
            Integer taken = names.putIfAbsent(scans.get(i).name(), i);
            if (taken != null) {
                problems.add(new ValueTypes.Problem(
                        nodes.get(i).origin(),
                        "discovery[" + i + "].name",
                        "scan name '" + scans.get(i).name() + "' is already used by discovery[" + taken + "]"));
            }
        }
        return problems;
    }
}
