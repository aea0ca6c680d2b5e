package io.fogbridge.gateway.config;

/**
 * {@code mqtt.external.*}: use an existing broker instead of the embedded one.
 *
 * @param uri         normalized {@code tcp://host:port}
 * @param clientId    fixed client id of the persistent session
 * @param username    null when not set
 * @param password    null when not set; never printed ({@link #toString()} masks it)
 * @param sharedGroup the shared-subscription group ({@code $share/<group>/<filter>})
 */
public record ExternalBroker(
        String uri, String host, int port, String clientId, String username, String password, String sharedGroup) {

    @Override
    public String toString() {
        return "ExternalBroker[uri=" + uri + ", clientId=" + clientId + ", username=" + username + ", password="
                + (password == null ? "null" : "****") + ", sharedGroup=" + sharedGroup + "]";
    }
}
