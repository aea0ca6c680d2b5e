package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.RegistryFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantCommandTest {

    @TempDir
    Path dir;

    @Test
    void aCaBesideTheRegistryIsWrittenRelativeToItAnyOtherAbsolute() {
        Path registry = dir.resolve("reg/devices.yaml");
        assertThat(TenantCommand.caPathFor(registry, dir.resolve("reg/certs/acme-ca.pem")))
                .isEqualTo("certs/acme-ca.pem");
        assertThat(TenantCommand.caPathFor(registry, dir.resolve("elsewhere/acme-ca.pem")))
                .isEqualTo(dir.resolve("elsewhere/acme-ca.pem").toAbsolutePath().toString());
    }

    @Test
    void tenantAddWithACaThenDisableAndARefusedSecondAdd() throws Exception {
        Path registry = dir.resolve("devices.yaml");
        CertificateFactory.ca("CN=Acme Devices CA,O=acme").writeCertificatePem(dir.resolve("acme-ca.pem"));

        assertThat(Main.commandLine()
                        .execute(
                                "tenant",
                                "add",
                                "acme",
                                "--ca",
                                dir.resolve("acme-ca.pem").toString(),
                                "-r",
                                registry.toString()))
                .isZero();
        assertThat(Files.readString(registry)).contains("trustedCa: acme-ca.pem");
        assertThat(RegistryFile.read(registry).tenant("acme").orElseThrow().trustedCas())
                .hasSize(1);

        assertThat(Main.commandLine().execute("tenant", "disable", "acme", "-r", registry.toString()))
                .isZero();
        assertThat(RegistryFile.read(registry).tenant("acme").orElseThrow().enabled())
                .isFalse();
        assertThat(Main.commandLine().execute("tenant", "add", "acme", "-r", registry.toString()))
                .isEqualTo(1);
        assertThat(Main.commandLine().execute("tenant", "list", "-r", registry.toString()))
                .isZero();
    }
}
