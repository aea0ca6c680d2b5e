package io.fogbridge.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void headerRoundTripsWithBothSendTimes() {
        Payload payload = new Payload(200, 7);
        byte[] bytes = payload.encode(42, 1_234_567L, 1_700_000_000_000_000L, 1_700_000_000_012_345L);

        assertThat(bytes).hasSize(200);
        assertThat(Payload.decode(bytes))
                .isEqualTo(new Payload.Stamp(42, 1_234_567L, 1_700_000_000_000_000L, 1_700_000_000_012_345L));
    }

    @Test
    void fillerIsLettersAndEveryMessageGetsItsOwnArray() {
        Payload payload = new Payload(64, 7);
        byte[] first = payload.encode(0, 0, 1, 1);
        byte[] second = payload.encode(0, 1, 2, 2);

        assertThat(first).isNotSameAs(second);
        String filler = new String(first, Payload.HEADER_BYTES, 64 - Payload.HEADER_BYTES, StandardCharsets.US_ASCII);
        assertThat(filler).matches("[A-Z]+");
        assertThat(Payload.decode(first).seq()).isZero();
        assertThat(Payload.decode(second).seq()).isEqualTo(1);
    }

    @Test
    void foreignOrShortRecordsAreNotOurs() {
        assertThat(Payload.decode(null)).isNull();
        assertThat(Payload.decode(new byte[Payload.HEADER_BYTES - 1])).isNull();
        assertThat(Payload.decode("not a benchmark record, just text".getBytes(StandardCharsets.US_ASCII)))
                .isNull();
    }

    @Test
    void sizeMustHoldTheHeader() {
        assertThatThrownBy(() -> new Payload(Payload.HEADER_BYTES - 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(Payload.HEADER_BYTES));
    }
}
