package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicAclTest {

    final TopicAcl acl = new TopicAcl(
            Map.of("historian", new TopicPermissions(List.of("factory/+/history/#"), List.of("telemetry/acme/#"))),
            new TopicPermissions(List.of("local/#"), List.of("local/#")));
    final ConnectionPrincipal lathe = new ConnectionPrincipal("acme", "lathe-1", Set.of(), Set.of());
    final ConnectionPrincipal gateway = new ConnectionPrincipal("acme", "gw", Set.of("historian"), Set.of("lathe-2"));

    @Test
    void aDevicePublishesOnItsOwnTopicsInEveryForm() {
        for (String topic : List.of(
                "telemetry",
                "event",
                "telemetry/acme/lathe-1",
                "telemetry/acme/lathe-1/spindle/temp",
                "telemetry//",
                "telemetry///x",
                "event/acme/lathe-1",
                "event//lathe-1",
                "command/acme/lathe-1/res/42/200",
                "command///res/42/200")) {
            assertThat(acl.publishDenial(lathe, topic)).as(topic).isNull();
        }
    }

    @Test
    void aDeviceMayNotPublishForAnotherDeviceOrTenantOrOffContract() {
        for (String topic : List.of(
                "telemetry/acme/lathe-2",
                "telemetry//lathe-2",
                "telemetry/globex/lathe-1",
                "telemetry/globex/",
                "command/acme/lathe-1/req/42/stop",
                "command/acme/lathe-2/res/42/200",
                "telemetry/acme",
                "factory/a/history/x",
                "local/x")) {
            assertThat(acl.publishDenial(lathe, topic)).as(topic).contains("lathe-1@acme");
        }
    }

    @Test
    void viaAndRolesWiden() {
        assertThat(acl.publishDenial(gateway, "telemetry/acme/lathe-2")).isNull();
        assertThat(acl.publishDenial(gateway, "telemetry/acme/lathe-1")).isNotNull();
        assertThat(acl.publishDenial(gateway, "factory/a/history/x")).isNull();
        assertThat(acl.subscribeDenial(gateway, "telemetry/acme/+/temp")).isNull();
        assertThat(acl.subscribeDenial(gateway, "telemetry/#")).isNotNull();
        assertThat(acl.subscribeDenial(gateway, "command/acme/lathe-2/req/#")).isNull();
    }

    @Test
    void aDeviceSubscribesOnlyToItsOwnCommands() {
        assertThat(acl.subscribeDenial(lathe, "command/acme/lathe-1/req/#")).isNull();
        assertThat(acl.subscribeDenial(lathe, "command///req/#")).isNull();
        assertThat(acl.subscribeDenial(lathe, "command/acme/lathe-1/req/+/stop"))
                .isNull();
        assertThat(acl.subscribeDenial(lathe, "command/acme/+/req/#")).isNotNull();
        assertThat(acl.subscribeDenial(lathe, "command/acme/lathe-2/req/#")).isNotNull();
        assertThat(acl.subscribeDenial(lathe, "command/globex/lathe-1/req/#")).isNotNull();
        assertThat(acl.subscribeDenial(lathe, "command/#")).isNotNull();
        assertThat(acl.subscribeDenial(lathe, "#")).isNotNull();
    }

    @Test
    void anonymousClientsGetTheAnonymousRole() {
        assertThat(acl.publishDenial(null, "local/a")).isNull();
        assertThat(acl.publishDenial(null, "telemetry/acme/lathe-1")).isNotNull();
        TopicAcl open = new TopicAcl(Map.of(), TopicPermissions.ALL);
        assertThat(open.publishDenial(null, "telemetry/acme/lathe-1")).isNull();
        assertThat(open.subscribeDenial(null, "#")).isNull();
    }

    @Test
    void filterMatchingAndCovering() {
        assertThat(TopicAcl.matches("a/+/c", "a/b/c")).isTrue();
        assertThat(TopicAcl.matches("a/#", "a")).isTrue();
        assertThat(TopicAcl.matches("a/+", "a/b/c")).isFalse();
        assertThat(TopicAcl.covers("a/+/c", "a/+/c")).isTrue();
        assertThat(TopicAcl.covers("a/+/c", "a/#")).isFalse();
        assertThat(TopicAcl.covers("a/b", "a/+")).isFalse();
        assertThatThrownBy(() -> new TopicPermissions(List.of("a/#/b"), List.of()))
                .hasMessageContaining("last");
        assertThatThrownBy(() -> new TopicPermissions(List.of("a/b+"), List.of()))
                .hasMessageContaining("whole level");
    }
}
