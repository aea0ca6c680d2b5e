package io.fogbridge.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fogbridge.gateway.LiveConfig;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.operator.crd.AdaptersSpec;
import io.fogbridge.operator.crd.CommandsSpec;
import io.fogbridge.operator.crd.DiscoverySpec;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import io.fogbridge.operator.crd.KafkaSpec;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.crd.RouteSpec;
import io.fogbridge.operator.crd.SpoolSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Gateway's spec into the gateway.yaml its pod runs with, and has the gateway's own {@link ConfigLoader}
 * check it: the operator never writes a config the gateway would refuse. No client calls; deterministic (same spec,
 * same text, same hash), so an unchanged spec never rolls the pod.
 */
public final class GatewayConfigRenderer {

    static final String DEFAULT_SPOOL_SIZE = "1Gi";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private final PodPaths paths;

    public GatewayConfigRenderer(PodPaths paths) {
        this.paths = paths;
    }

    /**
     * @throws InvalidGatewaySpec the loader refused the result; the message is the loader's
     */
    public RenderedConfig render(Gateway gateway) throws InvalidGatewaySpec {
        refuseCommandsWithABackup(gateway);
        return render(document(gateway), gateway);
    }

    /**
     * With the Gateway's devices: the registry the pod mounts, the converters' device lists, the reduction rules.
     *
     * @throws InvalidGatewaySpec the loader refused the result; the message is the loader's
     */
    public RenderedConfig render(Gateway gateway, DeviceSet devices) throws InvalidGatewaySpec {
        refuseCommandsWithABackup(gateway);
        Map<String, Object> doc = document(gateway);
        devices.addConverters(doc);
        devices.addFiles(doc, paths);
        TwinAccess.addTo(doc, gateway, paths);
        DirectoryAccess.addTo(doc, gateway, paths); // after the twin: it moves the twin map to the watched copy
        return render(doc, gateway);
    }

    private static RenderedConfig render(Map<String, Object> doc, Gateway gateway) throws InvalidGatewaySpec {
        String source = source(gateway);
        String yaml = yaml(doc);
        String restartPart = yaml(LiveConfig.without(doc));
        try {
            // No environment: the pod's FOGBRIDGE_* variables are not the operator's to guess.
            ConfigLoader.load(source, yaml, Map.of());
        } catch (ConfigException e) {
            throw new InvalidGatewaySpec(String.join("\n", e.problems()));
        }
        return RenderedConfig.of(yaml, restartPart);
    }

    /**
     * Each pod of a backup pair has its own {@code gateway.id}, hence its own consumer group: both would take every
     * command, and the standby would answer 404 or 408 for devices connected to the other. The CRD refuses the pair
     * too (a CEL rule); this covers API servers without CEL and the mock.
     */
    private static void refuseCommandsWithABackup(Gateway gateway) throws InvalidGatewaySpec {
        if (gateway.getSpec().commands != null && Backup.of(gateway).enabled()) {
            throw new InvalidGatewaySpec(source(gateway) + ": spec.commands: cannot be combined with"
                    + " placement.backup yet: both pods would consume the command topics");
        }
    }

    private static String source(Gateway gateway) {
        return "Gateway " + gateway.getMetadata().getNamespace() + "/"
                + gateway.getMetadata().getName();
    }

    static String yaml(Map<String, Object> doc) {
        try {
            return YAML.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings always serialize", e);
        }
    }

    private Map<String, Object> document(Gateway gateway) {
        GatewaySpec spec = gateway.getSpec();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("gateway", gatewaySection(gateway));
        doc.put("mqtt", Map.of("listeners", listeners(spec)));
        doc.put("kafka", kafka(spec.kafka));
        doc.put("spool", spool(spec.spool));
        // Ops endpoint on the pod IP for the kubelet's probes; the NetworkPolicy admits only allowedFrom.
        doc.put("http", map("host", "0.0.0.0", "port", GatewayPorts.OPS, "allowUnauthenticated", true));
        doc.put("adapters", adapters(spec.adapters));
        if (spec.commands != null) {
            doc.put("commands", commands(spec.commands));
        }
        if (spec.routes != null && !spec.routes.isEmpty()) {
            doc.put(
                    "routes",
                    spec.routes.stream().map(GatewayConfigRenderer::route).toList());
        }
        if (spec.discovery != null && !spec.discovery.isEmpty()) {
            doc.put(
                    "discovery",
                    spec.discovery.stream().map(GatewayConfigRenderer::scan).toList());
        }
        return doc;
    }

