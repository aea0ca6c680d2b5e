package io.fogbridge.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The field devices a gateway dials out to: the Modbus TCP servers and OPC UA servers of its rendered config, from the
 * Gateway's own adapters and from its Devices alike, and what its scheduled scans ({@code discovery}) look at. The NetworkPolicy must let the pod reach them, or a cluster that
 * enforces policies silently starves every converter.
 */
record FieldEndpoints(Set<Endpoint> endpoints) {

    static final int MODBUS_PORT = 502;
    static final int OPCUA_PORT = 4840;

    /** One host and TCP port; {@code host} is as written (an IP address, a CIDR block of a scan, or a name). */
    record Endpoint(String host, int port) {}

    /** Reads them from a gateway.yaml that the gateway's own loader already accepted. */
    static FieldEndpoints of(String gatewayYaml) {
        Map<?, ?> doc;
        try {
            doc = new ObjectMapper(new YAMLFactory()).readValue(gatewayYaml, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the rendered gateway.yaml does not parse: " + e.getOriginalMessage(), e);
        }
        Set<Endpoint> found = new LinkedHashSet<>();
        Map<?, ?> adapters = map(doc == null ? null : doc.get("adapters"));
        for (Object device : list(map(adapters.get("modbus")).get("devices"))) {
            Map<?, ?> modbus = map(device);
            if (modbus.get("host") != null) {
                found.add(new Endpoint(String.valueOf(modbus.get("host")), port(modbus.get("port"), MODBUS_PORT)));
            }
        }
        for (Object endpoint : list(map(adapters.get("opcua")).get("endpoints"))) {
            Object url = map(endpoint).get("url");
            if (url != null) {
                opcua(String.valueOf(url), found);
            }
        }
        for (Object item : list(doc == null ? null : doc.get("discovery"))) {
            scanTargets(map(item), found);
        }
        return new FieldEndpoints(found);
    }

    /**
     * What a scheduled scan dials: a Modbus host range on its ports ({@code host} then a CIDR block, an address, or a
     * range or name, which the policy can only open by port), or an OPC UA discovery URL.
     */
    private static void scanTargets(Map<?, ?> scan, Set<Endpoint> found) {
        String target = String.valueOf(scan.get("target"));
        if ("opcua".equals(scan.get("protocol"))) {
            opcua(target, found);
            return;
        }
        List<Integer> ports = new ArrayList<>();
        Object written = scan.get("ports");
        for (String part : (written == null ? String.valueOf(MODBUS_PORT) : String.valueOf(written)).split(",")) {
            String[] ends = part.strip().split("-", 2);
            int first = Integer.parseInt(ends[0].strip());
            int last = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : first;
            for (int port = first; port <= last; port++) { // the loader allows 16 ports at most
                ports.add(port);
            }
        }
        for (String host : target.split(",")) {
            for (int port : ports) {
                found.add(new Endpoint(host.strip(), port));
            }
        }
    }

    private static void opcua(String url, Set<Endpoint> found) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null) {
                found.add(new Endpoint(uri.getHost(), uri.getPort() < 0 ? OPCUA_PORT : uri.getPort()));
            }
        } catch (URISyntaxException e) {
            // the loader accepted it, so this does not happen; a url we cannot read opens nothing
        }
    }

    private static int port(Object value, int fallback) {
        return value == null ? fallback : Integer.parseInt(String.valueOf(value));
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : new ArrayList<>();
    }
}
