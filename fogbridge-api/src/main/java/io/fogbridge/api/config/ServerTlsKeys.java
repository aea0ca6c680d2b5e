package io.fogbridge.api.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS keys of a server endpoint, defined once and reused by every section that serves TLS (the MQTT listeners, the
 * HTTP device adapter): names, types, docs and the rules between them live here and nowhere else. A section picks the
 * keys it supports ({@link #pkcs12Only}) under its own prefix.
 */
public final class ServerTlsKeys {

    public final ConfigKey<Path> certFile;
    public final ConfigKey<Path> keyFile;
    public final ConfigKey<Path> keyStore;
    public final ConfigKey<String> keyStorePassword;
    public final ConfigKey<Path> clientCaFile;
    public final ConfigKey<ServerTls.ClientAuth> clientAuth;
    private final List<ConfigKey<?>> keys;
    private final String prefix;

    private ServerTlsKeys(String prefix, String protocol, boolean full) {
        this.prefix = prefix;
        certFile = full
                ? ConfigKey.define(
                        prefix + ".certFile",
                        ValueTypes.path(),
                        null,
                        protocol + ": server certificate chain (PEM). Makes the endpoint TLS 1.2/1.3; changes are"
                                + " picked up without a restart.")
                : null;
        keyFile = full
                ? ConfigKey.define(
                        prefix + ".keyFile",
                        ValueTypes.path(),
                        null,
                        protocol + ": the server's private key (PEM, unencrypted).")
                : null;
        keyStore = ConfigKey.define(
                prefix + ".keyStore",
                ValueTypes.path(),
                null,
                full
                        ? protocol + ": server key and chain as PKCS12, instead of certFile/keyFile."
                        : protocol + ": server key and chain as PKCS12. Without it the endpoint speaks plain text.");
        keyStorePassword = ConfigKey.define(
                prefix + ".keyStorePassword", ValueTypes.string(), null, "Password of " + prefix + ".keyStore.");
        clientCaFile = ConfigKey.define(
                prefix + ".clientCaFile",
                ValueTypes.path(),
                null,
                protocol + ": CA certificates (PEM) that device client certificates must chain to"
                        + (full ? ": every tenant's device CA." : "; devices without one use basic auth."));
        clientAuth = full
                ? ConfigKey.define(
                                prefix + ".clientAuth",
                                ValueTypes.scalar(
                                        "none | optional | required",
                                        text -> {
                                            for (ServerTls.ClientAuth auth : ServerTls.ClientAuth.values()) {
                                                if (auth.id().equalsIgnoreCase(text.strip())) {
                                                    return auth;
                                                }
                                            }
                                            throw new IllegalArgumentException("expected one of none, optional,"
                                                    + " required, got '" + text + "'");
                                        },
                                        ServerTls.ClientAuth::id),
                                null,
                                protocol + " client certificates: `required` refuses a handshake without one,"
                                        + " `optional` lets password devices in too.")
                        .defaultDescribedAs("`optional` with clientCaFile, else `none`")
                : null;
        List<ConfigKey<?>> all = new ArrayList<>();
        for (ConfigKey<?> key :
                new ConfigKey<?>[] {certFile, keyFile, keyStore, keyStorePassword, clientCaFile, clientAuth}) {
            if (key != null) {
                all.add(key);
            }
        }
        this.keys = List.copyOf(all);
    }

    /** Every key: PEM or PKCS12, a client CA, and how client certificates are asked for. */
    public static ServerTlsKeys under(String prefix, String protocol) {
        return new ServerTlsKeys(prefix, protocol, true);
    }

    /** PKCS12 and a client CA only, for endpoints whose server reads no PEM. */
    public static ServerTlsKeys pkcs12Only(String prefix, String protocol) {
        return new ServerTlsKeys(prefix, protocol, false);
    }

    public List<ConfigKey<?>> keys() {
        return keys;
    }

    /**
     * The endpoint's TLS, or null when none of the key material is given (plain text) or a rule is broken (reported
     * to {@code problems}, naming {@code path} — the section or list item — and the offending key).
     */
    public ServerTls build(SectionValues values, String path, Origin origin, Problems problems) {
        Path cert = certFile == null ? null : values.get(certFile);
        Path key = keyFile == null ? null : values.get(keyFile);
        ServerTls.ClientAuth auth = clientAuth == null ? null : values.get(clientAuth);
        boolean pem = cert != null || key != null;
        boolean store = values.get(keyStore) != null;
        if (pem && store) {
            problems.add(origin, path, "give certFile/keyFile or keyStore, not both");
            return null;
        }
        if (pem && (cert == null || key == null)) {
            problems.add(origin, path, "certFile and keyFile go together");
            return null;
        }
        if (!pem && !store && (values.get(clientCaFile) != null || auth != null)) {
            problems.add(
                    origin,
                    path,
                    clientAuth == null
                            ? "clientCaFile needs keyStore"
                            : "clientCaFile/clientAuth need TLS (certFile+keyFile or keyStore)");
            return null;
        }
        if (auth != null && auth != ServerTls.ClientAuth.NONE && values.get(clientCaFile) == null) {
            problems.add(values.origin(clientAuth), path + "." + clientAuth.name(), "needs clientCaFile");
            return null;
        }
        if (!pem && !store) {
            return null;
        }
        return new ServerTls(
                cert, key, values.get(keyStore), values.get(keyStorePassword), values.get(clientCaFile), auth);
    }

    @Override
    public String toString() {
        return prefix + " TLS keys";
    }
}
