package io.fogbridge.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The folders HiveMQ CE needs, generated from our options so no HiveMQ file is ever edited by hand.
 *
 * <pre>
 * workDir/
 *   conf/config.xml   listeners, max packet size, receive maximum, in-memory persistence, usage statistics off
 *   data/             HiveMQ's data folder; must exist before start. Holds metadata only (in-memory persistence)
 *   extensions/       empty on purpose: our only extension is embedded, nothing is loaded from disk
 * </pre>
 *
 * <p>Persistence is in-memory: the spool, not the broker, is what must survive a crash, and file persistence costs
 * ~200 MB RSS and ~0.5 GB of disk (see ARCHITECTURE.md). QoS 1 messages to local subscribers that are offline when
 * the gateway restarts are therefore lost; they were never promised durability beyond the broker's lifetime.
 */
final class BrokerWorkDir {

    /** Largest max-packet-size HiveMQ accepts (its schema's upper bound; the MQTT limit plus header). */
    static final int MAX_PACKET_SIZE_LIMIT = 268_435_460;

    /**
     * Room for fixed header, topic, packet id and properties on top of the payload limit. The broker's packet limit is
     * only the coarse guard that stops absurd packets in the decoder; the exact payload limit is checked by
     * {@link UplinkPublishInterceptor}.
     */
    static final int HEADER_ROOM = 64 * 1024;

    /**
     * MQTT 5 receive maximum the broker announces: how many QoS 1 and 2 PUBLISHes a device may have unacknowledged.
     * HiveMQ's default (10) would cap a device's pipeline; behind the device relay each of them waits for its group
     * commit at once (decision 0001), so a window of 32 must fit.
     */
    static final int SERVER_RECEIVE_MAXIMUM = 64;

    /** The name of the broker's only listener behind the device relay: never a device listener's name. */
    static final String RELAY_LISTENER = "fogbridge-relay";

    private final Path root;

    BrokerWorkDir(Path root) {
        this.root = root.toAbsolutePath();
    }

    Path configFolder() {
        return root.resolve("conf");
    }

    Path dataFolder() {
        return root.resolve("data");
    }

    Path extensionsFolder() {
        return root.resolve("extensions");
    }

    /** Creates the folders and (re)writes config.xml, for plain listeners only. */
    void prepare(List<ListenerAddress> listeners, int maxPayloadBytes) {
        prepare(listeners, maxPayloadBytes, null);
    }

    /**
     * Creates the folders and (re)writes config.xml. The file names the TLS store passwords, so it is made readable by
     * its owner only where the file system supports it.
     */
    void prepare(List<ListenerAddress> listeners, int maxPayloadBytes, TlsStores tls) {
        write(configXml(listeners, BrokerWorkDir::listenerName, maxPayloadBytes + HEADER_ROOM, tls));
    }

    /**
     * Creates the folders and (re)writes config.xml for the broker behind the {@link DeviceRelay}: one plain listener
     * on {@code internal} (loopback), named {@link #RELAY_LISTENER}; the device listeners are the relay's.
     */
    void prepareBehindRelay(ListenerAddress internal, int maxPayloadBytes) {
        write(configXml(List.of(internal), index -> RELAY_LISTENER, maxPayloadBytes + HEADER_ROOM, null));
    }

    private void write(String xmlText) {
        try {
            Files.createDirectories(configFolder());
            Files.createDirectories(dataFolder());
            Files.createDirectories(extensionsFolder());
            Path config = configFolder().resolve("config.xml");
            Files.deleteIfExists(config);
            Files.createFile(config);
            try {
                Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the work dir's own permissions are what protect it
            }
            Files.writeString(config, xmlText, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the MQTT broker's folders under " + root, e);
        }
    }

    static String configXml(List<ListenerAddress> listeners, int maxPacketSize) {
        return configXml(listeners, maxPacketSize, null);
    }

    static String configXml(List<ListenerAddress> listeners, int maxPacketSize, TlsStores tls) {
        return configXml(listeners, BrokerWorkDir::listenerName, maxPacketSize, tls);
    }

    private static String configXml(
            List<ListenerAddress> listeners, IntFunction<String> names, int maxPacketSize, TlsStores tls) {
        StringBuilder xml = new StringBuilder();
        xml.append("<?xml version=\"1.0\"?>\n")
                .append("<!-- generated by Fogbridge on every start; edit the gateway config instead -->\n")
                .append("<hivemq>\n  <listeners>\n");
        int index = 0;
        for (ListenerAddress listener : listeners) {
            TlsStores.Stores stores = tls == null ? null : tls.storesOf(index);
            String element = listener.tls() == null ? "tcp-listener" : "tls-tcp-listener";
            xml.append("    <")
                    .append(element)
                    .append(">\n")
                    .append("      <port>")
                    .append(listener.port())
                    .append("</port>\n")
                    .append("      <bind-address>")
                    .append(escape(listener.host()))
                    .append("</bind-address>\n")
                    .append("      <name>")
                    .append(names.apply(index++))
                    .append("</name>\n");
            if (listener.tls() != null) {
                if (stores == null) {
                    throw new IllegalStateException("no TLS stores prepared for " + listener);
                }
                appendTls(xml, listener.tls(), stores);
            }
            xml.append("    </").append(element).append(">\n");
        }
        xml.append("  </listeners>\n")
                .append("  <mqtt>\n    <packets>\n      <max-packet-size>")
                .append(maxPacketSize)
                .append("</max-packet-size>\n    </packets>\n")
                .append("    <receive-maximum>\n      <server-receive-maximum>")
                .append(SERVER_RECEIVE_MAXIMUM)
                .append("</server-receive-maximum>\n    </receive-maximum>\n  </mqtt>\n")
                .append("  <persistence>\n    <mode>in-memory</mode>\n  </persistence>\n")
                // The jar's bundled config turns statistics on; an edge gateway must not phone home.
                .append(
                        "  <anonymous-usage-statistics>\n    <enabled>false</enabled>\n  </anonymous-usage-statistics>\n")
                .append("</hivemq>\n");
        return xml.toString();
    }

    /** The name HiveMQ reports for listener {@code index}; the authenticator looks anonymous access up by it. */
    static String listenerName(int index) {
        return "fogbridge-" + index;
    }

    private static void appendTls(StringBuilder xml, ListenerTls tls, TlsStores.Stores stores) {
        xml.append("      <tls>\n        <keystore>\n          <path>")
                .append(escape(stores.keyStore().toAbsolutePath().toString()))
                .append("</path>\n          <password>")
                .append(escape(stores.keyStorePassword()))
                .append("</password>\n          <private-key-password>")
                .append(escape(stores.keyStorePassword()))
                .append("</private-key-password>\n        </keystore>\n");
        if (stores.trustStore() != null) {
            xml.append("        <truststore>\n          <path>")
                    .append(escape(stores.trustStore().toAbsolutePath().toString()))
                    .append("</path>\n          <password>")
                    .append(escape(stores.trustStorePassword()))
                    .append("</password>\n        </truststore>\n");
        }
        xml.append("        <client-authentication-mode>")
                .append(tls.clientAuth().name())
                .append("</client-authentication-mode>\n")
                // TLS 1.0/1.1 are broken; HiveMQ would otherwise enable whatever the JDK allows.
                .append("        <protocols>\n          <protocol>TLSv1.3</protocol>\n")
                .append("          <protocol>TLSv1.2</protocol>\n        </protocols>\n      </tls>\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
