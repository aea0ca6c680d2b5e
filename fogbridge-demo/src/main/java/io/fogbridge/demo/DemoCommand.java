package io.fogbridge.demo;

import io.fogbridge.gateway.Gateway;
import io.fogbridge.gateway.cli.FatalErrorHandler;
import io.fogbridge.gateway.cli.LiveStatus;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.kafka.ForwarderState;
import io.fogbridge.localkafka.KafkaBroker;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run Kafka, the gateway and simulated devices, all on embedded defaults.",
            "Starts a single-node Kafka (KRaft), the gateway with its embedded MQTT broker, and a simulated",
            "plant (two lathes, a water tank). Devices connect over TLS with per-device passwords, made fresh for",
            "every run in the data dir (development CA, server certificate, device registry). A third lathe is a",
            "Modbus TCP PLC in the same process, polled by the gateway's Modbus converter and deadbanded by a",
            "reduction rule; a second tank is an OPC UA server (Eclipse Milo) in the same process, subscribed by the",
            "gateway's OPC UA converter. Ctrl-C stops everything."
        })
final class DemoCommand implements Callable<Integer> {

    /** Without a terminal (a pipe, a log file) the status is a plain line this often. */
    static final Duration PLAIN_STATUS_INTERVAL = Duration.ofSeconds(5);

    @Option(
            names = "--data-dir",
            defaultValue = ".fogbridge/demo",
            description = "where Kafka and the spool keep their data; wiped at start (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(
            names = "--rate",
            defaultValue = "10",
            description = "readings per second per device (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", description = "stop after this many seconds (default: run until Ctrl-C)")
    Long durationSeconds;

