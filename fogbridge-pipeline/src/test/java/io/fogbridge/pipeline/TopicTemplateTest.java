package io.fogbridge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicTemplateTest {

    private static final List<String> CAPTURES = List.of("site", "device");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            fog.telemetry.{site}        | fog.telemetry.plant-1
            {device}                    | m7
            {site}.{device}.{site}      | plant-1.m7.plant-1
            fixed                       | fixed
            x{device}y                  | xm7y
            """)
    void rendersCaptures(String template, String expected) {
        assertThat(TopicTemplate.parse(template, CAPTURES).render(Map.of("site", "plant-1", "device", "m7")))
                .isEqualTo(expected);
    }

    @Test
    void unknownCaptureIsNamed() {
        assertThatThrownBy(() -> TopicTemplate.parse("fog.telemetry.{sit}", CAPTURES))
                .hasMessageContaining("unknown capture 'sit'")
                .hasMessageContaining("site, device");
        assertThatThrownBy(() -> TopicTemplate.parse("{x}", List.of())).hasMessageContaining("captures nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fog.{site", "fog.site}", "fog.{}", ""})
    void rejectsMalformedTemplates(String template) {
        assertThatThrownBy(() -> TopicTemplate.parse(template, CAPTURES)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fog telemetry.{site}", "fog/telemetry", "..", "fog.tel:{site}"})
    void kafkaTopicTemplatesRejectIllegalFixedParts(String template) {
        assertThatThrownBy(() -> TopicTemplate.parseKafkaTopic(template, CAPTURES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keyTemplatesAllowAnyCharacters() {
        assertThat(TopicTemplate.parse("{site}/{device}", CAPTURES).render(Map.of("site", "a", "device", "b")))
                .isEqualTo("a/b");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            fog.telemetry.plant-1   | true
            a_B-9.x                 | true
            .                       | false
            ..                      | false
            ""                      | false
            fog.telemetry.plant 1   | false
            fog.telemetry.pläntä    | false
            fog/x                   | false
            """)
    void kafkaTopicLegality(String topic, boolean legal) {
        assertThat(TopicTemplate.isLegalKafkaTopic(topic)).isEqualTo(legal);
    }

    @Test
    void kafkaTopicLengthLimit() {
        assertThat(TopicTemplate.isLegalKafkaTopic("a".repeat(249))).isTrue();
        assertThat(TopicTemplate.isLegalKafkaTopic("a".repeat(250))).isFalse();
    }
}
