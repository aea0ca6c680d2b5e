package io.fogbridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceIdTest {

    @Test
    void parsesDeviceAtTenant() {
        assertThat(DeviceId.parseLogin("lathe-1@acme")).contains(new DeviceId("acme", "lathe-1"));
    }

    @Test
    void theLastAtSeparatesSoADeviceIdMayContainOne() {
        assertThat(DeviceId.parseLogin("ops@lathe-1@acme")).contains(new DeviceId("acme", "ops@lathe-1"));
    }

    @Test
    void refusesWhatIsNotDeviceAtTenant() {
        assertThat(DeviceId.parseLogin(null)).isEmpty();
        assertThat(DeviceId.parseLogin("")).isEmpty();
        assertThat(DeviceId.parseLogin("lathe-1")).isEmpty();
        assertThat(DeviceId.parseLogin("@")).isEmpty();
        assertThat(DeviceId.parseLogin("@acme")).isEmpty();
        assertThat(DeviceId.parseLogin("lathe-1@")).isEmpty();
        assertThat(DeviceId.parseLogin("lathe-1@acme@")).isEmpty();
    }

    @Test
    void loginIsWhatParseLoginReads() {
        DeviceId id = new DeviceId("acme", "lathe-1");
        assertThat(id.login()).isEqualTo("lathe-1@acme");
        assertThat(id).hasToString("lathe-1@acme");
        assertThat(DeviceId.parseLogin(id.login())).contains(id);
    }

    @Test
    void isAMapKeyByTenantAndDevice() {
        Map<DeviceId, String> byDevice = new HashMap<>();
        byDevice.put(new DeviceId("acme", "lathe-1"), "a");
        byDevice.put(new DeviceId("other", "lathe-1"), "b");
        assertThat(byDevice.get(new DeviceId("acme", "lathe-1"))).isEqualTo("a");
        // "a/b" + "c" and "a" + "b/c" were the same string key; as a value they are two devices
        assertThat(new DeviceId("a/b", "c")).isNotEqualTo(new DeviceId("a", "b/c"));
    }

    @Test
    void needsBothIds() {
        assertThatThrownBy(() -> new DeviceId(null, "lathe-1")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DeviceId("acme", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void validIdsAreLettersDigitsDotUnderscoreDashUpTo128() {
        assertThat(DeviceId.isValidId("lathe-1")).isTrue();
        assertThat(DeviceId.isValidId("A.b_c-9")).isTrue();
        assertThat(DeviceId.isValidId("x".repeat(DeviceId.MAX_ID_LENGTH))).isTrue();
    }

    @Test
    void invalidIdsAreTooLongEmptyOrHoldOtherCharacters() {
        assertThat(DeviceId.isValidId(null)).isFalse();
        assertThat(DeviceId.isValidId("")).isFalse();
        assertThat(DeviceId.isValidId("x".repeat(DeviceId.MAX_ID_LENGTH + 1))).isFalse();
        assertThat(DeviceId.isValidId("x".repeat(5_000))).isFalse();
        assertThat(DeviceId.isValidId("\ufeffdev-a")).isFalse(); // byte order mark, invisible
        assertThat(DeviceId.isValidId("dev\u200ba")).isFalse(); // zero-width space
        assertThat(DeviceId.isValidId("dev\na")).isFalse();
        assertThat(DeviceId.isValidId("Gerät")).isFalse();
        assertThat(DeviceId.isValidId("-dev")).isFalse();
        assertThat(DeviceId.isValidId(".dev")).isFalse();
        assertThat(DeviceId.isValidId("a b")).isFalse();
        assertThat(DeviceId.isValidId("a/b")).isFalse();
        assertThat(DeviceId.isValidId("a+")).isFalse();
        assertThat(DeviceId.isValidId("a#")).isFalse();
        assertThat(DeviceId.isValidId("a@b")).isFalse();
    }
}
