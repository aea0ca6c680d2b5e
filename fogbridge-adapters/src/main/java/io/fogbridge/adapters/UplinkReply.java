package io.fogbridge.adapters;

/**
 * How to answer a device request, protocol-neutral: an HTTP-like {@code status} (202 accepted, 400, 401, 403, 413,
 * 503, 500) and, when accepted, the device the message was for (so a {@code ttd} wait polls that device's commands).
 *
 * @param reason for the response body and the log; never holds a secret
 */
public record UplinkReply(int status, String reason, String tenant, String device) {

    public static final int ACCEPTED = 202;

    public static UplinkReply accepted(String tenant, String device) {
        return new UplinkReply(ACCEPTED, "accepted", tenant, device);
    }

    public static UplinkReply refused(int status, String reason) {
        return new UplinkReply(status, reason, null, null);
    }

    public boolean accepted() {
        return status == ACCEPTED;
    }
}
