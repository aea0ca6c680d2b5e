package io.fogbridge.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A gateway.yaml the gateway's config loader accepted, and its SHA-256: the hash goes on the pod template, so a
 * change of the file rolls the pod.
 */
public record RenderedConfig(String yaml, String hash) {

    static RenderedConfig of(String yaml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8));
            return new RenderedConfig(yaml, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
