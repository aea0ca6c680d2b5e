package io.fogbridge.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Command;
import io.fogbridge.api.CommandTransport;
import io.fogbridge.api.DeliveryResult;
import io.fogbridge.api.Envelope;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Spool;
import io.fogbridge.api.SpoolCursor;
import io.fogbridge.api.SpoolStats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router with a real {@link PendingCommandStore} in a temp dir, a recording fake of our {@link Spool}
 * (failure responses), a push transport whose deliveries the test completes by hand, and a clock the test moves
 * (deadlines and leases); the router's own sweep runs every 20 ms of real time.
 */
class CommandRouterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_000_000);
    private final RecordingSpool spool = new RecordingSpool();
    private final HandTransport transport = new HandTransport();
    private final List<CommandRouter> routers = new ArrayList<>();

    @AfterEach
    void close() {
        routers.forEach(CommandRouter::close);
    }

    // ---- polling adapters (CommandInbox) ----

    @Test
    void awaitCommandHandsOverAPendingCommandAndDeliveredForgetsIt() throws Exception {
        CommandRouter router = router(List.of());
        router.submit(command(1, "dev-1", 60_000)).get();

        Optional<Command> got = router.awaitCommand("acme", "dev-1", WAIT).get(5, TimeUnit.SECONDS);

        assertThat(got).map(Command::id).contains(id(1));
        assertThat(router.pendingCount()).isEqualTo(1); // reserved, not yet reported
        router.delivered(got.orElseThrow());
        await().atMost(WAIT).until(() -> router.pendingCount() == 0);
        assertThat(router.awaitCommand("acme", "dev-1", Duration.ofMillis(100)).get(5, TimeUnit.SECONDS))
                .isEmpty();
        assertThat(spool.appended).isEmpty();
    }

    @Test
    void aWaitingPollGetsACommandThatArrivesLater() throws Exception {
        CommandRouter router = router(List.of());
        CompletableFuture<Optional<Command>> waiting = router.awaitCommand("acme", "dev-1", WAIT);
        Thread.sleep(50);
        assertThat(waiting).isNotDone();

        router.submit(command(1, "dev-1", 60_000)).get();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).map(Command::id).contains(id(1));
    }

    @Test
    void notDeliveredMakesTheCommandPendingAgain() throws Exception {
        CommandRouter router = router(List.of());
        router.submit(command(1, "dev-1", 60_000)).get();
        Command first = router.awaitCommand("acme", "dev-1", WAIT)
                .get(5, TimeUnit.SECONDS)
                .orElseThrow();

        router.notDelivered(first);

        assertThat(router.awaitCommand("acme", "dev-1", WAIT).get(5, TimeUnit.SECONDS))
                .map(Command::id)
                .contains(id(1));
        assertThat(router.pendingCount()).isEqualTo(1);
    }

    @Test
    void anUnreportedReservationExpiresWithItsLeaseAndTheCommandIsHandedOutAgain() throws Exception {
        CommandRouter router = router(List.of());
        router.submit(command(1, "dev-1", 600_000)).get();
        router.submit(command(2, "dev-1", 600_000)).get();
        Command first = router.awaitCommand("acme", "dev-1", WAIT)
                .get(5, TimeUnit.SECONDS)
                .orElseThrow();

        // One command per device at a time: while the first is reserved, a poll gets nothing.
        CompletableFuture<Optional<Command>> second = router.awaitCommand("acme", "dev-1", Duration.ofSeconds(10));
        Thread.sleep(200);
        assertThat(second).isNotDone();

        clock.advance(LEASE.plusSeconds(1)); // the adapter never said delivered or notDelivered

        assertThat(second.get(5, TimeUnit.SECONDS)).map(Command::id).contains(first.id());
        router.delivered(first); // the late report of the first holder settles it (at-least-once)
        assertThat(router.awaitCommand("acme", "dev-1", WAIT).get(5, TimeUnit.SECONDS))
                .map(Command::id)
                .contains(id(2));
    }

    @Test
    void aPollWithNothingPendingEndsEmptyAfterTtd() throws Exception {
        CommandRouter router = router(List.of());
        assertThat(router.awaitCommand("acme", "dev-1", Duration.ofMillis(100)).get(5, TimeUnit.SECONDS))
                .isEmpty();
    }

    // ---- ttl, unknown devices, limits ----

    @Test
    void aCommandWhoseTtlPassesIsAnswered408ThroughTheSpoolAndForgotten() throws Exception {
        CommandRouter router = router(List.of());
        router.submit(command(1, "dev-1", 1_000)).get();
        router.submit(oneWay(2, "dev-1", 1_000)).get();
        assertThat(router.pendingCount()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));

        await().atMost(WAIT).until(() -> router.pendingCount() == 0);
        assertThat(spool.appended).hasSize(1); // a one-way command has nobody to tell
        Envelope response = spool.appended.getFirst();
        assertThat(response.topic()).isEqualTo("fog.command_response.acme");
        assertThat(response.key()).isEqualTo("dev-1");
        assertThat(response.lane()).isEqualTo(Lane.PRIORITY);
        assertThat(response.headers())
                .containsEntry("status", "408")
                .containsEntry("delivery-failure", "true")
                .containsEntry("correlation-id", "c1")
                .containsEntry("device_id", "dev-1")
                .containsEntry("tenant_id", "acme")
                .containsEntry("gateway_id", "gw-test");
        // The expired command is never handed out.
        assertThat(router.awaitCommand("acme", "dev-1", Duration.ofMillis(100)).get(5, TimeUnit.SECONDS))
                .isEmpty();
    }

    @Test
    void aCommandAlreadyExpiredOnArrivalIsAnswered408AndNotStored() throws Exception {
        CommandRouter router = router(List.of());
        Command late = new Command(
                id(1),
                "acme",
                "dev-1",
                "setValve",
                "c1",
                true,
                new byte[0],
                null,
                clock.millis() - 5_000,
                clock.millis() - 1);

        router.submit(late).get();

        assertThat(router.pendingCount()).isZero();
        assertThat(spool.appended).singleElement().satisfies(r -> assertThat(r.headers())
                .containsEntry("status", "408"));
    }

    @Test
    void anUnknownDeviceIsAnswered404OrIgnored() throws Exception {
        CommandRouter rejecting = router(List.of(), Set.of("dev-1"), RouterOptions.UnknownDevices.REJECT, dir);
        rejecting.submit(command(1, "ghost", 60_000)).get();
        assertThat(spool.appended).singleElement().satisfies(r -> assertThat(r.headers())
                .containsEntry("status", "404")
                .containsEntry("device_id", "ghost"));
        assertThat(rejecting.pendingCount()).isZero();

        CommandRouter ignoring =
                router(List.of(), Set.of("dev-1"), RouterOptions.UnknownDevices.IGNORE, dir.resolve("other"));
        ignoring.submit(command(2, "ghost", 60_000)).get();
        assertThat(spool.appended).hasSize(1);
        assertThat(ignoring.pendingCount()).isZero();
    }

    @Test
    void malformedCommandsAreAnswered400() throws Exception {
        CommandRouter router = router(List.of());
        router.rejectMalformed("acme", null, "c-bad", "no ttl").get();
        assertThat(spool.appended).singleElement().satisfies(r -> {
            assertThat(r.key()).isNull();
            assertThat(r.headers()).containsEntry("status", "400").doesNotContainKey("device_id");
            assertThat(new String(r.payload(), StandardCharsets.UTF_8)).isEqualTo("no ttl");
        });
    }

    // ---- push transport ----

    @Test
    void oneCommandPerDeviceIsInFlightAndOrderIsKept() throws Exception {
        transport.reachable.add("acme/dev-1");
        transport.reachable.add("acme/dev-2");
        CommandRouter router = router(List.of(transport));
        for (int i = 1; i <= 3; i++) {
            router.submit(command(i, "dev-1", 60_000)).get();
        }
        router.submit(command(10, "dev-2", 60_000)).get();

        // Each device has one command in flight: dev-1's first, and dev-2's own, independent of dev-1.
        await().atMost(WAIT).until(() -> transport.sent.size() == 2);
        Thread.sleep(100);
        assertThat(transport.sentIds()).containsExactlyInAnyOrder(id(1), id(10));

        transport.complete(id(1), DeliveryResult.NOT_CONNECTED); // the device dropped off: tried again later
        await().atMost(WAIT).until(() -> transport.sent.size() == 3);
        assertThat(transport.sent.getLast().command().id()).isEqualTo(id(1));

        transport.complete(id(1), DeliveryResult.DELIVERED);
        await().atMost(WAIT).until(() -> transport.sent.size() == 4);
        transport.complete(id(2), DeliveryResult.DELIVERED);
        await().atMost(WAIT).until(() -> transport.sent.size() == 5);
        transport.complete(id(3), DeliveryResult.DELIVERED);
        transport.complete(id(10), DeliveryResult.DELIVERED);

        await().atMost(WAIT).until(() -> router.pendingCount() == 0);
        assertThat(transport.sentIds()).containsSubsequence(id(1), id(1), id(2), id(3));
        assertThat(transport.sentIds().stream().filter(s -> !s.equals(id(10))))
                .containsExactly(id(1), id(1), id(2), id(3));
        assertThat(spool.appended).isEmpty();
    }

    @Test
    void aDefinitiveTransportFailureIsAnsweredAndTheNextCommandGoesOut() throws Exception {
        transport.reachable.add("acme/dev-1");
        CommandRouter router = router(List.of(transport));
        router.submit(command(1, "dev-1", 60_000)).get();
        router.submit(command(2, "dev-1", 60_000)).get();
        await().atMost(WAIT).until(() -> transport.sent.size() == 1);

        transport.complete(id(1), new DeliveryResult.Failed(503, "device refused"));

        await().atMost(WAIT).until(() -> transport.sent.size() == 2);
        assertThat(transport.sent.getLast().command().id()).isEqualTo(id(2));
        assertThat(spool.appended).singleElement().satisfies(r -> assertThat(r.headers())
                .containsEntry("status", "503")
                .containsEntry("correlation-id", "c1"));
        transport.complete(id(2), DeliveryResult.DELIVERED);
        await().atMost(WAIT).until(() -> router.pendingCount() == 0);
    }

    @Test
    void pendingCommandsSurviveARestartAndGoOutInOrderWhenTheDeviceComesBack() throws Exception {
        CommandRouter first = router(List.of(transport));
        for (int i = 1; i <= 3; i++) {
            first.submit(command(i, "dev-1", 600_000)).get();
        }
        first.close();
        routers.remove(first);

        HandTransport later = new HandTransport();
        CommandRouter second = router(List.of(later));
        assertThat(second.pendingCount()).isEqualTo(3);
        Thread.sleep(100);
        assertThat(later.sent).isEmpty(); // the device is offline

        later.reachable.add("acme/dev-1");
        later.comesBack("acme", "dev-1");
        for (int i = 1; i <= 3; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> later.sent.size() == n);
            later.complete(id(i), DeliveryResult.DELIVERED);
        }
        await().atMost(WAIT).until(() -> second.pendingCount() == 0);
        assertThat(later.sentIds()).containsExactly(id(1), id(2), id(3));
    }

    @Test
    void beyondMaxPendingNewCommandsAreAnswered503() throws Exception {
        CommandRouter router = new CommandRouter(
                options(Set.of("dev-1"), RouterOptions.UnknownDevices.REJECT, dir)
                        .withMaxPending(2),
                List.of(),
                spool,
                null);
        routers.add(router);
        router.start();
        for (int i = 1; i <= 3; i++) {
            router.submit(command(i, "dev-1", 60_000)).get();
        }
        assertThat(router.pendingCount()).isEqualTo(2);
        assertThat(spool.appended).singleElement().satisfies(r -> assertThat(r.headers())
                .containsEntry("status", "503")
                .containsEntry("correlation-id", "c3"));
    }

    // ---- byte bounds ----

    private Command sized(int n, String device, int payloadBytes) {
        return new Command(
                id(n),
                "acme",
                device,
                "upload",
                "c" + n,
                true,
                new byte[payloadBytes],
                "application/octet-stream",
                clock.millis(),
                clock.millis() + 60_000);
    }

    private CommandRouter boundedRouter(long maxPendingBytes, long maxPayload, List<CommandTransport> transports)
            throws Exception {
        CommandRouter router = new CommandRouter(
                options(Set.of("dev-1", "dev-2"), RouterOptions.UnknownDevices.REJECT, dir)
                        .withByteLimits(maxPendingBytes, maxPayload),
                transports,
                spool,
                null);
        routers.add(router);
        router.start();
        return router;
    }

    @Test
    void aPayloadOverMaxPayloadIsAnswered413AndNeverStored() throws Exception {
        CommandRouter router = boundedRouter(1 << 20, 1_000, List.of());
        router.submit(sized(1, "dev-1", 1_000)).get();
        router.submit(sized(2, "dev-1", 1_001)).get();

        assertThat(router.pendingCount()).isEqualTo(1);
        assertThat(spool.appended).singleElement().satisfies(r -> {
            assertThat(r.headers())
                    .containsEntry("status", "413")
                    .containsEntry("correlation-id", "c2")
                    .containsEntry("delivery-failure", "true");
            assertThat(new String(r.payload(), StandardCharsets.UTF_8)).contains("commands.maxPayload");
        });
    }

    @Test
    void commandsBeyondMaxPendingBytesAreAnswered413AndTheBudgetFreesWhenOnesAreDelivered() throws Exception {
        long one = PendingCommandStore.sizeOf(sized(1, "dev-1", 10_000));
        CommandRouter router = boundedRouter(3 * one, 10_000, List.of(transport));
        for (int i = 1; i <= 5; i++) {
            router.submit(sized(i, "dev-1", 10_000)).get();
        }
        assertThat(router.pendingCount()).isEqualTo(3);
        assertThat(router.pendingBytes()).isEqualTo(3 * one);
        assertThat(spool.appended)
                .extracting(r ->
                        r.headers().get("correlation-id") + "=" + r.headers().get("status"))
                .containsExactly("c4=413", "c5=413");
        assertThat(new String(spool.appended.getFirst().payload(), StandardCharsets.UTF_8))
                .contains("commands.maxPendingBytes");

        transport.reachable.add("acme/dev-1");
        transport.comesBack("acme", "dev-1");
        await().atMost(WAIT).until(() -> transport.sent.size() == 1);
        assertThat(transport.sent.getFirst().command().payload()).hasSize(10_000);
        transport.complete(id(1), DeliveryResult.DELIVERED);
        await().atMost(WAIT).until(() -> router.pendingCount() == 2);
        router.submit(sized(6, "dev-1", 10_000)).get();
        assertThat(router.pendingCount()).isEqualTo(3);
        assertThat(spool.appended).hasSize(2);
    }

    @Test
    void aCommandTheStoreCannotHoldIsAnswered500InsteadOfBeingReadAgainForever() throws Exception {
        CommandRouter router = router(List.of());
        Command unstorable = new Command(
                id(1),
                "acme",
                "dev-1",
                "setValve",
                "c1",
                true,
                new byte[1],
                "x".repeat(70_000), // longer than a store string may be
                clock.millis(),
                clock.millis() + 60_000);

        assertThat(router.submit(unstorable)).succeedsWithin(WAIT);
        router.submit(command(2, "dev-1", 60_000)).get();

        assertThat(router.pendingCount()).isEqualTo(1);
        assertThat(spool.appended).singleElement().satisfies(r -> assertThat(r.headers())
                .containsEntry("status", "500")
                .containsEntry("correlation-id", "c1"));
    }

    @Test
    void payloadsLoadedForDeliveryAreBoundedAcrossDevices() throws Exception {
        int size = (int) (CommandRouter.IN_FLIGHT_BYTES * 2 / 3);
        CommandRouter router = boundedRouter(64L << 20, size, List.of(transport));
        router.submit(sized(1, "dev-1", size)).get();
        router.submit(sized(2, "dev-2", size)).get();
        transport.reachable.add("acme/dev-1");
        transport.reachable.add("acme/dev-2");
        transport.comesBack("acme", "dev-1");
        transport.comesBack("acme", "dev-2");

        await().atMost(WAIT).until(() -> transport.sent.size() == 1);
        Thread.sleep(100); // several sweeps: the second still waits for the first one's bytes
        assertThat(transport.sent).hasSize(1);
        String first = transport.sentIds().getFirst();
        transport.complete(first, DeliveryResult.DELIVERED);

        await().atMost(WAIT).until(() -> transport.sent.size() == 2);
        assertThat(transport.sentIds()).containsExactlyInAnyOrder(id(1), id(2));
    }

    // ---- fixtures ----

    private CommandRouter router(List<CommandTransport> transports) throws Exception {
        return router(transports, Set.of("dev-1", "dev-2"), RouterOptions.UnknownDevices.REJECT, dir);
    }

    private CommandRouter router(
            List<CommandTransport> transports, Set<String> known, RouterOptions.UnknownDevices unknown, Path store)
            throws Exception {
        CommandRouter router = new CommandRouter(options(known, unknown, store), transports, spool, null);
        routers.add(router);
        router.start();
        return router;
    }

    private RouterOptions options(Set<String> known, RouterOptions.UnknownDevices unknown, Path store) {
        return RouterOptions.of("gw-test", store, (tenant, device) -> tenant.equals("acme") && known.contains(device))
                .withUnknownDevices(unknown)
                .withRetryInterval(Duration.ofMillis(20))
                .withLease(LEASE)
                .withClock(clock);
    }

    private static String id(int n) {
        return "fog.command.acme/0/" + n;
    }

    private Command command(int n, String device, long ttl) {
        return new Command(
                id(n),
                "acme",
                device,
                "setValve",
                "c" + n,
                true,
                ("payload-" + n).getBytes(StandardCharsets.UTF_8),
                "text/plain",
                clock.millis(),
                clock.millis() + ttl);
    }

    private Command oneWay(int n, String device, long ttl) {
        return new Command(
                id(n),
                "acme",
                device,
                "setValve",
                null,
                false,
                new byte[0],
                null,
                clock.millis(),
                clock.millis() + ttl);
    }

    /** A clock only the test moves. */
    private static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long start) {
            millis = new AtomicLong(start);
        }

        void advance(Duration by) {
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Keeps what was appended; every append is durable at once. */
    private static final class RecordingSpool implements Spool {
        final List<Envelope> appended = new CopyOnWriteArrayList<>();
        private final AtomicLong sequence = new AtomicLong();

        @Override
        public CompletableFuture<Long> append(Envelope envelope) {
            appended.add(envelope);
            return CompletableFuture.completedFuture(sequence.incrementAndGet());
        }

        @Override
        public SpoolCursor cursor() {
            throw new UnsupportedOperationException("the router only appends");
        }

        @Override
        public SpoolStats stats() {
            throw new UnsupportedOperationException("the router only appends");
        }

        @Override
        public void close() {}
    }

    /** A push transport whose deliveries stay open until the test completes them. */
    private static final class HandTransport implements CommandTransport {
        record Sent(Command command, CompletableFuture<DeliveryResult> result) {}

        final Set<String> reachable = ConcurrentHashMap.newKeySet();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        private volatile java.util.function.BiConsumer<String, String> listener = (t, d) -> {};

        @Override
        public String name() {
            return "hand";
        }

        @Override
        public boolean serves(String tenant, String device) {
            return reachable.contains(tenant + "/" + device);
        }

        @Override
        public CompletableFuture<DeliveryResult> deliver(Command command) {
            CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
            sent.add(new Sent(command, result));
            return result;
        }

        @Override
        public void onReachable(java.util.function.BiConsumer<String, String> listener) {
            this.listener = listener;
        }

        void comesBack(String tenant, String device) {
            listener.accept(tenant, device);
        }

        /** Completes the latest open delivery of the command. */
        void complete(String commandId, DeliveryResult result) {
            for (Sent s : sent.reversed()) {
                if (s.command().id().equals(commandId) && !s.result().isDone()) {
                    s.result().complete(result);
                    return;
                }
            }
            throw new AssertionError("no open delivery of " + commandId + " in " + sentIds());
        }

        List<String> sentIds() {
            return sent.stream().map(s -> s.command().id()).toList();
        }
    }
}
