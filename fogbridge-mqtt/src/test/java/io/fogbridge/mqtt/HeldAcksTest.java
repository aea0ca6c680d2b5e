package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeldAcksTest {

    /** What the sink saw, in order: "ack 7", "fail 7 0x80", "flush". */
    private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

    private final ExecutorService eventLoop = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        eventLoop.shutdownNow();
    }

    private HeldAcks<String> acks(Executor loop, Duration timeout) {
        return new HeldAcks<>(loop, timeout, new HeldAcks.Sink<>() {
            @Override
            public void release(String brokerAnswer, long heldNanos) {
                seen.add(brokerAnswer);
            }

            @Override
            public void fail(String brokerAnswer, int packetId, int reasonCode, String reason, long heldNanos) {
                seen.add("fail " + packetId + " 0x" + Integer.toHexString(reasonCode));
            }

            @Override
            public void flush() {
                seen.add("flush");
            }
        });
    }

    private HeldAcks<String> direct() {
        return acks(Runnable::run, Duration.ofSeconds(30));
    }

    private List<String> seen() {
        return new ArrayList<>(seen);
    }

    @Test
    void nothingIsReleasedBeforeItsAppendIsDurable() {
        HeldAcks<String> acks = direct();
        CompletableFuture<Long> append = new CompletableFuture<>();
        acks.published(1);

        assertThat(acks.brokerAnswered(1, "ack 1", false, append)).isTrue();

        assertThat(seen()).isEmpty();
        assertThat(acks.held()).isEqualTo(1);
        append.complete(42L);
        assertThat(seen()).containsExactly("ack 1", "flush");
        assertThat(acks.held()).isZero();
    }

    @Test
    void appendsCompletingOutOfOrderAreAnsweredInPacketOrder() {
        HeldAcks<String> acks = direct();
        List<CompletableFuture<Long>> appends = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            acks.published(id);
            CompletableFuture<Long> append = new CompletableFuture<>();
            appends.add(append);
            acks.brokerAnswered(id, "ack " + id, false, append);
        }

        appends.get(3).complete(4L);
        appends.get(1).complete(2L);
        assertThat(seen()).isEmpty(); // 1 is not durable yet: nothing after it may go either

        appends.get(0).complete(1L);
        assertThat(seen()).containsExactly("ack 1", "ack 2", "flush");

        appends.get(2).complete(3L);
        assertThat(seen()).containsExactly("ack 1", "ack 2", "flush", "ack 3", "ack 4", "flush");
    }

    @Test
    void theCompletionsOfOneGroupCommitAreSettledInOneTaskAndLeaveInOneFlush() {
        List<Runnable> loop = new ArrayList<>();
        HeldAcks<String> acks = acks(loop::add, Duration.ofSeconds(30));
        List<CompletableFuture<Long>> appends = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            acks.published(id);
            CompletableFuture<Long> append = new CompletableFuture<>();
            appends.add(append);
            acks.brokerAnswered(id, "ack " + id, false, append);
        }
        loop.clear(); // the timer's task
        appends.forEach(append -> append.complete(1L)); // the spool's writer, after one fsync

        assertThat(loop).as("tasks handed to the event loop").hasSize(1);
        loop.removeFirst().run();
        assertThat(seen()).containsExactly("ack 1", "ack 2", "ack 3", "ack 4", "ack 5", "flush");

        // A completion after the task ran brings its own.
        acks.published(6);
        CompletableFuture<Long> late = new CompletableFuture<>();
        acks.brokerAnswered(6, "ack 6", false, late);
        late.complete(2L);
        assertThat(loop).hasSize(1);
        loop.removeFirst().run();
        assertThat(seen()).endsWith("ack 6", "flush");
    }

    @Test
    void aBrokerRefusalPassesAtOnceButKeepsItsPlace() {
        HeldAcks<String> acks = direct();
        CompletableFuture<Long> first = new CompletableFuture<>();
        acks.published(1);
        acks.published(2);
        acks.brokerAnswered(1, "ack 1", false, first);

        acks.brokerAnswered(2, "refused 2 (0x87)", true, null);
        assertThat(seen()).isEmpty();

        first.complete(1L);
        assertThat(seen()).containsExactly("ack 1", "refused 2 (0x87)", "flush");
    }

    @Test
    void aPublishWithoutAnAppendIsAnsweredAsTheBrokerSaid() {
        HeldAcks<String> acks = direct();
        acks.published(5);

        acks.brokerAnswered(5, "ack 5", false, null);

        assertThat(seen()).containsExactly("ack 5", "flush");
    }

    @Test
    void aFailedAppendIsAnsweredWithAnErrorNotTheBrokersSuccess() {
        HeldAcks<String> acks = direct();
        acks.published(9);

        acks.brokerAnswered(9, "ack 9", false, CompletableFuture.failedFuture(new java.io.IOException("disk")));

        assertThat(seen()).containsExactly("fail 9 0x80", "flush");
    }

    @Test
    void anAppendRefusedAfterTheBrokerLetItThroughIsAnsweredWithTheRefusalsCode() {
        HeldAcks<String> acks = direct();
        acks.published(4);
        acks.published(5);
        CompletableFuture<Long> refused = new CompletableFuture<>();

        acks.brokerAnswered(4, "ack 4", false, refused.thenApply(offset -> {
            throw new HeldAcks.Refused(0x97, "spool full");
        }));
        acks.brokerAnswered(5, "ack 5", false, CompletableFuture.completedFuture(5L));
        refused.complete(4L);

        assertThat(seen()).containsExactly("fail 4 0x97", "ack 5", "flush");
    }

    @Test
    void closingHandsBackTheHeldAnswersAndReleasesNothingMore() {
        HeldAcks<String> acks = direct();
        acks.published(1);
        acks.published(2);
        CompletableFuture<Long> append = new CompletableFuture<>();
        acks.brokerAnswered(1, "ack 1", false, append);

        assertThat(acks.close()).containsExactly("ack 1");
        append.complete(1L);
        assertThat(seen()).isEmpty();
    }

    @Test
    void anAppendNotDurableWithinTheTimeoutIsAnswered0x83AndItsLateCompletionIgnored() {
        HeldAcks<String> acks = acks(eventLoop, Duration.ofMillis(100));
        CompletableFuture<Long> append = new CompletableFuture<>();
        eventLoop.execute(() -> {
            acks.published(3);
            acks.brokerAnswered(3, "ack 3", false, append);
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("flush"));
        append.complete(3L);

        assertThat(seen()).containsExactly("fail 3 0x83", "flush");
        assertThat(append).isCompletedWithValue(3L); // the timeout never touched the uplink's own future
    }

    @Test
    void eachAnswerGetsItsOwnTimeoutFromTheConnectionsOneTimer() throws Exception {
        HeldAcks<String> acks = acks(eventLoop, Duration.ofMillis(300));
        eventLoop.execute(() -> {
            acks.published(1);
            acks.brokerAnswered(1, "ack 1", false, new CompletableFuture<>());
        });
        Thread.sleep(150);
        long secondAnswered = eventLoop
                .submit(() -> {
                    acks.published(2); // the timeout counts from the PUBLISH
                    acks.brokerAnswered(2, "ack 2", false, new CompletableFuture<>());
                    return System.nanoTime();
                })
                .get();

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("fail 2 0x83"));
        long secondTimedOutAfter =
                Duration.ofNanos(System.nanoTime() - secondAnswered).toMillis();

        assertThat(seen()).containsSubsequence("fail 1 0x83", "fail 2 0x83", "flush");
        // Not with the first one's timer: the second waited its own 300 ms.
        assertThat(secondTimedOutAfter).isGreaterThanOrEqualTo(300);
    }

    @Test
    void anAnswerForAPacketIdNoPublishAwaitsIsNotHeld() {
        HeldAcks<String> acks = direct();
        acks.published(1);

        assertThat(acks.brokerAnswered(2, "ack 2", false, new CompletableFuture<>()))
                .isFalse();
        assertThat(acks.held()).isEqualTo(1);
    }

    @Test
    void aReusedPacketIdWaitsBehindTheEarlierPublish() {
        HeldAcks<String> acks = direct();
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = CompletableFuture.completedFuture(2L);
        acks.published(7);
        acks.brokerAnswered(7, "ack 7 (first)", false, first);
        acks.published(7); // MQTT allows it only after the first was answered; a broken client must not reorder

        acks.brokerAnswered(7, "ack 7 (second)", false, second);
        assertThat(seen()).isEmpty();

        first.complete(1L);
        assertThat(seen()).containsExactly("ack 7 (first)", "ack 7 (second)", "flush");
    }

    @Test
    void afterCloseNothingIsReleased() {
        HeldAcks<String> acks = direct();
        CompletableFuture<Long> append = new CompletableFuture<>();
        acks.published(1);
        acks.brokerAnswered(1, "ack 1", false, append);

        acks.close();
        append.complete(1L);

        assertThat(seen()).isEmpty();
        assertThat(acks.held()).isZero();
    }
}
