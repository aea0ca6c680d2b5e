package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.AdaptersSpec;
import io.fogbridge.operator.crd.GatewaySpec;
import io.fogbridge.operator.crd.ListenerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports a gateway opens: for devices (MQTT listeners, the HTTP and CoAP adapters) and for operations
 * ({@code /healthz}, {@code /readyz}, {@code /metrics}). The config, the container, the Service and the
 * NetworkPolicy all take them from here.
 */
public final class GatewayPorts {

    public static final int OPS = 8080;
    static final int DEFAULT_MQTT = 1883;
    static final int DEFAULT_HTTP = 8088;
    static final int DEFAULT_COAP = 5683;

    /** One port; {@code name} is a Kubernetes port name (15 characters at most). */
    public record Port(String name, int number, String protocol) {}

    private GatewayPorts() {}

    /** The MQTT listeners of {@code spec}, or the one default listener. */
    static List<ListenerSpec> listeners(GatewaySpec spec) {
        if (spec.listeners != null && !spec.listeners.isEmpty()) {
            return spec.listeners;
        }
        ListenerSpec listener = new ListenerSpec();
        listener.port = DEFAULT_MQTT;
        return List.of(listener);
    }

    public static List<Port> devicePorts(GatewaySpec spec) {
        List<Port> ports = new ArrayList<>();
        for (ListenerSpec listener : listeners(spec)) {
            ports.add(new Port("mqtt-" + listener.port, listener.port, "TCP"));
        }
        AdaptersSpec adapters = spec.adapters;
        if (adapters != null && enabled(adapters.http)) {
            ports.add(new Port("http", port(adapters.http, DEFAULT_HTTP), "TCP"));
        }
        if (adapters != null && enabled(adapters.coap)) {
            ports.add(new Port("coap", port(adapters.coap, DEFAULT_COAP), "UDP"));
        }
        return ports;
    }

    static boolean enabled(AdaptersSpec.Endpoint endpoint) {
        return endpoint != null && Boolean.TRUE.equals(endpoint.enabled);
    }

    static int port(AdaptersSpec.Endpoint endpoint, int defaultPort) {
        return endpoint.port == null ? defaultPort : endpoint.port;
    }
}
