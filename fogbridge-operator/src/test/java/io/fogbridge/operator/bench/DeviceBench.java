package io.fogbridge.operator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fogbridge.gateway.twin.KafkaTwinSink;
import io.fogbridge.gateway.twin.TwinReporter;
import io.fogbridge.gateway.twin.TwinSink;
import io.fogbridge.localkafka.KafkaBroker;
import io.fogbridge.operator.Devices;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Condition;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.DeviceProperty;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.registry.PasswordHasher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The three Device benchmarks against fabric8's mock API server (CRUD), with the operator in a process of its
 * own ({@link BenchOperator}: its heap, RSS and CPU are its own; the mock server, an in-process Kafka and the load are
 * this process's):
 *
 * <ol>
 *   <li><b>Cold:</b> G Gateways (default 100, in 10 namespaces) with D Devices each (default 100: four MQTT devices with
 *       a bcrypt hash in their Gateway's credentials Secret to every Modbus device) exist before the operator starts.
 *       Time until every Device says {@code Registered=True} for its generation (its Gateway's registry Secret lists
 *       it) and every Gateway {@code Reconciled=True}; the API requests it took, by method and kind; the operator's
 *       heap after a full GC, RSS and peak RSS.
 *   <li><b>Idle:</b> 30 s with nothing changing: the operator's CPU and requests.
 *   <li><b>One change among all:</b> a Modbus Device's port changes, C times (a different Gateway each time): the
 *       time until its Gateway's devices Secret and ConfigMap were rewritten (watched, not polled) and until the
 *       Device reported its new generation registered; the operator's CPU and every write in the window, split into
 *       the changed Gateway's objects and the others'.
 *   <li><b>Status load:</b> every Device reports at 1 Hz a value that changes every time, through the gateway's own
 *       {@link TwinReporter} (one per Gateway, default {@code reportInterval} 10 s, one round a second as the gateway's
 *       twin stage) and {@link KafkaTwinSink} into {@code fog.twin.acme} of a real Kafka; the operator's
 *       {@code KafkaTwinConsumer} writes them. Devices start a millisecond apart, so the rounds are spread as gateways
 *       started at different times would spread them. Over S seconds (default 60, after 15 of warm-up): updates
 *       offered per second, status writes per second the mock server received, every other request, the operator's
 *       CPU; then how long the writes go on once the load stops (the consumer's backlog).
 * </ol>
 *
 * Not a test: run by {@code bench/operator-bench.sh devices}; figures in BENCHMARKS.md ("Devices"). The operator's JVM
 * options come from {@code -Dbench.operatorJvm} (the script's default: {@code -XX:MaxRAM=256m -XX:+UseSerialGC}, the
 * heap and the collector the JVM picks in a container with the chart's 256 MiB memory limit; and
 * {@code -XX:+ExitOnOutOfMemoryError}, so a heap too small ends the run). The mock server stores its objects indexed by
 * name ({@link IndexedCrudDispatcher}): the stock store scans all of them for every request, which at 10,000 Devices
 * left it answering a few requests a second.
 */
public final class DeviceBench {

    /** How long the cold phase may take: {@code -Dbench.coldTimeoutSeconds}, default 900 (10,000 on a loaded box). */
    private static final long TIMEOUT_MILLIS = Long.getLong("bench.coldTimeoutSeconds", 900) * 1000;
    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level (the mock logs each request). */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** {@code -Dbench.managedFields=true}: every Device is created with the managed fields a real API server keeps. */
    private static final boolean MANAGED_FIELDS = Boolean.getBoolean("bench.managedFields");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Requests requests;
    private Process operator;
    private PrintWriter operatorIn;
    private BufferedReader operatorOut;

    private DeviceBench(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
        this.requests = new Requests(server);
    }

    public static void main(String[] args) throws Exception {
        int gateways = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int perGateway = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int statusSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        System.out.printf(
                "gateways=%d devices_per_gateway=%d devices=%d loadavg_at_start=%s%n",
                gateways, perGateway, gateways * perGateway, loadAverage());
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new IndexedCrudDispatcher(), false);
        server.init();
        for (String kind : new String[] {"Gateway", "Device"}) {
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                    .withGroup(Gateway.GROUP)
                    .withVersion(Gateway.VERSION)
                    .withKind(kind)
                    .withPlural(kind.toLowerCase(java.util.Locale.ROOT) + "s")
                    .withScope("Namespaced")
                    .withStatusSubresource(true)
                    .build());
        }
        KubernetesClient client = server.createClient();
        Path kafkaDir = Files.createTempDirectory("device-bench-kafka");
        try (KafkaBroker kafka = KafkaBroker.start(kafkaDir, 0)) {
            kafka.createTopic("fog.twin.acme", 1);
            DeviceBench bench = new DeviceBench(server, client);
            bench.run(gateways, perGateway, changes, statusSeconds, kafka.bootstrapServers());
        } finally {
            client.close();
            server.destroy();
        }
        System.exit(0);
    }

    private void run(int gateways, int perGateway, int changes, int statusSeconds, String kafka) throws Exception {
        create(gateways, perGateway);
        requests.start();
        requests.take(); // the bench's own creations
        startOperator(kafka);
        cold(gateways, perGateway);
        idle(30);
        for (int i = 0; i < changes; i++) {
            oneChange((17 + 10 * i) % gateways, i);
        }
        statusLoad(gateways, perGateway, statusSeconds, kafka);
        System.out.printf("operator: %s%n", operatorHeap());
        System.out.printf("loadavg_at_end=%s%n", loadAverage());
        operatorIn.println("quit");
        operatorIn.flush();
        operator.waitFor(10, TimeUnit.SECONDS);
        operator.destroyForcibly();
        requests.close();
    }

    static String namespace(int gateway) {
        return "plant-" + (gateway % 10);
    }

    static String gatewayName(int gateway) {
        return "gw-" + gateway;
    }

    static String deviceName(int gateway, int device) {
        return "gw-" + gateway + "-d-" + device;
    }

    static boolean modbus(int device) {
        return device % 5 == 4;
    }

    private void create(int gateways, int perGateway) throws Exception {
        long start = System.nanoTime();
        String hash = PasswordHasher.hash("bench".toCharArray(), 4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int g = 0; g < gateways; g++) {
            String ns = namespace(g);
            String gw = gatewayName(g);
            client.resource(Gateways.lathe(ns, gw)).create();
            client.resource(new SecretBuilder()
                            .withMetadata(new ObjectMetaBuilder()
                                    .withNamespace(ns)
                                    .withName(gw + "-credentials")
                                    .build())
                            .withData(Map.of(
                                    "hash", Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.UTF_8))))
                            .build())
                    .create();
            for (int d = 0; d < perGateway; d++) {
                Device device = device(g, d);
                done.add(pool.submit(() -> client.resource(device).create()));
            }
        }
        for (var f : done) {
            f.get();
        }
        pool.shutdown();
        System.out.printf(
                "created %d gateways, %d devices in %d ms%n",
                gateways, gateways * perGateway, (System.nanoTime() - start) / 1_000_000);
    }

    /** The bench's Device {@code d} of Gateway {@code g}: Modbus or MQTT, as the mix of the bench has them. */
    public static Device device(int g, int d) {
        String ns = namespace(g);
        String gw = gatewayName(g);
        String name = deviceName(g, d);
        if (modbus(d)) {
            return withManagedFields(Devices.modbus(ns, name, gw, "10.0." + g + "." + (d + 1), 502));
        }
        Device device = Devices.mqtt(ns, name, gw);
        device.getSpec().credentials.bcryptHash = new DeviceCredentials.SecretKeyRef(gw + "-credentials", "hash");
        DeviceProperty temperature = new DeviceProperty();
        temperature.jsonPath = "$.temperature";
        device.getSpec().properties = Map.of("temperature", temperature);
        return withManagedFields(device);
    }

    /**
     * With {@code -Dbench.managedFields=true}: {@code device} carrying the {@code managedFields} a real API server would
     * keep for it (the mock adds none): the spec's fields owned by {@code kubectl}, the status's by the operator.
     */
    private static Device withManagedFields(Device device) {
        if (!MANAGED_FIELDS) {
            return device;
        }
        Map<String, Object> spec = new TreeMap<>();
        for (String field : new String[] {"tenant", "gateway", "protocol", "credentials", "labels", "properties"}) {
            spec.put("f:" + field, Map.of());
        }
        spec.put("f:modbus", Map.of("f:host", Map.of(), "f:port", Map.of(), "f:tags", Map.of(), "f:timeout", Map.of()));
        io.fabric8.kubernetes.api.model.FieldsV1 specFields = new io.fabric8.kubernetes.api.model.FieldsV1();
        specFields.setAdditionalProperty("f:spec", spec);
        specFields.setAdditionalProperty(
                "f:metadata",
                Map.of(
                        "f:annotations",
                        Map.of(".", Map.of(), "f:kubectl.kubernetes.io/last-applied-configuration", Map.of())));
        io.fabric8.kubernetes.api.model.FieldsV1 statusFields = new io.fabric8.kubernetes.api.model.FieldsV1();
        statusFields.setAdditionalProperty(
                "f:status",
                Map.of(
                        "f:conditions", Map.of(),
                        "f:assignedGateway", Map.of(),
                        "f:observedGeneration", Map.of(),
                        "f:lastSeen", Map.of(),
                        "f:reported", Map.of()));
        device.getMetadata()
                .setManagedFields(List.of(
                        new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                                .withManager("kubectl-client-side-apply")
                                .withOperation("Update")
                                .withApiVersion("fogbridge.io/v1alpha1")
                                .withTime("2026-12-04T16:05:00Z")
                                .withFieldsType("FieldsV1")
                                .withFieldsV1(specFields)
                                .build(),
                        new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                                .withManager("fogbridge-operator")
                                .withOperation("Update")
                                .withApiVersion("fogbridge.io/v1alpha1")
                                .withTime("2026-12-04T16:06:00Z")
                                .withFieldsType("FieldsV1")
                                .withFieldsV1(statusFields)
                                .withSubresource("status")
                                .build()));
        return device;
    }

    private void startOperator(String kafka) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        for (String option : System.getProperty(
                        "bench.operatorJvm", "-XX:MaxRAM=256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError")
                .split(" ")) {
            if (!option.isBlank()) {
                command.add(option);
            }
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                BenchOperator.class.getName(),
                client.getMasterUrl().toString(),
                kafka));
        Path log = Files.createTempFile("device-bench-operator", ".log");
        operator = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        operatorIn = new PrintWriter(operator.getOutputStream(), true, StandardCharsets.UTF_8);
        operatorOut = new BufferedReader(new InputStreamReader(operator.getInputStream(), StandardCharsets.UTF_8));
        System.out.printf(
                "operator pid=%d jvm=%s log=%s%n", operator.pid(), command.subList(1, command.size() - 5), log);
    }

    /** Phase 1: from the operator's start until every Device is registered and every Gateway reconciled. */
    private void cold(int gateways, int perGateway) throws Exception {
        int total = gateways * perGateway;
        long start = System.nanoTime();
        ProcStat before = ProcStat.of(operator.pid());
        String started = operatorOut.readLine();
        while (started != null && !started.equals("STARTED")) {
            started = operatorOut.readLine();
        }
        if (started == null) {
            throw new IllegalStateException("the operator ended before it started; see its log");
        }
        long startedMillis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Boolean> registered = new ConcurrentHashMap<>();
        SharedIndexInformer<Device> informer = client.resources(Device.class)
                .inAnyNamespace()
                .inform(new Handler<Device>(d -> registered.put(
                        d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), isRegistered(d))));
        long registeredMillis = -1;
        long reconciledMillis = -1;
        int count = 0;
        long lastPrint = 0;
        long lastList = 0;
        while ((registeredMillis < 0 || reconciledMillis < 0)
                && (System.nanoTime() - start) / 1_000_000 < TIMEOUT_MILLIS) {
            Thread.sleep(100);
            if (!operator.isAlive()) {
                throw new IllegalStateException("the operator exited with " + operator.exitValue() + "; see its log");
            }
            long now = (System.nanoTime() - start) / 1_000_000;
            count = (int) registered.values().stream().filter(b -> b).count();
            if (registeredMillis < 0 && count == total) {
                registeredMillis = now;
            }
            if (reconciledMillis < 0 && now - lastList >= 1000) {
                lastList = now;
                List<Gateway> all =
                        client.resources(Gateway.class).inAnyNamespace().list().getItems();
                long reconciled = all.stream()
                        .filter(g ->
                                trueCondition(g.getStatus() == null ? null : g.getStatus().conditions, "Reconciled")
                                        && g.getMetadata().getGeneration().equals(g.getStatus().observedGeneration))
                        .count();
                if (reconciled == gateways) {
                    reconciledMillis = now;
                }
            }
            if (now - lastPrint >= 10_000) {
                lastPrint = now;
                ProcStat stat = ProcStat.of(operator.pid());
                System.out.printf(
                        "  t=%ds registered=%d/%d operator_cpu_s=%.1f rss_mib=%d%n",
                        now / 1000, count, total, (stat.cpuMillis() - before.cpuMillis()) / 1000.0, stat.rssMiB());
            }
        }
        informer.close();
        Thread.sleep(3000);
        ProcStat after = ProcStat.of(operator.pid());
        Map<String, Integer> cold = requests.take().byKind();
        System.out.printf(
                "cold: operator_started_ms=%d all_registered_ms=%d (%d of %d) all_gateways_reconciled_ms=%d"
                        + " operator_cpu_ms=%d%n",
                startedMillis,
                registeredMillis,
                count,
                total,
                reconciledMillis,
                after.cpuMillis() - before.cpuMillis());
        System.out.printf(
                "cold: requests_total=%d (the bench's device informer: 1 list + 1 watch; its gateway lists: one a"
                        + " second) by_method_and_kind=%s%n",
                cold.values().stream().mapToInt(Integer::intValue).sum(), cold);
        System.out.printf(
                "cold: operator %s rss_mib=%d peak_rss_mib=%d%n", operatorHeap(), after.rssMiB(), after.hwmMiB());
        nativeMemory("cold");
    }

    /**
     * The operator's native memory summary (committed MiB by category), when its JVM tracks it
     * ({@code OPERATOR_JVM} with {@code -XX:NativeMemoryTracking=summary}); nothing otherwise.
     */
    private void nativeMemory(String phase) throws Exception {
        if (!System.getProperty("bench.operatorJvm", "").contains("NativeMemoryTracking")) {
            return;
        }
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(operator.pid()),
                        "VM.native_memory",
                        "summary",
                        "scale=MB")
                .redirectErrorStream(true)
                .start();
        String summary = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        StringBuilder line = new StringBuilder();
        var committed = java.util.regex.Pattern.compile("^-\\s*(.+?) \\(reserved=\\d+MB, committed=(\\d+)MB\\)");
        var total = java.util.regex.Pattern.compile("^Total: reserved=\\d+MB, committed=(\\d+)MB");
        for (String text : summary.split("\n")) {
            var t = total.matcher(text.strip());
            if (t.find()) {
                line.append(" total=").append(t.group(1));
            }
            var m = committed.matcher(text.strip());
            if (m.find() && !m.group(2).equals("0")) {
                line.append(' ')
                        .append(m.group(1).strip().replace(' ', '_'))
                        .append('=')
                        .append(m.group(2));
            }
        }
        System.out.printf("%s: operator native_memory_committed_mib%s%n", phase, line);
    }

    /** Between the phases: what the operator spends when nothing changes (its periodic Gateway reconciles). */
    private void idle(int seconds) throws Exception {
        requests.take();
        ProcStat before = ProcStat.of(operator.pid());
        Thread.sleep(seconds * 1000L);
        ProcStat after = ProcStat.of(operator.pid());
        Requests.Taken taken = requests.take();
        System.out.printf(
                "idle: window_s=%d operator_cpu_ms=%d (%.3f cores) requests=%d by_method_and_kind=%s%n",
                seconds,
                after.cpuMillis() - before.cpuMillis(),
                (after.cpuMillis() - before.cpuMillis()) / 1000.0 / seconds,
                taken.all().size(),
                taken.byKind());
    }

    /** Phase 2: one Modbus Device's port changes; the change's way to its Gateway's Secret and ConfigMap. */
    private void oneChange(int g, int round) throws Exception {
        String ns = namespace(g);
        String gw = gatewayName(g);
        String name = deviceName(g, 4);
        AtomicLong secretAt = new AtomicLong();
        AtomicLong configAt = new AtomicLong();
        CountDownLatch both = new CountDownLatch(2);
        var secretWatch =
                client.secrets().inNamespace(ns).withName(gw + "-devices").watch(new Modified<>(secretAt, both));
        var configWatch =
                client.configMaps().inNamespace(ns).withName(gw + "-config").watch(new Modified<>(configAt, both));
        Thread.sleep(500);
        requests.take();
        ProcStat before = ProcStat.of(operator.pid());
        long start = System.nanoTime();
        Device changed = client.resources(Device.class)
                .inNamespace(ns)
                .withName(name)
                .edit(d -> {
                    d.getSpec().modbus.port = 1502 + round;
                    return d;
                });
        boolean arrived = both.await(120, TimeUnit.SECONDS);
        long generation = changed.getMetadata().getGeneration();
        long registeredAt = -1;
        while ((System.nanoTime() - start) / 1_000_000 < 120_000) {
            Device now = client.resources(Device.class)
                    .inNamespace(ns)
                    .withName(name)
                    .get();
            if (isRegistered(now) && now.getStatus().observedGeneration == generation) {
                registeredAt = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(3000);
        ProcStat after = ProcStat.of(operator.pid());
        secretWatch.close();
        configWatch.close();
        Map<String, Integer> toChanged = new TreeMap<>();
        Map<String, Integer> toOthers = new TreeMap<>();
        Map<String, Integer> reads = new TreeMap<>();
        for (Requests.Request r : requests.take().all()) {
            String[] parts = r.path().split("\\?")[0].split("/");
            int at = java.util.Arrays.asList(parts).indexOf("namespaces");
            String objectNamespace = at >= 0 && parts.length > at + 1 ? parts[at + 1] : "";
            String object = at >= 0 && parts.length > at + 3 ? parts[at + 3] : "";
            String label = r.method() + " " + Requests.kind(r.method(), r.path());
            if (r.method().equals("GET")) {
                reads.merge(label, 1, Integer::sum);
                continue;
            }
            boolean mine = objectNamespace.equals(ns) && (object.equals(gw) || object.startsWith(gw + "-"));
            (mine ? toChanged : toOthers).merge(label, 1, Integer::sum);
        }
        System.out.printf(
                "change %d (%s/%s): arrived=%s to_devices_secret_ms=%d to_configmap_ms=%d to_registered_ms=%d"
                        + " operator_cpu_ms=%d | writes_to_changed=%s writes_to_others=%s reads=%s%n",
                round,
                ns,
                name,
                arrived,
                millisSince(start, secretAt.get()),
                millisSince(start, configAt.get()),
                millisSince(start, registeredAt),
                after.cpuMillis() - before.cpuMillis(),
                toChanged,
                toOthers,
                reads);
    }

    /** Phase 3: every Device reports at 1 Hz through the gateway's reporter and the Kafka twin path. */
    private void statusLoad(int gateways, int perGateway, int seconds, String kafka) throws Exception {
        AtomicLong offered = new AtomicLong();
        try (KafkaTwinSink kafkaSink = new KafkaTwinSink(kafka, Map.of(), update -> "acme")) {
            TwinSink counted = batch -> {
                offered.addAndGet(batch.size());
                return kafkaSink.write(batch);
            };
            List<TwinReporter> reporters = new ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                reporters.add(new TwinReporter(
                        counted,
                        Clock.systemUTC(),
                        TwinReporter.DEFAULT_REPORT_INTERVAL,
                        TwinReporter.DEFAULT_LAST_SEEN_REFRESH));
            }
            int warmup = 15;
            long start = System.nanoTime();
            AtomicInteger round = new AtomicInteger();
            ProcStat[] window = new ProcStat[2];
            long[] offeredAt = new long[2];
            while (round.get() < warmup + seconds) {
                int t = round.getAndIncrement();
                long elapsed = (System.nanoTime() - start) / 1_000_000;
                for (int g = 0; g < gateways; g++) {
                    TwinReporter reporter = reporters.get(g);
                    for (int d = 0; d < perGateway; d++) {
                        int index = g * perGateway + d;
                        // A millisecond apart: gateways and devices that started at different times.
                        if (index * 1000L / Math.max(1, gateways * perGateway / 10) > elapsed) {
                            continue;
                        }
                        Map<String, JsonNode> values = Map.of("temperature", IntNode.valueOf(200 + (t + d) % 50));
                        reporter.observe(namespace(g), deviceName(g, d), values);
                    }
                    reporter.flush();
                }
                if (t == warmup) {
                    requests.take();
                    window[0] = ProcStat.of(operator.pid());
                    offeredAt[0] = offered.get();
                }
                long next = start + (t + 1) * 1_000_000_000L;
                long sleep = (next - System.nanoTime()) / 1_000_000;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
            window[1] = ProcStat.of(operator.pid());
            offeredAt[1] = offered.get();
            Requests.Taken during = requests.take();
            Map<String, Integer> byKind = during.byKind();
            int statusWrites = byKind.entrySet().stream()
                    .filter(e ->
                            e.getKey().endsWith("devices/status") && !e.getKey().startsWith("GET"))
                    .mapToInt(Map.Entry::getValue)
                    .sum();
            double cpuSeconds = (window[1].cpuMillis() - window[0].cpuMillis()) / 1000.0;
            System.out.printf(
                    "status: window_s=%d updates_offered_per_s=%.0f status_writes_per_s=%.0f operator_cpu_cores=%.2f"
                            + " rss_mib=%d peak_rss_mib=%d%n",
                    seconds,
                    (offeredAt[1] - offeredAt[0]) / (double) seconds,
                    statusWrites / (double) seconds,
                    cpuSeconds / seconds,
                    window[1].rssMiB(),
                    window[1].hwmMiB());
            System.out.printf("status: requests_by_method_and_kind=%s%n", byKind);
            nativeMemory("status");
            // The load stops: how long the operator goes on writing what it had not caught up with.
            long stop = System.nanoTime();
            long lastWrite = stop;
            int after = 0;
            while ((System.nanoTime() - lastWrite) / 1_000_000 < 3000
                    && (System.nanoTime() - stop) / 1_000_000 < 300_000) {
                Thread.sleep(500);
                int writes = (int) requests.take().all().stream()
                        .filter(r -> !r.method().equals("GET")
                                && r.path().split("\\?")[0].endsWith("/status")
                                && r.path().contains("/devices/"))
                        .count();
                if (writes > 0) {
                    lastWrite = System.nanoTime();
                    after += writes;
                }
            }
            System.out.printf(
                    "status: after_the_load_stopped writes=%d for_ms=%d%n", after, (lastWrite - stop) / 1_000_000);
        }
    }

    private String operatorHeap() throws IOException {
        operatorIn.println("heap");
        String line = operatorOut.readLine();
        while (line != null && !line.startsWith("HEAP")) {
            line = operatorOut.readLine();
        }
        return line;
    }

    private static long millisSince(long startNanos, long atNanos) {
        return atNanos <= 0 ? -1 : (atNanos - startNanos) / 1_000_000;
    }

    private static boolean isRegistered(Device device) {
        return device != null
                && device.getStatus() != null
                && device.getMetadata().getGeneration().equals(device.getStatus().observedGeneration)
                && trueCondition(device.getStatus().conditions, "Registered");
    }

    private static boolean trueCondition(List<Condition> conditions, String type) {
        return conditions != null
                && conditions.stream().anyMatch(c -> c.type.equals(type) && c.status == Condition.Status.TRUE);
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).strip();
    }

    /** Notes when the watched object was first modified. */
    private record Modified<T extends HasMetadata>(AtomicLong at, CountDownLatch latch) implements Watcher<T> {
        @Override
        public void eventReceived(Action action, T resource) {
            if (action == Action.MODIFIED && at.compareAndSet(0, System.nanoTime())) {
                latch.countDown();
            }
        }

        @Override
        public void onClose(WatcherException cause) {}
    }

    /** Hands every added or updated object to {@code seen}. */
    private record Handler<T>(java.util.function.Consumer<T> seen)
            implements io.fabric8.kubernetes.client.informers.ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            seen.accept(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            seen.accept(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    }

    /** CPU, RSS and peak RSS of a process, from {@code /proc}. */
    record ProcStat(long cpuMillis, long rssMiB, long hwmMiB) {
        static ProcStat of(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                } else if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
            return new ProcStat(ticks * 10, rss, hwm);
        }
    }

    /**
     * The mock server's request log, drained on a thread of its own (it would otherwise grow without bound under the
     * status load) and handed out phase by phase.
     */
    static final class Requests implements AutoCloseable {

        record Request(String method, String path) {}

        record Taken(List<Request> all) {
            Map<String, Integer> byKind() {
                Map<String, Integer> counts = new TreeMap<>();
                all.forEach(r -> counts.merge(r.method() + " " + kind(r.method(), r.path()), 1, Integer::sum));
                return counts;
            }
        }

        private final KubernetesMockServer server;
        private final Thread thread;
        private final List<Request> pending = new ArrayList<>();
        private volatile boolean running = true;

        Requests(KubernetesMockServer server) {
            this.server = server;
            this.thread = new Thread(this::drain, "bench-requests");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void drain() {
            while (running) {
                try {
                    var request = server.takeRequest(100, TimeUnit.MILLISECONDS);
                    if (request != null) {
                        synchronized (pending) {
                            pending.add(new Request(request.getMethod(), request.getPath()));
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The requests since the last call. */
        Taken take() throws InterruptedException {
            Thread.sleep(200); // what is in flight lands
            synchronized (pending) {
                List<Request> all = new ArrayList<>(pending);
                pending.clear();
                return new Taken(all);
            }
        }

        static String kind(String method, String path) {
            String bare = path.split("\\?")[0];
            String[] parts = bare.split("/");
            for (int i = parts.length - 1; i >= 0; i--) {
                if (parts[i].matches("[a-z]+s") && !parts[i].equals("namespaces") && !parts[i].equals("status")) {
                    boolean named = i < parts.length - 1 && !parts[i + 1].equals("status");
                    return parts[i]
                            + (bare.endsWith("/status") ? "/status" : "")
                            + (path.contains("watch=true")
                                    ? " (watch)"
                                    : named || !method.equals("GET") ? "" : " (list)");
                }
            }
            return path;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(1000);
        }
    }
}
