package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueType;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.gateway.ops.BearerToken;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code http.*}: the operations endpoint ({@code /healthz}, {@code /readyz}, {@code /metrics}). Secure by default:
 * reachable from other machines it needs a token, or the operator's explicit {@code http.allowUnauthenticated}.
 */
public final class OpsHttpSection implements ConfigSection<HttpSettings> {

    public static final ConfigKey<String> HOST = ConfigKey.define(
            "http.host", ValueTypes.host(), "127.0.0.1", "Address of `/healthz`, `/readyz` and `/metrics`.");

    public static final ConfigKey<Integer> PORT =
            ConfigKey.define("http.port", ValueTypes.port(), 8080, "Port of the operations endpoint; 0 = any free.");

    public static final ConfigKey<Path> TOKEN_FILE = ConfigKey.define(
            "http.tokenFile",
            ValueTypes.path(),
            null,
            "File holding the bearer token that `/readyz` and `/metrics` then require (`Authorization: Bearer"
                    + " <token>`, else 401); `/healthz` stays open. Read at start; at least 16 characters. Preferred"
                    + " to `http.token` (mount it from a Secret).");

    public static final ConfigKey<String> TOKEN = ConfigKey.define(
            "http.token",
            bearerToken(),
            null,
            "The bearer token inline, instead of `http.tokenFile`; prefer the file or `FOGBRIDGE_HTTP_TOKEN`. Never"
                    + " logged.");

    public static final ConfigKey<Boolean> ALLOW_UNAUTHENTICATED = ConfigKey.define(
            "http.allowUnauthenticated",
            ValueTypes.bool(),
            false,
            "Serve `/readyz` and `/metrics` without a token on a non-loopback `http.host` (behind a NetworkPolicy,"
                    + " say). Without it, or a token, such a gateway refuses to start.");

    @Override
    public String name() {
        return "http";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(HOST, PORT, TOKEN_FILE, TOKEN, ALLOW_UNAUTHENTICATED);
    }

    @Override
    public HttpSettings build(SectionValues values, Problems problems) {
        int before = problems.size();
        if (values.isSet(TOKEN) && values.isSet(TOKEN_FILE)) {
            problems.add(values.origin(TOKEN), TOKEN.path(), "give http.token or http.tokenFile, not both");
        }
        String host = values.get(HOST);
        boolean tokenSet = values.isSet(TOKEN) || values.isSet(TOKEN_FILE);
        if (!tokenSet && !values.get(ALLOW_UNAUTHENTICATED) && !isLoopback(host)) {
            problems.add(
                    values.origin(HOST),
                    HOST.path(),
                    "'" + host + "' is not a loopback address, so /readyz and /metrics would be open to the network:"
                            + " set http.tokenFile (or http.token) to require a bearer token, or"
                            + " http.allowUnauthenticated: true to serve them without one");
        }
        if (problems.size() != before) {
            return null;
        }
        return new HttpSettings(
                host, values.get(PORT), values.get(TOKEN), values.get(TOKEN_FILE), values.get(ALLOW_UNAUTHENTICATED));
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Never echoes the value in a problem: it is a secret. */
    private static ValueType<String> bearerToken() {
        return ValueTypes.scalar(
                "bearer token (16+ characters)",
                text -> {
                    String problem = BearerToken.problem(text);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem);
                    }
                    return text;
                },
                text -> "****");
    }
}
