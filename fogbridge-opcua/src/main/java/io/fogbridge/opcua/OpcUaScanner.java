package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.fogbridge.api.discovery.FieldScanner;
import io.fogbridge.api.discovery.ProposedDevice;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ApplicationType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;

/**
 * {@code fogbridge discover opcua <discovery url> [--depth 4] [--max-items 50]} with the connection options of
 * {@code fogbridge opcua browse}: asks the discovery endpoint for its servers (FindServers; any server answers for
 * itself, a local discovery server for those registered with it), each server for its endpoints (GetEndpoints), and
 * browses each one's Objects folder for variables ({@link VariableWalk}, bounded by depth, nodes and items). Each
 * server with at least one variable is proposed as an endpoint: its URL, a security policy and mode it offers (None
 * when offered, since a Device's endpoint runs with None until the gateway's certificate is mounted; else the
 * strongest), and one item per variable. Everything else it saw goes into the notes: the other security modes, the
 * logins, each variable's data type and whether the server lets it be written ({@code writable} is never proposed:
 * allowing writes is for the person who approves).
 *
 * <p>A server that announces a host name of its own at the port the discovery URL named is proposed at the
 * discovery URL's host: that is the address that answered, as the converter's connection does it too.
 */
public final class OpcUaScanner implements FieldScanner {

    private static final Set<String> OPTIONS = Set.of("--depth", "--max-items", "--timeout");

    @Override
    public String protocol() {
        return "opcua";
    }

    @Override
    public String usage() {
        return "<opc.tcp:// discovery url> [--depth 4] [--max-items 50] [--timeout 10s] " + ToolConnection.USAGE
                + ": the servers the URL knows, their endpoints' security and the variables below Objects";
    }

    /** What to scan, parsed from the arguments. */
    private record Plan(ToolConnection connection, int depth, int maxItems, long timeout) {}

    private static Plan plan(List<String> args) throws UsageError {
        try {
            ToolConnection connection = ToolConnection.parse(args, OPTIONS);
            Plan plan = new Plan(
                    connection,
                    number(connection, "--depth", 4, 8),
                    number(connection, "--max-items", 50, 1000),
                    seconds(connection));
            if (!connection.positional().isEmpty()) {
                throw new UsageError(
                        "unexpected argument " + connection.positional().getFirst());
            }
            connection.endpoint();
            return plan;
        } catch (ToolConnection.UsageError e) {
            throw new UsageError(e.getMessage());
        }
    }

    @Override
    public void check(List<String> args) throws UsageError {
        plan(args);
    }

    @Override
    public List<ProposedDevice> scan(List<String> args, PrintStream progress) throws Exception {
        Plan plan = plan(args);
        ToolConnection connection = plan.connection();
        int depth = plan.depth();
        int maxItems = plan.maxItems();
        long timeout = plan.timeout();
        URI discovery = URI.create(connection.url());
        List<ApplicationDescription> servers = DiscoveryClient.findServers(
                        connection.url(), transport -> transport.setConnectTimeout(uint(timeout * 1000)))
                .get(timeout, TimeUnit.SECONDS);
        List<ProposedDevice> found = new ArrayList<>();
        for (ApplicationDescription server : servers) {
            if (server.getApplicationType() == ApplicationType.DiscoveryServer) {
                continue;
            }
            String url = serverUrl(server, discovery);
            if (url == null) {
                progress.printf("opcua: %s has no opc.tcp discovery URL: left out%n", server.getApplicationUri());
                continue;
            }
            ProposedDevice device = propose(server, url, connection, depth, maxItems, timeout, progress);
            if (device != null) {
                found.add(device);
            }
        }
        found.sort(Comparator.comparing(ProposedDevice::endpoint));
        progress.printf("opcua: %d server(s) at %s, %d proposed%n", servers.size(), connection.url(), found.size());
        return found;
    }

