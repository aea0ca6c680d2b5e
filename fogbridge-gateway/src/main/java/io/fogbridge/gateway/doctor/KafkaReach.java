package io.fogbridge.gateway.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether each Kafka bootstrap server's name resolves and its port takes a TCP connection within a timeout. Says
 * nothing about TLS or credentials: the gateway's start log and {@code /readyz} do. Stateless.
 */
final class KafkaReach {

    private KafkaReach() {}

    /** One finding for {@code bootstrapServers} ({@code host:port,host:port}). */
    static Finding check(String bootstrapServers, Duration timeout) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            return Finding.warn(
                    "kafka", "no bootstrap servers given", "pass --config <gateway.yaml> or --kafka host:port");
        }
        List<String> problems = new ArrayList<>();
        List<String> reached = new ArrayList<>();
        boolean unresolved = false;
        for (String server : bootstrapServers.split(",")) {
            String hostPort = server.trim().replaceFirst("^[A-Za-z_]+://", "");
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                problems.add(hostPort + ": not host:port");
                continue;
            }
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                problems.add(hostPort + ": not host:port");
                continue;
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                unresolved = true;
                problems.add(host + " does not resolve");
                continue;
            }
            try (Socket socket = new Socket()) {
                long start = System.nanoTime();
                socket.connect(new InetSocketAddress(address, port), Math.toIntExact(timeout.toMillis()));
                reached.add(hostPort + " (" + address.getHostAddress() + ") answers in "
                        + (System.nanoTime() - start) / 1_000_000 + " ms");
            } catch (IOException e) {
                problems.add(hostPort + " (" + address.getHostAddress() + ") does not answer: " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            return Finding.ok("kafka", String.join("; ", reached));
        }
        String detail = String.join("; ", problems) + (reached.isEmpty() ? "" : "; " + String.join("; ", reached));
        String advice = unresolved
                ? "the gateway starts and spools, but forwards nothing until the name resolves: check /etc/resolv.conf,"
                        + " the DNS server, or add the name to /etc/hosts"
                : "the gateway starts and spools, but forwards nothing until Kafka answers: check the address, the"
                        + " firewall (outbound TCP to the port) and whether Kafka is up";
        return reached.isEmpty()
                ? Finding.fail("kafka", detail, advice)
                : Finding.warn("kafka", detail, "one bootstrap server is enough to start; " + advice);
    }
}
