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

    @Override
    public String name() {
        return "adapters.coap";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(ENABLED, HOST, PORT, ANONYMOUS, DTLS_PORT, PSK_FILE);
    }

    @Override
    public CoapAdapterSettings build(SectionValues values, Problems problems) {
        if (values.get(ENABLED) == null
                || values.get(HOST) == null
                || values.get(PORT) == null
                || values.get(DTLS_PORT) == null) {
            return null; // an invalid value, reported already
        }
        return new CoapAdapterSettings(
                values.get(ENABLED),
                values.get(HOST),
                values.get(PORT),
                values.get(ANONYMOUS),
                values.get(DTLS_PORT),
                values.get(PSK_FILE));
    }
}
