package io.fogbridge.operator.model;

/**
 * The Gateway's spec renders to a gateway.yaml the gateway's own config loader refuses. Not retriable: nothing
 * changes until the user edits the spec. The message is the loader's, one problem a line.
 */
public final class InvalidGatewaySpec extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidGatewaySpec(String message) {
        super(message);
    }
}
