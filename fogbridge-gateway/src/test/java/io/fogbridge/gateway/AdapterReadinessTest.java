package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.gateway.ops.ReadinessCheck.Status;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An adapter's {@code /readyz} line: what it asks of the operator is shown, as a warning while it still accepts. */
class AdapterReadinessTest {

    @Test
    void attentionIsAWarningWhileReadyAndTheReasonWhenNot() {
        assertThat(OpsEndpoints.accepting(adapter(true, null)).check()).isEqualTo(Status.ok("accepting"));
        assertThat(OpsEndpoints.accepting(adapter(true, "trust it with `fogbridge opcua trust f`"))
                        .check())
                .isEqualTo(Status.degraded("accepting; trust it with `fogbridge opcua trust f`"));
        assertThat(OpsEndpoints.accepting(adapter(false, "trust it")).check()).isEqualTo(Status.notReady("trust it"));
        assertThat(OpsEndpoints.accepting(adapter(false, null)).check()).isEqualTo(Status.notReady("not accepting"));
    }

    static ProtocolAdapter adapter(boolean ready, String attention) {
        return new ProtocolAdapter() {
            @Override
            public String name() {
                return "opcua";
            }

            @Override
            public void start(Uplink uplink) {}

            @Override
            public boolean ready() {
                return ready;
            }

            @Override
            public Optional<String> attention() {
                return Optional.ofNullable(attention);
            }

            @Override
            public void close() {}
        };
    }
}
