package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.certs.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryFileTest {

    static final String HASH = PasswordHasher.hash("secret".toCharArray(), 4);

    @TempDir
    Path dir;

    @Test
    void readsTenantsDevicesCredentialsAndTheTenantCa() throws Exception {
        CertificateFactory.ca("CN=Acme CA").writeCertificatePem(dir.resolve("acme-ca.pem"));
        Path file = write("""
                tenants:
                  acme:
                    trustedCa: acme-ca.pem
                    devices:
                      lathe-1:
                        credentials:
                          - type: hashed-password
                            hash: "%s"
                            notAfter: 2030-01-01T00:00:00Z
                          - type: x509-cert
                            subjectDn: "CN=lathe-1, O=acme"
                      line-gw:
                        enabled: false
                        via: [lathe-1]
                        roles: [historian]
                """.formatted(HASH));

        Registry registry = RegistryFile.read(file);

        Device lathe = registry.device("acme", "lathe-1").orElseThrow();
        assertThat(lathe.enabled()).isTrue();
        assertThat(lathe.credentials()).hasSize(2);
        assertThat(lathe.credentials().getFirst().notAfter()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(registry.devicesWithSubject(new X500Principal("CN=lathe-1,O=acme")))
                .containsExactly(lathe);
        Device gateway = registry.device("acme", "line-gw").orElseThrow();
        assertThat(gateway.enabled()).isFalse();
        assertThat(gateway.mayActFor("lathe-1")).isTrue();
        assertThat(gateway.roles()).containsExactly("historian");
        assertThat(registry.tenant("acme").orElseThrow().trustedCas()).hasSize(1);
    }

    @Test
    void aPlainPasswordIsRefusedWithTheLine() throws Exception {
        Path file = write("""
                tenants:
                  acme:
                    devices:
                      lathe-1:
                        credentials:
                          - type: hashed-password
                            password: secret
                """);

        assertThatThrownBy(() -> RegistryFile.read(file))
                .isInstanceOf(RegistryFileException.class)
                .hasMessageContaining(file + ":")
                .hasMessageContaining("plain passwords are never stored")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aBadHashIsRefusedWithLineAndPath() throws Exception {
        Path file = write("""
                tenants:
                  acme:
                    devices:
                      lathe-1:
                        credentials:
                          - type: hashed-password
                            hash: nope
                """);

        assertThatThrownBy(() -> RegistryFile.read(file))
                .hasMessageMatching(
                        "(?s).*registry.yaml:\\d+ at tenants.acme.devices.lathe-1.credentials\\[0\\].*bcrypt.*");
    }

    @Test
    void viaMustNameADeviceOfTheSameTenant() throws Exception {
        Path file = write("""
                tenants:
                  acme:
                    devices:
                      gw: {via: [ghost]}
                """);

        assertThatThrownBy(() -> RegistryFile.read(file)).hasMessageContaining("ghost");
    }

    @Test
    void illegalIdsAndSyntaxErrorsNameTheLine() throws Exception {
        Path ids = write("tenants:\n  acme:\n    devices:\n      \"a/b\": {}\n");
        assertThatThrownBy(() -> RegistryFile.read(ids))
                .hasMessageContaining("a/b")
                .hasMessageContaining(":");

        Path syntax = write("tenants:\n  acme: [\n");
        assertThatThrownBy(() -> RegistryFile.read(syntax)).hasMessageContaining("registry.yaml:");
    }

    @Test
    void anEmptyFileIsAnEmptyRegistry() throws Exception {
        assertThat(RegistryFile.read(write("")).deviceCount()).isZero();
    }

    @Test
    void readsATenantsOnboardingPolicyAndRefusesOneWithoutItsCa() throws Exception {
        CertificateFactory.ca("CN=Acme CA").writeCertificatePem(dir.resolve("acme-ca.pem"));
        Path file = write("""
                tenants:
                  acme:
                    trustedCa: acme-ca.pem
                    onboarding:
                      policy: auto
                      subjectPattern: "CN=sensor-[0-9]+,O=acme"
                  globex:
                    onboarding: {policy: manual}
                """);
        assertThatThrownBy(() -> RegistryFile.read(file))
                .hasMessageContaining("tenants.globex")
                .hasMessageContaining("onboarding needs trustedCa");

        Files.writeString(file, Files.readString(file).replace("  globex:\n    onboarding: {policy: manual}\n", ""));
        Onboarding onboarding =
                RegistryFile.read(file).tenant("acme").orElseThrow().onboarding();
        assertThat(onboarding).isEqualTo(Onboarding.of("auto", "CN=sensor-[0-9]+,O=acme"));

        Files.writeString(file, Files.readString(file).replace("policy: auto", "policy: manual"));
        assertThatThrownBy(() -> RegistryFile.read(file))
                .as("the error names the line and the entry")
                .hasMessageMatching("(?s).*registry\\.yaml:\\d+ at tenants\\.acme\\.onboarding.*")
                .hasMessageContaining("subjectPattern belongs to onboarding policy auto");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
