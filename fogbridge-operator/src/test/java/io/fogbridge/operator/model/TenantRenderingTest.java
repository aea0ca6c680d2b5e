package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.registry.Onboarding;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Gateway's tenants with their CAs and onboarding: the registry the gateway loads names the CA and the policy, the
 * CA files sit beside it, and a listener that asks for client certificates trusts exactly the tenants' CAs.
 */
class TenantRenderingTest {

    @TempDir
    Path dir;

    @Test
    void tenantCasAndPoliciesReachTheRegistryAndTheClientCertificateListeners() throws Exception {
        String acmePem = CertificateFactory.ca("CN=Acme CA").certificatePem();
        String globexPem = CertificateFactory.ca("CN=Globex CA").certificatePem();
        TenantSpec.Onboarding auto = new TenantSpec.Onboarding();
        auto.policy = TenantSpec.Policy.AUTO;
        auto.subjectPattern = "CN=sensor-[0-9]+,O=acme";
        DeviceSet devices = DeviceSet.of(
                List.of(),
                List.of(new RenderedTenant("acme", acmePem, auto), new RenderedTenant("globex", globexPem, null)));

        Map<String, String> data = devices.secretData();
        assertThat(data).containsKeys("ca-acme.pem", "ca-globex.pem", DeviceSet.CLIENT_CAS_FILE);
        assertThat(data.get(DeviceSet.CLIENT_CAS_FILE)).isEqualTo(acmePem + globexPem);
        for (var file : data.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        Registry registry = RegistryFile.read(dir.resolve(DeviceSet.REGISTRY_FILE));
        assertThat(registry.tenant("acme").orElseThrow().onboarding())
                .isEqualTo(Onboarding.of("auto", "CN=sensor-[0-9]+,O=acme"));
        assertThat(registry.tenant("acme").orElseThrow().trustedCas()).hasSize(1);
        assertThat(registry.tenant("globex").orElseThrow().onboarding()).isNull();

        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        ListenerSpec mtls = new ListenerSpec();
        mtls.port = 8883;
        mtls.tls = new ListenerSpec.Tls();
        mtls.tls.secretName = "lathe-mqtt-tls";
        mtls.tls.clientAuth = ListenerSpec.ClientAuth.OPTIONAL;
        ListenerSpec plain = new ListenerSpec();
        plain.port = 1883;
        gateway.getSpec().listeners = List.of(mtls, plain);
        String config = new GatewayConfigRenderer(PodPaths.inPod())
                .render(gateway, devices)
                .yaml();
        assertThat(config)
                .contains("clientCaFile: " + PodPaths.inPod().devicesDir().resolve(DeviceSet.CLIENT_CAS_FILE))
                .doesNotContain("listeners/8883/ca.crt")
                .contains("reportNewcomers: true");
    }

    @Test
    void withoutTenantsNothingChanges() throws Exception {
        DeviceSet devices = DeviceSet.of(List.of());
        assertThat(devices.secretData()).doesNotContainKey(DeviceSet.CLIENT_CAS_FILE);
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        ListenerSpec mtls = new ListenerSpec();
        mtls.port = 8883;
        mtls.tls = new ListenerSpec.Tls();
        mtls.tls.secretName = "lathe-mqtt-tls";
        mtls.tls.clientAuth = ListenerSpec.ClientAuth.REQUIRED;
        gateway.getSpec().listeners = List.of(mtls);
        String config = new GatewayConfigRenderer(PodPaths.inPod())
                .render(gateway, devices)
                .yaml();
        assertThat(config).contains("listeners/8883/ca.crt").doesNotContain("reportNewcomers");
    }
}
