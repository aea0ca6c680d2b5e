package io.fogbridge.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Which device: a tenant and a device id in it. A value (equal when both ids are), so it is the key wherever the
 * gateway keeps something per device. Unlike {@link DeviceRef} it names no connection and is never anonymous.
 *
 * <p>Its text form is the device's login, {@code device@tenant}: the MQTT user name, the CoAP PSK identity, the
 * CLI's device argument. {@link #parseLogin} is the one reader of that form. Immutable, thread-safe.
 */
public record DeviceId(String tenant, String device) {

    /** Most characters of a tenant or device id. */
    public static final int MAX_ID_LENGTH = 128;

    /** {@link #isValidId}'s rule, worded for an error message. */
    public static final String ID_RULE =
            "use letters, digits, '.', '_' and '-' (at most " + MAX_ID_LENGTH + ", starting with a letter or digit)";

    public DeviceId {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(device, "device");
    }

    /**
     * Reads {@code device@tenant}. The last {@code @} separates the two, so a device id may contain {@code @} and a
     * tenant id may not; both must be non-empty. No other check: whether the ids are valid or registered is the
     * registry's question.
     *
     * @param login the login, or null
     * @return empty when {@code login} is null, has no {@code @}, or nothing before or after the last one; the
     *     caller says what it expected, in its own terms
     */
    public static Optional<DeviceId> parseLogin(String login) {
        int at = login == null ? -1 : login.lastIndexOf('@');
        if (at <= 0 || at == login.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new DeviceId(login.substring(at + 1), login.substring(0, at)));
    }

    /**
     * Whether {@code id} may be a tenant or device id: 1 to {@value #MAX_ID_LENGTH} ASCII letters, digits, {@code .},
     * {@code _} and {@code -}, starting with a letter or digit. Ids become MQTT topic levels, Kafka topic names, record
     * keys and log text, so no wildcard, {@code /}, {@code @}, space, control or invisible character. The registry
     * checks registered ids by this rule, and the MQTT broker checks the ids an anonymous client names in a topic.
     */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH || !isLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** {@code device@tenant}: what {@link #parseLogin} reads back. */
    public String login() {
        return device + "@" + tenant;
    }

    @Override
    public String toString() {
        return login();
    }
}
