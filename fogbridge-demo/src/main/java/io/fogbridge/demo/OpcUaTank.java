package io.fogbridge.demo;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.transport.TransportProfile;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * The demo's OPC UA tank, {@code tank-2}: an OPC UA server (Eclipse Milo's server SDK) in the demo's own process on a
 * free loopback port, {@code opc.tcp://127.0.0.1:<port>/tank}, security None and anonymous (loopback only). Its
 * controller fills the tank while the level is under the setpoint's band and lets it drain above it, so the level
 * saws up and down; writing {@code Tank.Setpoint} moves the band. Address space (namespace
 * {@code urn:fogbridge:demo:tank}, index 2), under the Objects folder:
 *
 * <pre>
 * ns=2;s=Tank              Folder
 *   ns=2;s=Tank.Level        Double   level, % of the tank, updated ten times a second
 *   ns=2;s=Tank.Setpoint     Double   the level the controller holds (±5), writable; 60 at start
 *   ns=2;s=Tank.InletOpen    Boolean  whether the controller has the inlet open
 *   ns=2;s=Tank.Temperature  Double   water temperature, °C, drifting slowly
 * </pre>
 *
 * Started once, closed once; the values change on its own daemon thread.
 */
final class OpcUaTank implements AutoCloseable {

    static final String NAMESPACE = "urn:fogbridge:demo:tank";

    private final OpcUaServer server;
    private final TankNamespace namespace;
    private final int port;
    private final Random noise = new Random(5);
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-opcua-tank");
        t.setDaemon(true);
        return t;
    });
    private double level = 50;
    private boolean inletOpen = true;

    private OpcUaTank(int port) {
        this.port = port;
        EndpointConfig endpoint = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress("127.0.0.1")
                .setBindPort(port)
                .setHostname("127.0.0.1")
                .setPath("/tank")
                .setSecurityPolicy(SecurityPolicy.None)
                .setSecurityMode(MessageSecurityMode.None)
                .addTokenPolicies(USER_TOKEN_POLICY_ANONYMOUS)
                .build();
        OpcUaServerConfig config = OpcUaServerConfig.builder()
                .setApplicationUri("urn:fogbridge:demo:tank-2")
                .setProductUri("urn:fogbridge:demo")
                .setApplicationName(LocalizedText.english("Fogbridge demo tank"))
                .setEndpoints(Set.of(endpoint))
                .build();
        server = new OpcUaServer(
                config,
                profile -> new OpcTcpServerTransport(
                        OpcTcpServerTransportConfig.newBuilder().build()));
        namespace = new TankNamespace(server);
        namespace.startup();
    }

    /** A tank listening on a free loopback port, its nodes holding their first values. */
    static OpcUaTank start() throws Exception {
        OpcUaTank tank = new OpcUaTank(freePort());
        tank.server.startup().get(30, TimeUnit.SECONDS);
        tank.ticker.scheduleAtFixedRate(tank::update, 100, 100, TimeUnit.MILLISECONDS);
        return tank;
    }

    int port() {
        return port;
    }

    String url() {
        return "opc.tcp://127.0.0.1:" + port + "/tank";
    }

    /** One tick: the controller opens the inlet under setpoint - 5 and closes it over setpoint + 5. */
    private void update() {
        double setpoint = namespace.setpoint();
        if (level < setpoint - 5) {
            inletOpen = true;
        } else if (level > setpoint + 5) {
            inletOpen = false;
        }
        double outflow = 0.2 + 0.03 * noise.nextGaussian();
        level = Math.max(0, Math.min(100, level + (inletOpen ? 0.5 : 0) - outflow));
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double temperature = 18 + 2 * Math.sin(2 * Math.PI * seconds / 120) + 0.02 * noise.nextGaussian();
        namespace.show(Math.round(level * 100) / 100.0, inletOpen, Math.round(temperature * 100) / 100.0);
    }

    // The transport binds the port it is given: ask the OS for a free one.
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        namespace.shutdown();
        try {
            server.shutdown().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // stopping the demo: nothing left to do with a server that would not stop cleanly
        }
    }

    /** The tank's nodes; Milo's subscription model samples them for the monitored items. */
    private static final class TankNamespace extends ManagedNamespaceWithLifecycle {

        private final SubscriptionModel subscriptions;
        private UaVariableNode level;
        private UaVariableNode setpoint;
        private UaVariableNode inletOpen;
        private UaVariableNode temperature;

        TankNamespace(OpcUaServer server) {
            super(server, NAMESPACE);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(this::addNodes);
        }

        private void addNodes() {
            UaFolderNode tank = new UaFolderNode(
                    getNodeContext(), newNodeId("Tank"), newQualifiedName("Tank"), LocalizedText.english("Tank"));
            getNodeManager().addNode(tank);
            tank.addReference(
                    new Reference(tank.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
            level = variable(tank, "Level", NodeIds.Double, 50.0, false);
            setpoint = variable(tank, "Setpoint", NodeIds.Double, 60.0, true);
            inletOpen = variable(tank, "InletOpen", NodeIds.Boolean, true, false);
            temperature = variable(tank, "Temperature", NodeIds.Double, 18.0, false);
        }

        private UaVariableNode variable(UaFolderNode tank, String name, NodeId type, Object value, boolean writable) {
            UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId("Tank." + name))
                    .setBrowseName(newQualifiedName(name))
                    .setDisplayName(LocalizedText.english(name))
                    .setDataType(type)
                    .setTypeDefinition(NodeIds.BaseDataVariableType)
                    .setAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                    .setUserAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                    .setMinimumSamplingInterval(100.0)
                    .build();
            node.setValue(new DataValue(new Variant(value)));
            getNodeManager().addNode(node);
            tank.addOrganizes(node);
            return node;
        }

        /** The setpoint as last written; a value that is not a number leaves the controller where it was. */
        double setpoint() {
            return setpoint != null && setpoint.getValue().value().value() instanceof Double d ? d : 60.0;
        }

        void show(double levelPercent, boolean open, double celsius) {
            if (level == null) {
                return; // not started yet
            }
            level.setValue(new DataValue(new Variant(levelPercent)));
            if (!Boolean.valueOf(open).equals(inletOpen.getValue().value().value())) {
                inletOpen.setValue(new DataValue(new Variant(open)));
            }
            temperature.setValue(new DataValue(new Variant(celsius)));
        }

        @Override
        public void onDataItemsCreated(List<DataItem> items) {
            subscriptions.onDataItemsCreated(items);
        }

        @Override
        public void onDataItemsModified(List<DataItem> items) {
            subscriptions.onDataItemsModified(items);
        }

        @Override
        public void onDataItemsDeleted(List<DataItem> items) {
            subscriptions.onDataItemsDeleted(items);
        }

        @Override
        public void onMonitoringModeChanged(List<MonitoredItem> items) {
            subscriptions.onMonitoringModeChanged(items);
        }
    }
}
