package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.gateway.ops.BearerToken;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {

    private static final String TOKEN = "s3cret-console-token-0123";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();
    private final ConsoleSessions sessions =
            new ConsoleSessions(BearerToken.of(TOKEN), registry, nanos::get, Duration.ofMinutes(10));

    @Test
    void theRightTokenOpensASessionAndWrongOnesAreRefusedAndCounted() {
        assertThat(sessions.login("not-the-token-at-all-xx")).isEmpty();
        assertThat(sessions.login(null)).isEmpty();
        assertThat(sessions.login(TOKEN.substring(1))).isEmpty();
        assertThat(refused("fogbridge.console.login.refused")).isEqualTo(3);

        var session = sessions.login(TOKEN).orElseThrow();
        assertThat(session.id()).isNotEqualTo(session.csrf()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(sessions.find(session.id())).contains(session);
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(session.toString()).doesNotContain(session.id());
    }

    @Test
    void csrfMustBeTheSessionsOwn() {
        var a = sessions.login(TOKEN).orElseThrow();
        var b = sessions.login(TOKEN).orElseThrow();
        assertThat(sessions.csrfMatches(a, a.csrf())).isTrue();
        assertThat(sessions.csrfMatches(a, b.csrf())).isFalse();
        assertThat(sessions.csrfMatches(a, null)).isFalse();
        assertThat(sessions.csrfMatches(a, "")).isFalse();
        assertThat(refused("fogbridge.console.csrf.refused")).isEqualTo(3);
    }

    @Test
    void idleSessionsExpireAndLogoutEndsOne() {
        var session = sessions.login(TOKEN).orElseThrow();
        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(sessions.find(session.id())).isPresent(); // touched: the idle time starts again
        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(sessions.find(session.id())).isPresent();
        nanos.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(sessions.find(session.id())).isEmpty();

        var other = sessions.login(TOKEN).orElseThrow();
        sessions.logout(other);
        assertThat(sessions.find(other.id())).isEmpty();
    }

    @Test
    void sessionsAreBoundedOldestFirst() {
        var first = sessions.login(TOKEN).orElseThrow();
        for (int i = 0; i < ConsoleSessions.MAX_SESSIONS; i++) {
            sessions.login(TOKEN).orElseThrow();
        }
        assertThat(sessions.find(first.id())).isEmpty();
    }

    @Test
    void withoutATokenNoLoginIsNeededAndNoneIsAccepted() {
        var open = new ConsoleSessions(null, registry, nanos::get, Duration.ofMinutes(10));
        assertThat(open.loginRequired()).isFalse();
        assertThat(open.login(TOKEN)).isEmpty();
        var session = open.openWithoutLogin();
        assertThat(open.find(session.id())).contains(session);
        assertThatThrownBy(sessions::openWithoutLogin).isInstanceOf(IllegalStateException.class);
    }

    private double refused(String name) {
        return registry.get(name).counter().count();
    }
}
