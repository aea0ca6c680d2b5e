package io.fogbridge.adapters.coap;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import java.nio.file.Path;
import java.util.List;

/** {@code adapters.coap}: plain CoAP and CoAP over DTLS with pre-shared keys. Stateless. */
public final class CoapAdapterSection implements ConfigSection<CoapAdapterSettings> {

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.define(
            "adapters.coap.enabled",
            ValueTypes.bool(),
            false,
            "Serve devices over CoAP (UDP) and CoAP over DTLS with pre-shared keys: the same resources as HTTP.");
    public static final ConfigKey<String> HOST =
            ConfigKey.define("adapters.coap.host", ValueTypes.host(), "0.0.0.0", "Address of the CoAP endpoints.");
    public static final ConfigKey<Integer> PORT = ConfigKey.define(
            "adapters.coap.port", ValueTypes.port(), 5683, "Plain CoAP port (UDP); 0 = any free port.");
    public static final ConfigKey<Boolean> ANONYMOUS = ConfigKey.define(
                    "adapters.coap.anonymous",
                    ValueTypes.bool(),
                    null,
                    "Accept plain CoAP requests (no DTLS identity); they must name the device in the path.")
            .defaultDescribedAs("true on a loopback host, else false");
    public static final ConfigKey<Integer> DTLS_PORT = ConfigKey.define(
            "adapters.coap.dtlsPort",
            ValueTypes.port(),
            5684,
            "CoAP over DTLS port (UDP), open when adapters.coap.pskFile is set; 0 = any free port.");
    public static final ConfigKey<Path> PSK_FILE = ConfigKey.define(
            "adapters.coap.pskFile",
            ValueTypes.path(),
            null,
            "DTLS pre-shared keys, one `device@tenant = hex:…|base64:…|text:…` a line (the registry keeps only"
                    + " hashes, DTLS needs the key itself). Keep it chmod 600. Devices must also be in the registry.");

    public static final ConfigKey<Integer> SOURCE_RATE = ConfigKey.define(
            "adapters.coap.sourceRate",
            ValueTypes.intRange(1, 1_000_000, "requests per second, 1-1000000"),
            CoapLimits.DEFAULTS.sourceRate(),
            "Requests per second one source may send (its IP address; on loopback address and port); more are"
                    + " dropped unanswered and counted in fogbridge_coap_dropped_total{reason=\"source-rate\"}.");
    public static final ConfigKey<Integer> SOURCE_BURST = ConfigKey.define(
            "adapters.coap.sourceBurst",
            ValueTypes.intRange(1, 1_000_000, "requests, 1-1000000"),
            CoapLimits.DEFAULTS.sourceBurst(),
            "Requests a source that was quiet may send at once, above adapters.coap.sourceRate.");
    public static final ConfigKey<Integer> MAX_SOURCES = ConfigKey.define(
            "adapters.coap.maxSources",
            ValueTypes.intRange(1, 1_000_000, "sources, 1-1000000"),
            CoapLimits.DEFAULTS.maxSources(),
            "Sources whose rate is tracked at once (about 100 B each); when all are busy, new sources share one"
                    + " source's rate.");
    public static final ConfigKey<Integer> TOTAL_RATE = ConfigKey.define(
            "adapters.coap.totalRate",
            ValueTypes.intRange(1, 10_000_000, "requests per second, 1-10000000"),
            CoapLimits.DEFAULTS.totalRate(),
            "Requests per second from all sources together; more are dropped unanswered and counted in"
                    + " fogbridge_coap_dropped_total{reason=\"total-rate\"}.");
    public static final ConfigKey<Integer> MAX_PEERS = ConfigKey.define(
            "adapters.coap.maxPeers",
            ValueTypes.intRange(1, 1_000_000, "peers, 1-1000000"),
            CoapLimits.DEFAULTS.maxPeers(),
            "Peers (address and port) the CoAP stack keeps state for: message ids and DTLS connections. Peers silent"
                    + " for 10 minutes make room.");
    public static final ConfigKey<Integer> MAX_EXCHANGES = ConfigKey.define(
            "adapters.coap.maxExchanges",
            ValueTypes.intRange(16, 1_000_000, "exchanges, 16-1000000"),
            CoapLimits.DEFAULTS.maxExchanges(),
            "Received requests remembered per endpoint (about 3 kB each) so a retransmission is answered, not"
                    + " handled twice; when full the oldest is forgotten.");
    public static final ConfigKey<Integer> MAX_TTD_WAITING = ConfigKey.define(
            "adapters.coap.maxTtdWaiting",
            ValueTypes.intRange(1, 1_000_000, "requests, 1-1000000"),
            CoapLimits.DEFAULTS.maxTtdWaiting(),
            "CoAP requests waiting for a command (?ttd=) at once (a few kB each); more are refused 5.03 with"
                    + " Max-Age before their payload is forwarded. A device has one waiting request: a newer one"
                    + " ends the older one's wait (answered 2.04 without a command).");
    public static final ConfigKey<Integer> MAX_BLOCKWISE_UPLOADS = ConfigKey.define(
                    "adapters.coap.maxBlockwiseUploads",
                    ValueTypes.intRange(1, 100_000, "uploads, 1-100000"),
                    null,
                    "Block-wise uploads (RFC 7959) in progress at once per endpoint; each holds a buffer of up to"
                            + " devices.maxPayload from its first block on. An upload beyond is refused 4.08 at its"
                            + " second block; an upload whose next block does not come within 60 s is dropped.")
            .defaultDescribedAs("as many as fit in 8 MiB (32 at devices.maxPayload 256KiB)");

