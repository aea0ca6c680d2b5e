package io.fogbridge.operator.model;

/**
 * The Gateway's spec renders to a gateway.yaml the gateway's own config loader refuses, or asks for what the operator
 * cannot run yet (commands with a backup). Not retriable: nothing changes until the user edits the spec. The message
 * is the loader's (or worded like it), one problem a line.
 */
public final class InvalidGatewaySpec extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidGatewaySpec(String message) {
        super(message);
    }
}
