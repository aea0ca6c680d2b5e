package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import java.util.Map;

/**
 * Devices proposed by plug-and-play onboarding: the operator creates them from a gateway's newcomer reports, with the
 * label {@value #LABEL}. Such a Device is left out of its gateway's registry, its {@code Registered} condition False
 * with reason {@value #PENDING_APPROVAL}, until {@code spec.approved} is true; a Device written by hand needs no
 * approval (whoever may write Devices may register them anyway).
 */
public final class Newcomers {

    public static final String LABEL = Gateway.GROUP + "/newcomer";
    public static final String PENDING_APPROVAL = "PendingApproval";
    /** A Kubernetes object name (DNS subdomain), at most 253 characters. */
    private static final java.util.regex.Pattern RESOURCE_NAME =
            java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private Newcomers() {}

    /**
     * The name of the Device proposed for a newcomer: its id when that is a Kubernetes name; else a deterministic
     * valid one, so that the next report of the same certificate finds it instead of proposing it again: the id
     * lowered, every other character than a letter, a digit or '-' turned into '-', cut to 40 characters, then '-' and
     * the first 10 hex digits of the SHA-256 of {@code tenant/id} (ids that differ only in case or in '_' get different
     * names). The real id then goes into {@code spec.deviceId}.
     */
    public static String resourceName(String tenant, String id) {
        if (RESOURCE_NAME.matcher(id).matches()) {
            return id;
        }
        String prefix = id.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-")
                .replaceAll("^-+", "");
        prefix = prefix.substring(0, Math.min(prefix.length(), 40)).replaceAll("-+$", "");
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((tenant + "/" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String suffix = java.util.HexFormat.of().formatHex(hash).substring(0, 10);
            return prefix.isEmpty() ? "device-" + suffix : prefix + "-" + suffix;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether the Device was proposed by onboarding and nobody has approved it yet. */
    public static boolean awaitingApproval(Device device) {
        Map<String, String> labels = device.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(LABEL)) && !Boolean.TRUE.equals(device.getSpec().approved);
    }
}
