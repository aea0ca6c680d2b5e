package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code mqtt.external.*}: the keys of external-broker mode and the rules between them, part of {@link MqttSection}. */
final class ExternalBrokerKeys {

    private ExternalBrokerKeys() {}

    static final ConfigKey<String> URI = ConfigKey.define(
            "mqtt.external.uri",
            ValueTypes.mqttUri(),
            null,
            "Use an existing broker (such as mosquitto) instead of the embedded one: `tcp://host:port`, or"
                    + " `ssl://host:port` for TLS 1.2/1.3 (port 8883 by default; `mqtt://` and `mqtts://` work too).");

    static final ConfigKey<Path> CA_FILE = ConfigKey.define(
                    "mqtt.external.caFile",
                    ValueTypes.path(),
                    null,
                    "TLS: CA certificates (PEM) the external broker's certificate must chain to. Read at start.")
            .defaultDescribedAs("the JVM's trust store");

    static final ConfigKey<Path> CERT_FILE = ConfigKey.define(
            "mqtt.external.certFile",
            ValueTypes.path(),
            null,
            "TLS: the gateway's client certificate chain (PEM), for brokers that require one (mosquitto"
                    + " `require_certificate true`). Needs `mqtt.external.keyFile`. Read at start.");

    static final ConfigKey<Path> KEY_FILE = ConfigKey.define(
            "mqtt.external.keyFile",
            ValueTypes.path(),
            null,
            "TLS: the client certificate's private key (PEM, unencrypted). Keep it chmod 600.");

    static final ConfigKey<Boolean> VERIFY_HOSTNAME = ConfigKey.define(
            "mqtt.external.verifyHostname",
            ValueTypes.bool(),
            true,
            "TLS: check that the broker's certificate names the host of `mqtt.external.uri`. `false` is logged as a"
                    + " warning at start: anyone holding a certificate of a trusted CA could impersonate the broker.");

    static final ConfigKey<String> CLIENT_ID = ConfigKey.define(
                    "mqtt.external.clientId",
                    ValueTypes.identifier(),
                    null,
                    "Fixed client id of the gateway's persistent session on the external broker.")
            .defaultDescribedAs("`fogbridge-` + `gateway.id`");

    static final ConfigKey<String> USERNAME =
            ConfigKey.define("mqtt.external.username", ValueTypes.string(), null, "User name on the external broker.");

    static final ConfigKey<String> PASSWORD = ConfigKey.define(
            "mqtt.external.password",
            ValueTypes.string(),
            null,
            "Password on the external broker; prefer `mqtt.external.passwordFile` or the environment variable to"
                    + " the file.");

    static final ConfigKey<Path> PASSWORD_FILE = ConfigKey.define(
            "mqtt.external.passwordFile",
            ValueTypes.path(),
            null,
            "File holding the password on the external broker (one line; mount it from a Secret). Read at start;"
                    + " instead of `mqtt.external.password`.");

    static final ConfigKey<String> SHARED_GROUP = ConfigKey.define(
            "mqtt.external.sharedGroup",
            ValueTypes.identifier(),
            "fogbridge",
            "Shared-subscription group (`$share/<group>/…`), so several gateways can split one broker's traffic.");

    static final List<ConfigKey<?>> ALL = List.of(
            URI,
            CA_FILE,
            CERT_FILE,
            KEY_FILE,
            VERIFY_HOSTNAME,
            CLIENT_ID,
            USERNAME,
            PASSWORD,
            PASSWORD_FILE,
            SHARED_GROUP);

    private static final List<ConfigKey<?>> TLS = List.of(CA_FILE, CERT_FILE, KEY_FILE, VERIFY_HOSTNAME);

    /** The external broker, or null in embedded mode or when a rule is broken (reported). */
    static ExternalBroker build(SectionValues v, Problems problems, String gatewayId) {
        if (!v.isSet(URI)) {
            for (ConfigKey<?> key : ALL) {
                if (v.isSet(key)) {
                    problems.add(v.origin(key), key.path(), "has no effect without mqtt.external.uri");
                }
            }
            return null;
        }
        String uri = v.get(URI);
        check(v, uri, problems);
        if (uri == null) {
            return null;
        }
        String authority = uri.substring(uri.indexOf("://") + 3);
        int colon = authority.lastIndexOf(':');
        String clientId = v.get(CLIENT_ID);
        Path passwordFile = v.get(PASSWORD_FILE);
        return new ExternalBroker(
                uri,
                authority.substring(0, colon),
                Integer.parseInt(authority.substring(colon + 1)),
                clientId != null ? clientId : "fogbridge-" + gatewayId,
                v.get(USERNAME),
                passwordFile != null && Files.isReadable(passwordFile) ? readPassword(passwordFile) : v.get(PASSWORD),
                v.get(SHARED_GROUP),
                v.get(CA_FILE),
                v.get(CERT_FILE),
                v.get(KEY_FILE),
                v.get(VERIFY_HOSTNAME));
    }

    /**
     * TLS keys only with an {@code ssl://} URI, certificate and key together, files that exist now (a typo in a path
     * is found at load, with its line, rather than as a failed handshake later).
     */
    private static void check(SectionValues v, String uri, Problems problems) {
        if (uri != null && !uri.startsWith("ssl://")) {
            for (ConfigKey<?> key : TLS) {
                if (v.isSet(key) && v.get(key) != null) {
                    problems.add(
                            v.origin(key),
                            key.path(),
                            "is a TLS option, but mqtt.external.uri is '" + uri + "': use ssl://host:port for TLS");
                }
            }
        }
        Path cert = v.get(CERT_FILE);
        Path key = v.get(KEY_FILE);
        if (cert != null && key == null && !v.isSet(KEY_FILE)) {
            problems.add(
                    v.origin(CERT_FILE),
                    CERT_FILE.path(),
                    "needs mqtt.external.keyFile (the certificate's private key)");
        }
        if (key != null && cert == null && !v.isSet(CERT_FILE)) {
            problems.add(
                    v.origin(KEY_FILE),
                    KEY_FILE.path(),
                    "needs mqtt.external.certFile (the certificate it belongs to)");
        }
        if (v.isSet(PASSWORD) && v.isSet(PASSWORD_FILE)) {
            problems.add(
                    v.origin(PASSWORD_FILE),
                    PASSWORD_FILE.path(),
                    "give mqtt.external.password or mqtt.external.passwordFile, not both");
        }
        for (ConfigKey<Path> file : List.of(CA_FILE, CERT_FILE, KEY_FILE, PASSWORD_FILE)) {
            Path path = v.get(file);
            if (path != null && !(Files.isRegularFile(path) && Files.isReadable(path))) {
                problems.add(
                        v.origin(file),
                        file.path(),
                        "cannot read " + path.toAbsolutePath() + ": "
                                + (Files.exists(path) ? "not a readable file" : "no such file"));
            }
        }
    }

    /** The first line of {@code mqtt.external.passwordFile}; checked readable before. */
    private static String readPassword(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .findFirst()
                    .map(String::strip)
                    .orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException("mqtt.external.passwordFile: cannot read " + file, e);
        }
    }
}
