package io.fogbridge.pipeline.reduction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FieldReaderTest {

    private final FieldReader reader = new FieldReader(new String[] {"temp", "values.rpm", "state"});

    private Object[] read(String json) {
        Sample sample = reader.read(json.getBytes(StandardCharsets.UTF_8));
        return sample == null ? null : sample.values();
    }

    @Test
    void readsTopLevelAndNestedFieldsAndSkipsTheRest() {
        assertThat(read("{\"ts\":1,\"extra\":{\"temp\":99,\"a\":[1,2]},\"temp\":21.5,"
                        + "\"values\":{\"x\":1,\"rpm\":1200},\"state\":\"run\"}"))
                .containsExactly(21.5, 1200.0, "\"run\"");
    }

    @Test
    void aMissingFieldIsNull() {
        assertThat(read("{\"temp\":1}")).containsExactly(1.0, null, null);
        assertThat(read("{\"values\":5}")).containsExactly(null, null, null);
    }

    @Test
    void nonNumbersKeepTheirJsonTextSoTypesDiffer() {
        assertThat(read("{\"temp\":\"21.5\",\"state\":true}")).containsExactly("\"21.5\"", null, "true");
        assertThat(read("{\"temp\":null,\"state\":\"true\"}")).containsExactly("null", null, "\"true\"");
        assertThat(read("{\"temp\":{\"v\": [1, 2]},\"state\":[3]}")).containsExactly("{\"v\": [1, 2]}", null, "[3]");
    }

    @Test
    void nanAndInfinityAreNumbers() {
        Object[] values = read("{\"temp\":NaN,\"state\":-Infinity}");
        assertThat((Double) values[0]).isNaN();
        assertThat(values[2]).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void whatIsNotAJsonObjectCannotBeRead() {
        assertThat(read("[1,2]")).isNull();
        assertThat(read("42")).isNull();
        assertThat(read("")).isNull();
        assertThat(read("{\"temp\":")).isNull();
        assertThat(read("\u0000\u0001binary")).isNull();
    }

    @Test
    void stopsOnceEveryFieldWasFound() {
        // The tail is broken, but everything needed came before it.
        assertThat(read("{\"temp\":1,\"values\":{\"rpm\":2},\"state\":3, garbage"))
                .containsExactly(1.0, 2.0, 3.0);
    }
}
