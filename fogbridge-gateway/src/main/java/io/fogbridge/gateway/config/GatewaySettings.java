package io.fogbridge.gateway.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code gateway.*}.
 *
 * @param id      the gateway's name in headers ({@code gateway_id}, {@code fog-seq}) and client ids; must stay the
 *                same across restarts
 * @param dataDir where the spool and the broker keep their files
 * @param labels  added to every record as headers named by the key, in this order
 */
public record GatewaySettings(String id, Path dataDir, Map<String, String> labels) {
    public GatewaySettings {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
