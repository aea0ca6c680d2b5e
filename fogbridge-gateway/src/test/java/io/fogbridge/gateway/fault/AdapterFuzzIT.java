package io.fogbridge.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.adapters.coap.CoapAdapter;
import io.fogbridge.adapters.http.HttpAdapter;
import io.fogbridge.gateway.Gateway;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed HTTP and CoAP from a seed against the device adapters ({@code adapters.http.enabled},
 * {@code adapters.coap.enabled}), all at once: {@link HttpFuzzer} requests (bad lengths, huge and countless headers,
 * broken chunking, garbage), slow-loris connections that dribble their headers for the whole run, and
 * {@link CoapFuzzer} datagrams. Meanwhile well-behaved devices send at-least-once telemetry on each protocol: an
 * {@link HttpDevice}, a {@link CoapDevice} and two MQTT {@link SequencedDevice}s.
 *
 * <p>Proves: the gateway stays ready, every good device's sends succeed throughout (no refusal, no timeout), and
 * everything they were acknowledged is in Kafka, per device in order. Sizes: CI mode 8 × 40 HTTP requests, 100 slow
 * connections held 10 s, 4 × 1,000 datagrams; long mode 32 × 400, 1,000 held 60 s, 16 × 10,000.
 */
class AdapterFuzzIT {

    @TempDir
    Path dir;

    @Test
    void malformedHttpAndCoapDoNotDisturbGoodDevices() throws Exception {
        FaultRun run = FaultRun.begin("AdapterFuzzIT");
        int httpWorkers = run.size(8, 32);
        int httpEach = run.size(40, 400);
        int slowConnections = run.size(100, 1_000);
        Duration slowHold = run.size(Duration.ofSeconds(10), Duration.ofSeconds(60));
        int coapWorkers = run.size(4, 16);
        int coapEach = run.size(1_000, 10_000);
        AtomicLong requests = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        AtomicLong datagrams = new AtomicLong();
        AtomicLong slowCut = new AtomicLong();
        try (UplinkRig rig = UplinkRig.kafka(run, dir, false)) {
            Gateway gateway = rig.startGateway(
                    dir,
                    Clock.systemUTC(),
                    null,
                    "adapters: {http: {enabled: true, host: 127.0.0.1, port: 0},"
                            + " coap: {enabled: true, host: 127.0.0.1, port: 0, dtlsPort: 0}}");
            int httpPort = gateway.adapter("http", HttpAdapter.class).port();
            int coapPort = gateway.adapter("coap", CoapAdapter.class).port();
            Duration period = Duration.ofMillis(50);
            try (DeviceFleet mqtt = new DeviceFleet("t1", 2, rig.mqttPort(), Duration.ofMillis(20));
                    HttpDevice http = new HttpDevice("t1", "http-1", httpPort, period);
                    CoapDevice coap = new CoapDevice("t1", "coap-1", coapPort, period)) {
                mqtt.start();
                http.start();
                coap.start();
                await(run.tag() + ": every good device acknowledged")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> mqtt.minAcked() >= 20 && http.ackedCount() >= 20 && coap.ackedCount() >= 20);
                long httpBefore = http.ackedCount();
                long coapBefore = coap.ackedCount();
                long mqttBefore = mqtt.acked();

                long started = System.nanoTime();
                List<Future<?>> attacks = new ArrayList<>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < slowConnections; i++) {
                        HttpFuzzer f = new HttpFuzzer(httpPort, run.random().nextLong(), requests, answered);
                        attacks.add(pool.submit(() -> {
                            if (f.slowLoris(slowHold)) {
                                slowCut.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    for (int i = 0; i < httpWorkers; i++) {
                        HttpFuzzer f = new HttpFuzzer(httpPort, run.random().nextLong(), requests, answered);
                        attacks.add(pool.submit(() -> {
                            f.run(httpEach);
                            return null;
                        }));
                    }
                    for (int i = 0; i < coapWorkers; i++) {
                        CoapFuzzer f = new CoapFuzzer(coapPort, run.random().nextLong(), datagrams);
                        attacks.add(pool.submit(() -> {
                            f.run(coapEach);
                            return null;
                        }));
                    }
                    for (Future<?> a : attacks) {
                        a.get(10, TimeUnit.MINUTES);
                    }
                }
                Duration attack = Duration.ofNanos(System.nanoTime() - started);
                long httpDuring = http.ackedCount() - httpBefore;
                long coapDuring = coap.ackedCount() - coapBefore;
                long mqttDuring = mqtt.acked() - mqttBefore;
                System.out.printf(
                        "%s: %d HTTP requests (%d answered), %d slow connections, %d CoAP datagrams in %d ms; good"
                                + " devices acknowledged meanwhile: http %d, coap %d, mqtt %d%n",
                        run.tag(),
                        requests.get(),
                        answered.get(),
                        slowConnections,
                        datagrams.get(),
                        attack.toMillis(),
                        httpDuring,
                        coapDuring,
                        mqttDuring);
                assertThat(Readyz.fetch(gateway.httpPort()).ready())
                        .as("%s: still ready", run.tag())
                        .isTrue();
                // a second's worth of sends after the attack, to see the adapters answer as before
                long httpAfter = http.ackedCount();
                long coapAfter = coap.ackedCount();
                await(run.tag() + ": the good HTTP and CoAP devices still acknowledged after the attack")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> http.ackedCount() > httpAfter + 5 && coap.ackedCount() > coapAfter + 5);

                mqtt.stop();
                http.stop();
                coap.stop();
                Map<String, List<Long>> acked = new LinkedHashMap<>(mqtt.ackedByDevice());
                acked.put(http.device(), http.acked());
                acked.put(coap.device(), coap.acked());
                DeliveryCheck check = rig.verify(acked);
                for (PacedDevice d : List.of(http, coap)) {
                    assertThat(d.failures())
                            .as("%s: %s saw no failed send (last: %s)", run.tag(), d.device(), d.lastFailure())
                            .isZero();
                }
                assertThat(mqtt.failures())
                        .as("%s: the MQTT devices saw no failed publish (last: %s)", run.tag(), mqtt.lastFailure())
                        .isZero();
                assertThat(httpDuring)
                        .as("%s: HTTP sends went through during the attack", run.tag())
                        .isPositive();
                assertThat(coapDuring)
                        .as("%s: CoAP sends went through during the attack", run.tag())
                        .isPositive();
                long total = acked.values().stream().mapToLong(List::size).sum();
                run.record(
                        "malformed HTTP (" + requests.get() + " requests: bad/duplicate Content-Length, up to 1 MiB"
                                + " headers, 10k headers, bad chunking, garbage; " + slowConnections
                                + " slow-loris connections for " + slowHold.toSeconds() + " s, " + slowCut.get()
                                + " cut early by the gateway) and " + datagrams.get()
                                + " malformed CoAP datagrams",
                        "good devices: every send acknowledged (during the attack: HTTP " + httpDuring + " × 202,"
                                + " CoAP " + coapDuring + " × 2.04, MQTT " + mqttDuring + " PUBACKs), 0 failed",
                        "nothing: " + total + " acknowledged, all in Kafka; " + check.duplicates()
                                + " replayed repeats",
                        "none needed: the adapters answered throughout");
            }
        }
    }
}