    @Option(
            names = "--mqtt-port",
            defaultValue = "1883",
            description = "preferred MQTT port; a free one if taken (default: ${DEFAULT-VALUE})")
    int mqttPort;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "preferred Kafka port; a free one if taken (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "preferred port of /healthz /readyz /metrics (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Files.createDirectories(dataDir.toAbsolutePath().getParent());
        // Two demos on one data dir would wipe each other's Kafka log: hold a lock beside it for the run.
        FileChannel lockFile = FileChannel.open(
                dataDir.resolveSibling(dataDir.getFileName() + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        if (lockFile.tryLock() == null) {
            System.err.println(
                    "another fogbridge demo is running with data dir " + dataDir + "; stop it or pass --data-dir");
            return 2;
        }
        wipe(dataDir);
        Files.createDirectories(dataDir);
        // Milo's server builds its standard address space for about a second: beside Kafka's start, not after it
        CompletableFuture<OpcUaTank> tankStart = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("demo-opcua-start").start(() -> {
            try {
                tankStart.complete(OpcUaTank.start());
            } catch (Throwable e) {
                tankStart.completeExceptionally(e);
            }
        });
        int kafka = available(kafkaPort);
        out.println("Starting Kafka (single node, KRaft) on 127.0.0.1:" + kafka + " ...");
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(dataDir.resolve("kafka"), kafka);
        } catch (Exception e) {
            tankStart.thenAccept(OpcUaTank::close);
            throw e;
        }
        DemoSecurity security = DemoSecurity.create(dataDir.resolve("security"));
        ModbusPlc plc;
        OpcUaTank tank;
        try {
            plc = ModbusPlc.start();
        } catch (Exception e) {
            tankStart.thenAccept(OpcUaTank::close);
            broker.close();
            throw e;
        }
        try {
            tank = tankStart.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            plc.close();
            broker.close();
            throw e;
        }
        out.println("Modbus PLC of lathe-3 (unit 1) on 127.0.0.1:" + plc.port());
        out.println("OPC UA server of tank-2 on " + tank.url());
        GatewayConfig config =
                demoConfig(security, broker.port(), available(mqttPort), available(httpPort), plc.port(), tank.port());
        out.println("Starting the gateway ...");
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
            // HiveMQ's start replaced the handler that halts on an Error (see RunCommand): put it back
            FatalErrorHandler.install();
        } catch (Exception e) {
            tank.close();
            plc.close();
            broker.close();
            throw e;
        }
        int mqtt = gateway.mqttPorts().get(0);
        DemoDevices devices = new DemoDevices("plant-1", "127.0.0.1", mqtt, security);
        CountDownLatch done = new CountDownLatch(1);
        LiveStatus status = LiveStatus.onStdout(PLAIN_STATUS_INTERVAL);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            status.finish(); // Ctrl-C: the shell's prompt goes below the status, not into it
                            devices.close();
                            gateway.close();
                            tank.close();
                            plc.close();
                            broker.close();
                            done.countDown();
                        },
                        "demo-shutdown"));
        devices.start(rate);
        printHowToWatch(out, broker.bootstrapServers(), mqtt, gateway.httpPort(), security, plc.port(), tank.url());

        long deadline = durationSeconds == null
                ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
        while (System.nanoTime() < deadline && done.getCount() > 0) {
            status.show(status(gateway, devices));
            done.await(1, TimeUnit.SECONDS);
        }
        if (done.getCount() > 0) {
            status.finish();
            out.println();
            out.println("demo finished: " + statusLine(gateway, devices));
            // Leave a clean exit to the shutdown hook: it runs on System.exit as on Ctrl-C.
        }
        return 0;
    }

    private GatewayConfig demoConfig(DemoSecurity security, int kafka, int mqtt, int http, int modbus, int opcua)
            throws Exception {
        String yaml;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        yaml = yaml.replace("${dataDir}", "\"" + dataDir.resolve("gateway").toAbsolutePath() + "\"")
                .replace("${kafkaPort}", Integer.toString(kafka))
                .replace("${mqttPort}", Integer.toString(mqtt))
                .replace("${httpPort}", Integer.toString(http))
                .replace("${modbusPort}", Integer.toString(modbus))
                .replace("${opcuaPort}", Integer.toString(opcua))
                // the PLC is polled as often as the MQTT devices publish
                .replace("${modbusInterval}", Math.max(10, 1000 / Math.max(1, rate)) + "ms")
                .replace("${registry}", quoted(security.registryFile()))
                .replace("${certFile}", quoted(security.certFile()))
                .replace("${keyFile}", quoted(security.keyFile()));
        return ConfigLoader.load("demo.yaml", yaml, Map.of());
    }

    private static String quoted(Path file) {
        return "\"" + file.toAbsolutePath() + "\"";
    }

    static String statusLine(Gateway gateway, DemoDevices devices) {
        return String.join(" | ", status(gateway, devices));
    }

    /** Two short lines, so the block fits an 80-column terminal and redraws in place. */
    static List<String> status(Gateway gateway, DemoDevices devices) {
        long received = (long) gateway.registry().find("fogbridge.mqtt.received").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        var spool = gateway.spool().glance();
        long deadbanded = (long) gateway.registry().find("fogbridge.reduction.suppressed").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
        ForwarderState forwarder = gateway.forwarder().state();
        return List.of(
                String.format(
                        "received %,d | reduced away %,d | spooled %,d | in Kafka %,d",
                        received, deadbanded, spool.appended(), forwarder.ackedRecords()),
                String.format(
                        "backlog %,d | devices acked %,d | Kafka %s",
                        spool.records(),
                        devices.acknowledged(),
                        forwarder.connected() ? "connected" : "NOT connected"));
    }

    private static void printHowToWatch(
            PrintStream out, String bootstrap, int mqtt, int http, DemoSecurity security, int modbus, String opcua) {
        Path ca = security.caFile().toAbsolutePath();
        out.println();
        out.println("Fogbridge demo is running. MQTT is TLS only (" + "127.0.0.1:" + mqtt + ", CA " + ca + ");");
        out.println("devices log in with their own random password: plc-bridge@demo (lathes 1-2), tank-1@demo.");
        out.println("Registry (bcrypt hashes only): " + security.registryFile().toAbsolutePath());
        out.println("Watch the data:");
        out.println(
                "  kcat -b " + bootstrap
                        + " -C -t fog.telemetry.plant-1 -f '%k %h %s\\n'   # lathes 1-2 (MQTT, 'lathes' route), lathe-3 (Modbus)");
        out.println("  kcat -b " + bootstrap
                + " -C -t fog.telemetry.demo -t fog.event.demo -f '%t %k %s\\n'   # the water tank");
        out.println(
                "  mosquitto_sub -h 127.0.0.1 -p " + mqtt + " --cafile " + ca + " -u " + security.username("watcher")
                        + " -P " + security.password("watcher")
                        + " -t 'factory/#' -t 'telemetry/demo/#' -t 'event/demo/#' -v   # the local bus, read-only");
        out.println("  curl -s http://127.0.0.1:" + http + "/readyz ; curl -s http://127.0.0.1:" + http
                + "/metrics | grep -E 'fogbridge_(modbus|opcua|reduction)'");
        out.println("lathe-3 is a Modbus TCP PLC on 127.0.0.1:" + modbus
                + " (unit 1), polled by the gateway; its polls reach"
                + " Kafka only when rpm, temp or load leave their deadband, or every 5 s:");
        out.println("  mbpoll -m tcp -p " + modbus + " -a 1 -0 -1 -t 3 -r 0 -c 2 127.0.0.1"
                + "   # the PLC's input registers: temp and load, in tenths");
        out.println("tank-2 is an OPC UA server on " + opcua + " (Eclipse Milo), subscribed by the gateway; its"
                + " records go to fog.telemetry.plant-1 with key tank-2:");
        out.println("  bin/fogbridge opcua browse " + opcua + "   # its node ids, types and access");
        out.println("  echo '{\"setpoint\": 80}' | kcat -P -b " + bootstrap + " -t fog.command.plant-1 -k tank-2"
                + " -H subject=write -H correlation-id=demo-3 -H response-required=true -H ttl=30000"
                + "   # an OPC UA Write; the answer in fog.command_response.plant-1");
        out.println("Close the tank's valve (its next telemetry shows \"valve\":\"closed\"; send open to reopen it):");
        out.println("  echo closed | kcat -P -b " + bootstrap + " -t fog.command.demo -k tank-1 -H subject=setValve"
                + " -H correlation-id=demo-1 -H response-required=true -H ttl=30000");
        out.println("  kcat -b " + bootstrap + " -C -t fog.command_response.demo -f '%k %h %s\\n'"
                + "   # the tank's answer: correlation-id=demo-1, status=200");
        out.println("Ctrl-C stops everything.");
        out.println();
    }

    private static int available(int preferred) {
        try (ServerSocket socket = new ServerSocket(preferred, 1, java.net.InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException taken) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }
    }

    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