    @Override
    public String name() {
        return "adapters.coap";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(
                ENABLED,
                HOST,
                PORT,
                ANONYMOUS,
                DTLS_PORT,
                PSK_FILE,
                SOURCE_RATE,
                SOURCE_BURST,
                MAX_SOURCES,
                TOTAL_RATE,
                MAX_PEERS,
                MAX_EXCHANGES,
                MAX_TTD_WAITING,
                MAX_BLOCKWISE_UPLOADS);
    }

    @Override
    public CoapAdapterSettings build(SectionValues values, Problems problems) {
        if (values.get(ENABLED) == null
                || values.get(HOST) == null
                || values.get(PORT) == null
                || values.get(DTLS_PORT) == null) {
            return null; // an invalid value, reported already
        }
        CoapLimits limits = limits(values, problems);
        if (limits == null) {
            return null;
        }
        return new CoapAdapterSettings(
                values.get(ENABLED),
                values.get(HOST),
                values.get(PORT),
                values.get(ANONYMOUS),
                values.get(DTLS_PORT),
                values.get(PSK_FILE),
                limits);
    }

    /** The limits, or null after reporting an invalid value or a total rate below one source's. */
    private static CoapLimits limits(SectionValues values, Problems problems) {
        Integer sourceRate = values.get(SOURCE_RATE);
        Integer totalRate = values.get(TOTAL_RATE);
        if (sourceRate == null
                || totalRate == null
                || values.get(SOURCE_BURST) == null
                || values.get(MAX_SOURCES) == null
                || values.get(MAX_PEERS) == null
                || values.get(MAX_EXCHANGES) == null
                || values.get(MAX_TTD_WAITING) == null
                || (values.isSet(MAX_BLOCKWISE_UPLOADS) && values.get(MAX_BLOCKWISE_UPLOADS) == null)) {
            return null;
        }
        if (totalRate < sourceRate) {
            ConfigKey<?> blame = values.isSet(TOTAL_RATE) ? TOTAL_RATE : SOURCE_RATE;
            problems.add(
                    values.origin(blame),
                    blame.path(),
                    "adapters.coap.totalRate (" + totalRate + "/s) must be at least adapters.coap.sourceRate ("
                            + sourceRate + "/s)");
            return null;
        }
        return new CoapLimits(
                sourceRate,
                values.get(SOURCE_BURST),
                values.get(MAX_SOURCES),
                totalRate,
                values.get(MAX_PEERS),
                values.get(MAX_EXCHANGES),
                values.get(MAX_TTD_WAITING),
                values.get(MAX_BLOCKWISE_UPLOADS) == null ? 0 : values.get(MAX_BLOCKWISE_UPLOADS));
    }
}
