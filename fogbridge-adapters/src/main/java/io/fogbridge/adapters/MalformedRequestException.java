package io.fogbridge.adapters;

/** A device request that can never succeed as sent: answered with 400 (CoAP 4.00), never retried as is. */
public final class MalformedRequestException extends IllegalArgumentException {

    public MalformedRequestException(String message) {
        super(message);
    }
}