    private static ProposedDevice propose(
            ApplicationDescription server,
            String url,
            ToolConnection given,
            int depth,
            int maxItems,
            long timeout,
            PrintStream progress)
            throws Exception {
        List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(
                        url, transport -> transport.setConnectTimeout(uint(timeout * 1000)))
                .get(timeout, TimeUnit.SECONDS);
        List<EndpointDescription> offered = endpoints.stream()
                .filter(e ->
                        SecurityPolicy.fromUriSafe(e.getSecurityPolicyUri()).isPresent())
                .sorted(Comparator.comparing(
                                (EndpointDescription e) -> e.getSecurityLevel().intValue())
                        .reversed())
                .toList();
        if (offered.isEmpty()) {
            progress.printf("opcua: %s offers no security policy this gateway knows: left out%n", url);
            return null;
        }
        EndpointDescription chosen = offered.stream()
                .filter(e -> e.getSecurityMode() == MessageSecurityMode.None)
                .findFirst()
                .orElse(offered.getFirst());
        String policy = policyName(chosen);
        String mode = chosen.getSecurityMode().name();

        ToolConnection connection = given.withUrl(url);
        if (!given.policyGiven() && !policy.equals("None")) {
            progress.printf(
                    "opcua: %s offers no security None: browse it with --policy %s --mode %s --data-dir"
                            + " <gateway.dataDir>; left out%n",
                    url, policy, mode);
            return null;
        }
        OpcUaClient client = connection.connect("Fogbridge discover", progress);
        if (client == null) {
            return null;
        }
        List<VariableWalk.Variable> variables;
        try {
            variables = new VariableWalk(client, depth, maxItems, timeout).variables();
        } finally {
            client.disconnectAsync().get(timeout, TimeUnit.SECONDS);
        }
        if (variables.isEmpty()) {
            progress.printf("opcua: %s has no variables below Objects (depth %d): left out%n", url, depth);
            return null;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        notes.add("server " + server.getApplicationName().text() + " (" + server.getApplicationUri() + ")");
        notes.add("offers "
                + String.join(
                        ", ",
                        offered.stream()
                                .map(e -> policyName(e) + "/"
                                        + e.getSecurityMode().name())
                                .distinct()
                                .toList()));
        notes.add("logins " + String.join(", ", logins(offered)));
        for (VariableWalk.Variable variable : variables) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", variable.name());
            item.put("nodeId", variable.nodeId());
            items.add(item);
            notes.add(variable.name() + " " + variable.nodeId() + " " + variable.dataType() + " " + variable.access());
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("url", url);
        section.put("securityPolicy", policy);
        section.put("securityMode", mode);
        section.put("items", items);
        progress.printf("opcua: %s (%s/%s) with %d variable(s)%n", url, policy, mode, items.size());
        return new ProposedDevice("opcua", url, section, notes);
    }

    /** The server's first opc.tcp discovery URL; at the discovery URL's host when it is at the port asked. */
    static String serverUrl(ApplicationDescription server, URI discovery) {
        String[] urls = server.getDiscoveryUrls();
        if (urls == null) {
            return null;
        }
        for (String text : urls) {
            if (text == null || !text.startsWith("opc.tcp://")) {
                continue;
            }
            URI url = URI.create(text);
            int port = url.getPort() == -1 ? 4840 : url.getPort();
            int asked = discovery.getPort() == -1 ? 4840 : discovery.getPort();
            String host = port == asked ? discovery.getHost() : url.getHost();
            String path = url.getRawPath() == null ? "" : url.getRawPath();
            return "opc.tcp://" + host + ":" + port + path;
        }
        return null;
    }

    private static String policyName(EndpointDescription endpoint) {
        return SecurityPolicy.fromUriSafe(endpoint.getSecurityPolicyUri())
                .map(SecurityPolicy::name)
                .orElse("?");
    }

    private static Set<String> logins(List<EndpointDescription> endpoints) {
        Set<String> logins = new LinkedHashSet<>();
        for (EndpointDescription endpoint : endpoints) {
            UserTokenPolicy[] tokens = endpoint.getUserIdentityTokens();
            if (tokens != null) {
                Arrays.stream(tokens)
                        .forEach(t -> logins.add(
                                switch (t.getTokenType()) {
                                    case Anonymous -> "anonymous";
                                    case UserName -> "username";
                                    case Certificate -> "certificate";
                                    default -> t.getTokenType().name().toLowerCase(java.util.Locale.ROOT);
                                }));
            }
        }
        return logins;
    }

    /** {@code --timeout}: each discovery request, browse and read; whole seconds, 1 to 120 (default 10). */
    private static long seconds(ToolConnection connection) throws UsageError {
        String text = connection.option("--timeout").orElse("10s");
        try {
            long seconds = io.fogbridge.api.config.Units.parseDuration(text).toSeconds();
            if (seconds >= 1 && seconds <= 120) {
                return seconds;
            }
        } catch (IllegalArgumentException e) {
            // said below
        }
        throw new UsageError("--timeout: expected 1s to 120s, got '" + text + "'");
    }

    private static int number(ToolConnection connection, String option, int fallback, int max) throws UsageError {
        String text = connection.option(option).orElse(null);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UsageError(option + ": expected a number from 1 to " + max + ", got '" + text + "'");
    }
}
