package io.fogbridge.operator.twin;

/**
 * Told when a device (or its gateway) answered a {@code desired} command with a status other than 2xx: a converter's
 * 400 for an unknown tag, a device's own refusal, the gateway's 404/408/503 when it could not deliver. Called on the
 * response consumer's thread; implementations do not block long.
 */
@FunctionalInterface
public interface DesiredRefusals {

    /**
     * @param correlationId the command's, as the operator made it ({@code <name>-desired-<generation>-<attempt>})
     * @param status        the HTTP-like status of the response
     * @param body          the response's payload as text, cut to 200 characters
     */
    void refused(String tenant, String device, String correlationId, int status, String body);
}
