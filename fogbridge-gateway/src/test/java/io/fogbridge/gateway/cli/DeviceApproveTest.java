package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.DeviceRegistry;
import io.fogbridge.registry.NewcomersFile;
import io.fogbridge.registry.RegistryFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fogbridge device approve} without Kubernetes: the subject the gateway listed in {@code newcomers.yaml}
 * becomes the device's certificate credential in the registry file, so the same certificate then authenticates.
 */
class DeviceApproveTest {

    @TempDir
    Path dir;

    @Test
    void approvingAListedNewcomerRegistersItsSubjectAndItsCertificateThenAuthenticates() throws Exception {
        CertificateFactory.Issued ca = CertificateFactory.ca("CN=Acme CA");
        ca.writeCertificatePem(dir.resolve("acme-ca.pem"));
        Path registry = Files.writeString(dir.resolve("devices.yaml"), """
                tenants:
                  acme:
                    trustedCa: acme-ca.pem
                    onboarding: {policy: manual}
                """);
        DeviceRegistry devices = DeviceRegistry.of(RegistryFile.read(registry));
        List<java.security.cert.X509Certificate> chain =
                List.of(CertificateFactory.client(ca, "CN=sensor-9,O=acme").certificate());
        assertThat(devices.authenticate(chain, Instant.now())).isInstanceOf(AuthResult.Pending.class);
        Path newcomers = dir.resolve(NewcomersFile.NAME);
        NewcomersFile.write(newcomers, devices.onboarding().list());
        assertThat(Files.readString(newcomers))
                .contains("subject: \"CN=sensor-9,O=acme\"")
                .contains("pending");

        int unknown = Main.commandLine()
                .execute(
                        "device",
                        "approve",
                        "ghost@acme",
                        "-r",
                        registry.toString(),
                        "--newcomers",
                        newcomers.toString());
        assertThat(unknown).as("a device that is not pending").isEqualTo(1);

        int code = Main.commandLine()
                .execute(
                        "device",
                        "approve",
                        "sensor-9@acme",
                        "-r",
                        registry.toString(),
                        "--newcomers",
                        newcomers.toString());

        assertThat(code).isZero();
        devices.replaceAll(RegistryFile.read(registry));
        assertThat(devices.authenticate(chain, Instant.now())).isInstanceOf(AuthResult.Authenticated.class);
        assertThat(devices.onboarding().list()).isEmpty();
    }
}
