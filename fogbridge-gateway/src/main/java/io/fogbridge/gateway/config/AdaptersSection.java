package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code adapters.*}: the HTTP and CoAP device adapters, and what they share ({@code adapters.maxTtd}). */
public final class AdaptersSection implements ConfigSection<AdapterSettings> {

    static final ConfigKey<Boolean> ADAPTERS_HTTP_ENABLED = ConfigKey.define(
            "adapters.http.enabled",
            ValueTypes.bool(),
            false,
            "Serve devices over HTTP: `POST /telemetry`, `/event`, `/command/res/{requestId}`, with `ttd` for"
                    + " commands. Uses `mqtt.registry` for credentials, `mqtt.maxPayload` and `mqtt.ackTimeout`.");
    static final ConfigKey<String> ADAPTERS_HTTP_HOST =
            ConfigKey.define("adapters.http.host", ValueTypes.host(), "0.0.0.0", "Address of the HTTP device adapter.");
    static final ConfigKey<Integer> ADAPTERS_HTTP_PORT = ConfigKey.define(
            "adapters.http.port", ValueTypes.port(), 8088, "Port of the HTTP device adapter; 0 = any free port.");
    static final ConfigKey<Boolean> ADAPTERS_HTTP_ANONYMOUS = ConfigKey.define(
                    "adapters.http.anonymous",
                    ValueTypes.bool(),
                    null,
                    "Accept requests without credentials (they must name the device: `/telemetry/{tenant}/{device}`).")
            .defaultDescribedAs("true on a loopback host, else false");
    static final ConfigKey<Path> ADAPTERS_HTTP_KEY_STORE = ConfigKey.define(
            "adapters.http.keyStore",
            ValueTypes.path(),
            null,
            "HTTPS: server key and chain as PKCS12. Without it the adapter speaks plain HTTP.");
    static final ConfigKey<String> ADAPTERS_HTTP_KEY_STORE_PASSWORD = ConfigKey.define(
            "adapters.http.keyStorePassword", ValueTypes.string(), null, "Password of adapters.http.keyStore.");
    static final ConfigKey<Path> ADAPTERS_HTTP_CLIENT_CA_FILE = ConfigKey.define(
            "adapters.http.clientCaFile",
            ValueTypes.path(),
            null,
            "HTTPS: CA certificates (PEM) that device client certificates chain to; devices without one use basic"
                    + " auth.");
    static final ConfigKey<Boolean> ADAPTERS_COAP_ENABLED = ConfigKey.define(
            "adapters.coap.enabled",
            ValueTypes.bool(),
            false,
            "Serve devices over CoAP (UDP) and CoAP over DTLS with pre-shared keys: the same resources as HTTP.");
    static final ConfigKey<String> ADAPTERS_COAP_HOST =
            ConfigKey.define("adapters.coap.host", ValueTypes.host(), "0.0.0.0", "Address of the CoAP endpoints.");
    static final ConfigKey<Integer> ADAPTERS_COAP_PORT = ConfigKey.define(
            "adapters.coap.port", ValueTypes.port(), 5683, "Plain CoAP port (UDP); 0 = any free port.");
    static final ConfigKey<Boolean> ADAPTERS_COAP_ANONYMOUS = ConfigKey.define(
                    "adapters.coap.anonymous",
                    ValueTypes.bool(),
                    null,
                    "Accept plain CoAP requests (no DTLS identity); they must name the device in the path.")
            .defaultDescribedAs("true on a loopback host, else false");
    static final ConfigKey<Integer> ADAPTERS_COAP_DTLS_PORT = ConfigKey.define(
            "adapters.coap.dtlsPort",
            ValueTypes.port(),
            5684,
            "CoAP over DTLS port (UDP), open when adapters.coap.pskFile is set; 0 = any free port.");
    static final ConfigKey<Path> ADAPTERS_COAP_PSK_FILE = ConfigKey.define(
            "adapters.coap.pskFile",
            ValueTypes.path(),
            null,
            "DTLS pre-shared keys, one `device@tenant = hex:…|base64:…|text:…` a line (the registry keeps only"
                    + " hashes, DTLS needs the key itself). Keep it chmod 600. Devices must also be in the registry.");
    static final ConfigKey<Duration> ADAPTERS_MAX_TTD = ConfigKey.define(
            "adapters.maxTtd",
            ValueTypes.duration(false),
            Duration.ofSeconds(60),
            "Longest `ttd` (seconds a device holds a request open for a command) the HTTP and CoAP adapters honour.");

    @Override
    public String name() {
        return "adapters";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(
                ADAPTERS_HTTP_ENABLED,
                ADAPTERS_HTTP_HOST,
                ADAPTERS_HTTP_PORT,
                ADAPTERS_HTTP_ANONYMOUS,
                ADAPTERS_HTTP_KEY_STORE,
                ADAPTERS_HTTP_KEY_STORE_PASSWORD,
                ADAPTERS_HTTP_CLIENT_CA_FILE,
                ADAPTERS_COAP_ENABLED,
                ADAPTERS_COAP_HOST,
                ADAPTERS_COAP_PORT,
                ADAPTERS_COAP_ANONYMOUS,
                ADAPTERS_COAP_DTLS_PORT,
                ADAPTERS_COAP_PSK_FILE,
                ADAPTERS_MAX_TTD);
    }

    @Override
    public AdapterSettings build(SectionValues v, Problems problems) {
        return new AdapterSettings(
                v.get(ADAPTERS_HTTP_ENABLED),
                v.get(ADAPTERS_HTTP_HOST),
                v.get(ADAPTERS_HTTP_PORT),
                v.get(ADAPTERS_HTTP_ANONYMOUS),
                v.get(ADAPTERS_HTTP_KEY_STORE),
                v.get(ADAPTERS_HTTP_KEY_STORE_PASSWORD),
                v.get(ADAPTERS_HTTP_CLIENT_CA_FILE),
                v.get(ADAPTERS_COAP_ENABLED),
                v.get(ADAPTERS_COAP_HOST),
                v.get(ADAPTERS_COAP_PORT),
                v.get(ADAPTERS_COAP_ANONYMOUS),
                v.get(ADAPTERS_COAP_DTLS_PORT),
                v.get(ADAPTERS_COAP_PSK_FILE),
                v.get(ADAPTERS_MAX_TTD));
    }
}
