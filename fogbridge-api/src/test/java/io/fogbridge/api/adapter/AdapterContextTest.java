package io.fogbridge.api.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.DeviceDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class AdapterContextTest {

    @Test
    void metersAndDirectoryAreNeverNullSoAdaptersNeedNoNullChecks() {
        Uplink uplink = message -> CompletableFuture.completedFuture(Outcome.LOCAL);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            AdapterContext context = new AdapterContext(
                    uplink,
                    null,
                    null,
                    null,
                    null,
                    scheduler,
                    new DeviceLimits(1024, Duration.ofSeconds(10), Duration.ofSeconds(60)));

            context.meters().counter("fogbridge.test.counted").increment();
            assertThat(context.meters().counter("fogbridge.test.counted").count())
                    .as("the default registry records nothing")
                    .isZero();
            assertThat(context.devices()).isSameAs(DeviceDirectory.empty());
            assertThat(context.clock()).isNotNull();
            assertThat(context.commands()).isNull();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void theEmptyDirectoryRefusesLikeARegistryWithoutDevices() {
        DeviceDirectory empty = DeviceDirectory.empty();
        byte[] password = "pw".getBytes(StandardCharsets.UTF_8);
        assertThat(empty.authenticate("lathe-1@acme", password, Instant.EPOCH))
                .isEqualTo(new AuthResult.Refused(AuthResult.Reason.BAD_CREDENTIALS, "unknown device lathe-1@acme"));
        assertThat(empty.authenticate("lathe-1", password, Instant.EPOCH))
                .isInstanceOfSatisfying(AuthResult.Refused.class, r -> assertThat(r.reason())
                        .isEqualTo(AuthResult.Reason.MALFORMED_USERNAME));
        assertThat(empty.isKnown("acme", "lathe-1")).isFalse();
        assertThat(empty.device("acme", "lathe-1")).isEmpty();
    }
}
