package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.device.RegisteredDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceRegistryTest {

    static Registry registry(boolean tenantEnabled) {
        Device gateway = new Device("acme", "gw", true, List.of(), Set.of("lathe-9"), Set.of("service"));
        Device off = new Device("acme", "off", false, List.of(), Set.of(), Set.of());
        return new Registry(
                Map.of("acme", new Tenant("acme", tenantEnabled, List.of(), Map.of("gw", gateway, "off", off))));
    }

    @Test
    void answersWhoADeviceIsWithTenantAndDeviceFlagsTogether() {
        DeviceRegistry directory = DeviceRegistry.of(registry(true));

        RegisteredDevice gw = directory.device("acme", "gw").orElseThrow();
        assertThat(gw.enabled()).isTrue();
        assertThat(gw.roles()).containsExactly("service");
        assertThat(gw.mayActFor("lathe-9")).isTrue();
        assertThat(gw.labels()).isEmpty();
        assertThat(directory.device("acme", "off").orElseThrow().enabled()).isFalse();
        assertThat(directory.device("acme", "ghost")).isEmpty();

        directory.replaceAll(registry(false));
        assertThat(directory.device("acme", "gw").orElseThrow().enabled()).isFalse();
    }

    @Test
    void devicesActedForAreKnownAsCommandTargets() {
        DeviceRegistry directory = DeviceRegistry.of(registry(true));
        assertThat(directory.isKnown("acme", "gw")).isTrue();
        assertThat(directory.isKnown("acme", "lathe-9")).isTrue();
        assertThat(directory.isKnown("acme", "lathe-8")).isFalse();
        assertThat(directory.isKnown("globex", "gw")).isFalse();
    }

    @Test
    void everyReplacementChangesTheVersionAndTellsSubscribersUntilTheyLeave() {
        DeviceRegistry directory = DeviceRegistry.of(Registry.EMPTY);
        List<Long> heard = new ArrayList<>();
        long before = directory.version();
        DeviceDirectory.Subscription subscription = directory.subscribe(heard::add);
        directory.subscribe(version -> {
            throw new IllegalStateException("a broken listener does not silence the others");
        });

        directory.replaceAll(registry(true));
        directory.replaceAll(registry(true));
        subscription.close();
        directory.replaceAll(Registry.EMPTY);

        assertThat(heard).hasSize(2).doesNotContain(before);
        assertThat(heard.get(1)).isNotEqualTo(heard.get(0));
        assertThat(directory.version()).isNotIn(heard).isNotEqualTo(before);
    }
}
