package io.fogbridge.gateway.config;

import io.fogbridge.gateway.ops.BearerToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code http.*}: the operations endpoint ({@code /healthz}, {@code /readyz}, {@code /metrics}); port 0 = any free.
 *
 * @param token               bearer token given inline ({@code http.token}); null when unset
 * @param tokenFile           file holding the bearer token ({@code http.tokenFile}), read when the gateway starts;
 *                            null when unset. At most one of {@code token} and {@code tokenFile} is set.
 * @param allowUnauthenticated the operator explicitly accepts endpoints off loopback without a token
 */
public record HttpSettings(String host, int port, String token, Path tokenFile, boolean allowUnauthenticated) {

    public HttpSettings(String host, int port) {
        this(host, port, null, null, false);
    }

    /** Whether {@code /readyz} and {@code /metrics} require a bearer token. */
    public boolean tokenConfigured() {
        return token != null || tokenFile != null;
    }

    /**
     * The token that guards the endpoints, reading {@code http.tokenFile} now (so a rotated file is picked up by a
     * restart); null when none is configured.
     *
     * @throws ConfigException the file cannot be read or holds no acceptable token; names the key, never the token
     */
    public BearerToken bearerToken() throws ConfigException {
        if (token != null) {
            return BearerToken.of(token);
        }
        if (tokenFile == null) {
            return null;
        }
        String text;
        try {
            // A trailing newline from `echo` or an editor is not part of the token.
            text = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(List.of("http.tokenFile: cannot read " + tokenFile + ": "
                    + e.getClass().getSimpleName()));
        }
        String problem = BearerToken.problem(text);
        if (problem != null) {
            throw new ConfigException(List.of("http.tokenFile: " + tokenFile + ": " + problem));
        }
        return BearerToken.of(text);
    }

    /** Never shows the token itself: this record ends up in logs and in {@code fogbridge config check}. */
    @Override
    public String toString() {
        return host + ":" + port
                + (token != null
                        ? " (bearer token)"
                        : tokenFile != null
                                ? " (bearer token from " + tokenFile + ")"
                                : allowUnauthenticated ? " (unauthenticated, allowed)" : "");
    }
}
