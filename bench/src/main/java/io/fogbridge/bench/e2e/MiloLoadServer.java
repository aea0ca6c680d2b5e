package io.fogbridge.bench.e2e;

import static org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
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
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;

/**
 * The OPC UA load server of {@code bench/opcua-bench.sh} with {@code --server milo} (the default; BENCHMARKS.md, "OPC
 * UA"), as its own process: Eclipse Milo's server SDK with {@code items} Double variables {@code ns=1;s=v0 ..
 * ns=1;s=v<items-1>} under the folder {@code ns=1;s=Load}, every one set to a new value with the current time as its
 * source timestamp every {@code interval} ms, so a subscription sampling them at that interval gets {@code items *
 * 1000 / interval} notifications per second, each carrying the time it was made. The same load as node-opcua's
 * {@code opcua_load.js}, on a server that is not the bottleneck.
 *
 * <p>Usage: {@code MiloLoadServer <port> <items> <interval ms>}; prints {@code READY <url>} when it listens; security
 * None, anonymous, {@code opc.tcp://127.0.0.1:<port>/load}. Runs until killed.
 */
public final class MiloLoadServer {

    /**
     * The namespace of the variables, also the server's application URI: Milo then gives it index 1, as node-opcua
     * does its own, so both servers have the same node ids.
     */
    private static final String NAMESPACE = "urn:fogbridge:bench:load";

    private MiloLoadServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int items = Integer.parseInt(args[1]);
        int interval = Integer.parseInt(args[2]);
        EndpointConfig endpoint = EndpointConfig.newBuilder()
                .setTransportProfile(TransportProfile.TCP_UASC_UABINARY)
                .setBindAddress("127.0.0.1")
                .setBindPort(port)
                .setHostname("127.0.0.1")
                .setPath("/load")
                .setSecurityPolicy(SecurityPolicy.None)
                .setSecurityMode(MessageSecurityMode.None)
                .addTokenPolicies(USER_TOKEN_POLICY_ANONYMOUS)
                .build();
        OpcUaServer server = new OpcUaServer(
                OpcUaServerConfig.builder()
                        .setApplicationUri(NAMESPACE)
                        .setProductUri("urn:fogbridge:bench")
                        .setApplicationName(LocalizedText.english("Fogbridge bench load server"))
                        .setEndpoints(Set.of(endpoint))
                        .build(),
                profile -> new OpcTcpServerTransport(
                        OpcTcpServerTransportConfig.newBuilder().build()));
        LoadNamespace namespace = new LoadNamespace(server, items);
        namespace.startup();
        server.startup().get(60, TimeUnit.SECONDS);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long[] tick = {0};
        ticker.scheduleAtFixedRate(
                () -> {
                    tick[0]++;
                    DateTime now = DateTime.now();
                    List<UaVariableNode> nodes = namespace.nodes;
                    for (int i = 0; i < nodes.size(); i++) {
                        nodes.get(i)
                                .setValue(
                                        new DataValue(new Variant(tick[0] + i / 100000.0), StatusCode.GOOD, now, now));
                    }
                },
                interval,
                interval,
                TimeUnit.MILLISECONDS);
        System.out.println("READY opc.tcp://127.0.0.1:" + port + "/load");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static final class LoadNamespace extends ManagedNamespaceWithLifecycle {

        private final SubscriptionModel subscriptions;
        final List<UaVariableNode> nodes = new ArrayList<>();

        LoadNamespace(OpcUaServer server, int items) {
            super(server, NAMESPACE);
            subscriptions = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(subscriptions);
            getLifecycleManager().addStartupTask(() -> {
                UaFolderNode folder = new UaFolderNode(
                        getNodeContext(), newNodeId("Load"), newQualifiedName("Load"), LocalizedText.english("Load"));
                getNodeManager().addNode(folder);
                folder.addReference(
                        new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
                for (int i = 0; i < items; i++) {
                    UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                            .setNodeId(newNodeId("v" + i))
                            .setBrowseName(newQualifiedName("v" + i))
                            .setDisplayName(LocalizedText.english("v" + i))
                            .setDataType(NodeIds.Double)
                            .setTypeDefinition(NodeIds.BaseDataVariableType)
                            .setAccessLevel(AccessLevel.READ_ONLY)
                            .setUserAccessLevel(AccessLevel.READ_ONLY)
                            .setMinimumSamplingInterval(50.0)
                            .build();
                    node.setValue(new DataValue(new Variant(0.0)));
                    getNodeManager().addNode(node);
                    folder.addOrganizes(node);
                    nodes.add(node);
                }
            });
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
