package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.Units;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.command.RouterOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@code commands.*}: downlink commands from {@code fog.command.<tenant>} to devices. */
public final class CommandsSection implements ConfigSection<CommandSettings> {

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.define(
            "commands.enabled",
            ValueTypes.bool(),
            false,
            "Consume downlink commands from `fog.command.<tenant>` (consumer group `fogbridge-<gateway.id>`) and"
                    + " deliver them to devices; offline devices get them when they come back, within the ttl.");

    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public static final ConfigKey<List<String>> TENANTS = ConfigKey.define(
            "commands.tenants",
            ValueTypes.scalar("comma-separated tenant ids", text -> {
                List<String> tenants = new ArrayList<>();
                for (String part : text.split(",")) {
                    String tenant = part.trim();
                    if (!TENANT_ID.matcher(tenant).matches()) {
                        throw new IllegalArgumentException(
                                "'" + tenant + "' is not a tenant id (letters, digits," + " '.', '_', '-', up to 64)");
                    }
                    tenants.add(tenant);
                }
                return List.copyOf(tenants);
            }),
            List.of(),
            "Tenants whose command topics this gateway consumes, such as `acme,globex`. Needed when"
                    + " `commands.enabled` is true.");

    public static final ConfigKey<Integer> MAX_PENDING = ConfigKey.define(
            "commands.maxPending",
            ValueTypes.intRange(1, 1_000_000, "1-1000000"),
            10_000,
            "Commands kept at most (durably, under `gateway.dataDir`/commands) for devices that are offline;"
                    + " beyond, new ones are answered with status 503.");

    public static final ConfigKey<Long> MAX_PENDING_BYTES = ConfigKey.define(
            "commands.maxPendingBytes",
            ValueTypes.size(1L << 10, 1L << 40),
            RouterOptions.DEFAULT_MAX_PENDING_BYTES,
            "Bytes the pending commands may take on disk (payload plus about 100 bytes each); a command that would"
                    + " pass it is answered with status 413. Payloads wait on disk, not in the heap.");

    public static final ConfigKey<Long> MAX_PAYLOAD = ConfigKey.define(
            "commands.maxPayload",
            ValueTypes.size(0, RouterOptions.MAX_PAYLOAD_LIMIT),
            RouterOptions.DEFAULT_MAX_PAYLOAD,
            "Largest command payload taken; a larger command is answered with status 413 and never stored. At"
                    + " most `commands.maxPendingBytes`.");

    public static final ConfigKey<String> UNKNOWN_DEVICES = ConfigKey.define(
            "commands.unknownDevices",
            ValueTypes.oneOf("reject", "ignore"),
            "reject",
            "A command for a device neither in the registry nor connected here: `reject` answers 404, `ignore`"
                    + " skips it and counts it (several gateways share the tenant).");

    @Override
    public String name() {
        return "commands";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ENABLED, TENANTS, MAX_PENDING, MAX_PENDING_BYTES, MAX_PAYLOAD, UNKNOWN_DEVICES);
    }

    @Override
    public CommandSettings build(SectionValues values, Problems problems) {
        if (values.get(ENABLED) && values.get(TENANTS).isEmpty()) {
            ConfigKey<?> blame = values.isSet(TENANTS) ? TENANTS : ENABLED;
            problems.add(
                    values.origin(blame),
                    blame.path(),
                    "commands.enabled is true but commands.tenants lists no tenant");
            return null;
        }
        Long maxPendingBytes = values.get(MAX_PENDING_BYTES);
        Long maxPayload = values.get(MAX_PAYLOAD);
        if (maxPendingBytes != null && maxPayload != null && maxPendingBytes < maxPayload) {
            ConfigKey<?> blame = values.isSet(MAX_PAYLOAD) ? MAX_PAYLOAD : MAX_PENDING_BYTES;
            problems.add(
                    values.origin(blame),
                    blame.path(),
                    "commands.maxPayload (" + Units.formatSize(maxPayload) + ") must be at most"
                            + " commands.maxPendingBytes (" + Units.formatSize(maxPendingBytes) + ")");
            return null;
        }
        return new CommandSettings(
                values.get(ENABLED),
                values.get(TENANTS),
                values.get(MAX_PENDING),
                maxPendingBytes,
                maxPayload,
                values.get(UNKNOWN_DEVICES));
    }
}
