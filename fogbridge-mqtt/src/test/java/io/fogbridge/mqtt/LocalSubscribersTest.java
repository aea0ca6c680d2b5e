package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalSubscribersTest {

    /** The broker's topic tree as the test sets it, and every question it was asked. */
    private final Set<String> subscribed = new HashSet<>();

    private final List<String> asked = new ArrayList<>();
    private final LocalSubscribers subscribers = new LocalSubscribers();

    LocalSubscribersTest() {
        subscribers.attach(topic -> {
            asked.add(topic);
            return subscribed.contains(topic);
        });
    }

    @Test
    void anAnswerIsRememberedUntilASubscribeIsAnswered() {
        assertThat(subscribers.anyFor("telemetry/acme/t1")).isFalse();
        assertThat(subscribers.anyFor("telemetry/acme/t1")).isFalse();
        assertThat(asked).containsExactly("telemetry/acme/t1");

        long subscribe = subscribers.subscribes().sent(); // a relayed SUBSCRIBE on its way to the broker
        assertThat(subscribers.anyFor("telemetry/acme/t1"))
                .as("while it is unanswered")
                .isTrue();
        subscribed.add("telemetry/acme/t1");
        subscribers.subscribes().answered(subscribe); // its SUBACK
        assertThat(subscribers.anyFor("telemetry/acme/t1")).isTrue();
        assertThat(asked).containsExactly("telemetry/acme/t1", "telemetry/acme/t1");
    }

    @Test
    void aConnectionClosingWithASubscribeUnansweredForgetsTheAnswers() {
        assertThat(subscribers.anyFor("telemetry/acme/t2")).isFalse();
        long subscribe = subscribers.subscribes().sent();
        subscribed.add("telemetry/acme/t2"); // the broker took it, the SUBACK never came back
        subscribers.subscribes().answered(subscribe); // the connection closed
        assertThat(subscribers.anyFor("telemetry/acme/t2")).isTrue();
    }

    @Test
    void anAnswerAskedBeforeTheTreeChangedIsNotUsedAfter() {
        // A lookup that started in one generation and finished after a SUBACK is remembered under the old one.
        LocalSubscribers racing = new LocalSubscribers();
        racing.attach(topic -> {
            boolean before = subscribed.contains(topic);
            subscribed.add(topic);
            racing.subscribes().answered(racing.subscribes().sent()); // a SUBACK while the tree was being asked
            return before;
        });
        assertThat(racing.anyFor("telemetry/acme/t3")).isFalse();
        racing.attach(topic -> subscribed.contains(topic));
        assertThat(racing.anyFor("telemetry/acme/t3")).isTrue();
    }

    @Test
    void beyondTheRememberedTopicsEveryTopicIsAskedAgain() {
        for (int i = 0; i <= LocalSubscribers.REMEMBERED; i++) {
            subscribers.anyFor("telemetry/acme/d" + i);
        }
        asked.clear();
        subscribers.anyFor("telemetry/acme/d0");
        subscribers.anyFor("telemetry/acme/d" + LocalSubscribers.REMEMBERED);
        assertThat(asked).containsExactly("telemetry/acme/d0");
    }
}