    private Map<String, Object> gatewaySection(Gateway gateway) {
        GatewaySpec spec = gateway.getSpec();
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("site", spec.site);
        if (spec.labels != null) {
            new java.util.TreeMap<>(spec.labels).forEach(labels::put);
        }
        // Unique per Kafka cluster and stable across restarts (consumers drop replays by fog-seq, which holds it).
        String id = gateway.getMetadata().getNamespace() + "."
                + gateway.getMetadata().getName();
        return map("id", id, "dataDir", paths.dataDir().toString(), "labels", labels);
    }

    private List<Map<String, Object>> listeners(GatewaySpec spec) {
        List<Map<String, Object>> listeners = new ArrayList<>();
        for (ListenerSpec listener : GatewayPorts.listeners(spec)) {
            Map<String, Object> rendered =
                    map("host", "0.0.0.0", "port", listener.port, "anonymous", Boolean.TRUE.equals(listener.anonymous));
            if (listener.tls != null) {
                var dir = paths.listenerTlsDir(listener.port);
                rendered.put("certFile", dir.resolve("tls.crt").toString());
                rendered.put("keyFile", dir.resolve("tls.key").toString());
                ListenerSpec.ClientAuth clientAuth = listener.tls.clientAuth;
                if (clientAuth != null && clientAuth != ListenerSpec.ClientAuth.NONE) {
                    rendered.put("clientCaFile", dir.resolve("ca.crt").toString());
                    rendered.put("clientAuth", clientAuth.value);
                }
            }
            listeners.add(rendered);
        }
        return listeners;
    }

    private Map<String, Object> kafka(KafkaSpec kafka) {
        Map<String, Object> section = map("bootstrapServers", kafka.bootstrap);
        if (kafka.delivery != null) {
            section.put("delivery", kafka.delivery.value);
        }
        Map<String, String> properties = new KafkaClientProperties(paths).of(kafka);
        if (!properties.isEmpty()) {
            section.put("properties", properties);
        }
        return section;
    }

    private static Map<String, Object> spool(SpoolSpec spool) {
        String size = spool == null || spool.size == null ? DEFAULT_SPOOL_SIZE : spool.size;
        // Headroom for the segment being written and the file system's own blocks.
        long maxBytes = Quantity.getAmountInBytes(new Quantity(size)).longValue() / 10 * 9;
        Map<String, Object> section = map("maxBytes", maxBytes);
        if (spool != null) {
            putIfSet(section, "fsync", spool.fsync);
            putIfSet(section, "whenFull", spool.whenFull == null ? null : spool.whenFull.value);
            putIfSet(section, "maxAge", spool.maxAge);
        }
        return section;
    }

    private static Map<String, Object> adapters(AdaptersSpec adapters) {
        Map<String, Object> section = new LinkedHashMap<>();
        if (adapters == null) {
            return section;
        }
        putIfSet(section, "maxTtd", adapters.maxTtd);
        if (GatewayPorts.enabled(adapters.http)) {
            section.put("http", endpoint(adapters.http, GatewayPorts.DEFAULT_HTTP));
        }
        if (GatewayPorts.enabled(adapters.coap)) {
            section.put("coap", endpoint(adapters.coap, GatewayPorts.DEFAULT_COAP));
        }
        return section;
    }

    private static Map<String, Object> commands(CommandsSpec commands) {
        Map<String, Object> section =
                map("enabled", true, "tenants", commands.tenants == null ? "" : String.join(",", commands.tenants));
        putIfSet(section, "maxPending", commands.maxPending);
        putIfSet(section, "unknownDevices", commands.unknownDevices == null ? null : commands.unknownDevices.value);
        return section;
    }

    private static Map<String, Object> endpoint(AdaptersSpec.Endpoint endpoint, int defaultPort) {
        return map(
                "enabled",
                true,
                "host",
                "0.0.0.0",
                "port",
                GatewayPorts.port(endpoint, defaultPort),
                "anonymous",
                Boolean.TRUE.equals(endpoint.anonymous));
    }

    private static Map<String, Object> route(RouteSpec route) {
        Map<String, Object> rendered = new LinkedHashMap<>();
        putIfSet(rendered, "name", route.name);
        rendered.put("from", route.from);
        rendered.put("to", route.to);
        putIfSet(rendered, "key", route.key);
        putIfSet(rendered, "qos", route.qos == null ? null : route.qos.value);
        putIfSet(rendered, "lane", route.lane == null ? null : route.lane.value);
        return rendered;
    }

    private static Map<String, Object> scan(DiscoverySpec scan) {
        Map<String, Object> rendered =
                map("name", scan.name, "protocol", scan.protocol.value(), "tenant", scan.tenant, "target", scan.target);
        putIfSet(rendered, "ports", scan.ports);
        putIfSet(rendered, "units", scan.units);
        putIfSet(rendered, "timeout", scan.timeout);
        putIfSet(rendered, "every", scan.every);
        return rendered;
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
