package io.fogbridge.operator.model;

/** A Device that cannot be rendered; {@code reason} is one CamelCase word for its {@code Registered} condition. */
public final class InvalidDevice extends Exception {

    private final String reason;

    public InvalidDevice(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
