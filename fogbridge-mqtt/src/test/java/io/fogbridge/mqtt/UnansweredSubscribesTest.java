package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnansweredSubscribesTest {

    private final List<String> ran = new ArrayList<>();
    private int answeredCalls;
    private final UnansweredSubscribes subscribes = new UnansweredSubscribes(() -> answeredCalls++);

    @Test
    void aPublishWithNothingUnansweredBeforeItGoesAtOnce() {
        assertThat(subscribes.any()).isFalse();
        subscribes.whenAnswered(subscribes.lastSent(), () -> ran.add("at once"));
        assertThat(ran).containsExactly("at once");
    }

    @Test
    void aPublishWaitsForTheSubscribesReadBeforeItInWhateverOrderTheyAreAnswered() {
        long first = subscribes.sent();
        long second = subscribes.sent();
        subscribes.whenAnswered(subscribes.lastSent(), () -> ran.add("publish"));
        assertThat(subscribes.any()).isTrue();

        subscribes.answered(second);
        assertThat(ran).isEmpty();
        subscribes.answered(first);
        assertThat(ran).containsExactly("publish");
        assertThat(subscribes.any()).isFalse();
        assertThat(answeredCalls).isEqualTo(2);
    }

    @Test
    void subscribesReadAfterAPublishDoNotHoldItUp() {
        long before = subscribes.sent();
        subscribes.whenAnswered(subscribes.lastSent(), () -> ran.add("publish 1"));
        long after = subscribes.sent(); // a storm of devices subscribing goes on
        subscribes.whenAnswered(subscribes.lastSent(), () -> ran.add("publish 2"));

        subscribes.answered(before);
        assertThat(ran).containsExactly("publish 1");
        assertThat(subscribes.any()).isTrue();
        subscribes.answered(after);
        assertThat(ran).containsExactly("publish 1", "publish 2");
    }

    @Test
    void aNumberAnsweredTwiceCountsOnce() {
        long one = subscribes.sent();
        subscribes.sent();
        subscribes.answered(one);
        subscribes.answered(one);
        assertThat(subscribes.any())
                .as("the second SUBSCRIBE is still unanswered")
                .isTrue();
    }
}
