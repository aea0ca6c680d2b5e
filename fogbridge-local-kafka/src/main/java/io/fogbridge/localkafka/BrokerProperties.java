package io.fogbridge.localkafka;

import java.util.Map;
import java.util.Properties;

/**
 * The server properties of the single-node KRaft broker ({@link KafkaBroker}): one node, replication factor 1
 * everywhere, and small thread pools and buffers so it starts in a few seconds and stays light
 * inside a test or demo JVM that shares two cores with everything else.
 */
final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {}

    static Properties of(
            BrokerLayout layout, int advertisedPort, String clientSecurityProtocol, Map<String, String> overrides) {
        String host = "127.0.0.1";
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + host + ":" + layout.controllerPort());
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty(
                "listeners",
                "CLIENT://" + host + ":" + layout.clientPort() + ",INTERNAL://" + host + ":" + layout.internalPort()
                        + ",CONTROLLER://" + host + ":" + layout.controllerPort());
        p.setProperty(
                "advertised.listeners",
                "CLIENT://" + host + ":" + advertisedPort + ",INTERNAL://" + host + ":" + layout.internalPort());
        p.setProperty(
                "listener.security.protocol.map",
                "CLIENT:" + clientSecurityProtocol + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "INTERNAL");
        p.setProperty("log.dirs", layout.logDir().toString());
        p.setProperty("metadata.log.dir", layout.logDir().toString());

        // Single node: every internal topic with one replica and one partition (50 offsets
        // partitions would cost seconds at start).
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");

        // Light: few threads, small cleaner buffer (default 128 MiB), small preallocated indexes.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("num.replica.fetchers", "1");
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        p.setProperty("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        p.setProperty("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }
}
