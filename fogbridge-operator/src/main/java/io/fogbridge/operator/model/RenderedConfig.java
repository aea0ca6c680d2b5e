package io.fogbridge.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A gateway.yaml the gateway's config loader accepted, its SHA-256, and the SHA-256 of the part a running gateway
 * cannot apply: everything but {@code LiveConfig.LIVE_KEYS} (routes, labels, the Modbus and OPC UA sections). Only {@code restartHash} goes on the pod
 * template, so a change of a live key reaches the running gateway through the mounted file and rolls no pod.
 *
 * @param hash the whole file's hash ({@code status.configHash})
 * @param restartHash the hash of the keys that need a restart (the pod template's annotation)
 */
public record RenderedConfig(String yaml, String hash, String restartHash) {

    static RenderedConfig of(String yaml, String restartPart) {
        return new RenderedConfig(yaml, sha256(yaml), sha256(restartPart));
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
