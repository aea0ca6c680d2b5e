package io.fogbridge.registry;

import java.util.regex.Pattern;

/** Tenant and device ids: they become MQTT topic levels and Kafka topic names, so no wildcards, '/' or '@'. */
final class Ids {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Ids() {}

    static String check(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id + "': use letters, digits, '.', '_' and '-' (at most"
                    + " 128, starting with a letter or digit)");
        }
        return id;
    }
}
