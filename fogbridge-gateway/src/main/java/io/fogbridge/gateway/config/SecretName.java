package io.fogbridge.gateway.config;

import java.util.regex.Pattern;

/** A Kubernetes Secret's {@code namespace/name}, both DNS-1123 names as the API server requires. */
public record SecretName(String namespace, String name) {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** @throws IllegalArgumentException not {@code namespace/name} (the message says why, for the config error) */
    static SecretName parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not namespace/name");
        }
        String namespace = text.substring(0, slash);
        String name = text.substring(slash + 1);
        if (!DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("'" + namespace + "' is not a namespace name (lower-case DNS label)");
        }
        if (!DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a Secret name (lower-case DNS subdomain)");
        }
        return new SecretName(namespace, name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
