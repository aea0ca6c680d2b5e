package io.fogbridge.api.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A device a {@link FieldScanner} found: its protocol, the endpoint that identifies it, and its converter section as
 * far as the scan could tell, with the keys of the converter's entry in gateway.yaml ({@code adapters.modbus.devices[]}
 * without {@code id} and {@code tenant}; {@code adapters.opcua.endpoints[]} likewise), which are also the keys of the
 * Device resource's typed {@code spec.modbus} / {@code spec.opcua}. Values are strings, numbers, booleans, lists and
 * maps only. {@code notes} says what the scan saw but did not put in the section (security modes the server also
 * offers, data types, writable nodes), one line each, for the person who approves it.
 *
 * @param endpoint what identifies the device on the network, canonical so a rescan yields the same text:
 *                 {@code opc.tcp://host:port/path}, {@code modbus://host:port/unitId}
 */
public record ProposedDevice(String protocol, String endpoint, Map<String, Object> section, List<String> notes) {

    public ProposedDevice {
        section = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(section)); // keys in order
        notes = List.copyOf(notes);
    }

    /**
     * The device's name, deterministic: {@code <protocol>-} and the first 10 hex digits of the SHA-256 of the
     * endpoint, so a rescan proposes the same name and never a duplicate. A valid device id and Kubernetes name.
     */
    public String name() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(endpoint.getBytes(StandardCharsets.UTF_8));
            return protocol + "-" + HexFormat.of().formatHex(hash).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
