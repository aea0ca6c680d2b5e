package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.certs.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenant-level edits ({@code fogbridge tenant}) and the warning about certificate devices of a tenant with no CA. */
class TenantSettingsTest {

    @TempDir
    Path dir;

    @Test
    void aTenantWithCertificateDevicesAndNoCaIsAWarningThatNamesTheTenantAndTheFix() throws Exception {
        Path file = dir.resolve("devices.yaml");
        RegistryFileEditor editor = RegistryFileEditor.open(file);
        editor.addDevice("acme", "lathe-9", List.of(), List.of());
        editor.addCertificateSubject("acme", "lathe-9", "CN=lathe-9,O=acme");
        editor.addDevice("acme", "lathe-1", List.of(), List.of());
        editor.setPasswordHash("acme", "lathe-1", PasswordHasher.hash("pw".toCharArray(), 4));
        editor.addDevice("globex", "pump-1", List.of(), List.of()); // no certificates: nothing to warn about
        Registry saved = editor.save();

        assertThat(saved.warnings())
                .containsExactly("tenant acme has no trustedCa, so the certificates of lathe-9 cannot log in; run"
                        + " `fogbridge tenant set-ca acme <ca.pem>` (the CA that issued them)");

        CertificateFactory.ca("CN=Acme Devices CA,O=acme").writeCertificatePem(dir.resolve("acme-ca.pem"));
        editor = RegistryFileEditor.open(file);
        editor.setTrustedCa("acme", "acme-ca.pem");
        assertThat(editor.save().warnings()).isEmpty();
    }

    @Test
    void addTenantSetCaDisableAndRemoveTheCaRoundTripThroughTheFile() throws Exception {
        Path file = dir.resolve("devices.yaml");
        CertificateFactory.ca("CN=Acme Devices CA,O=acme").writeCertificatePem(dir.resolve("acme-ca.pem"));
        RegistryFileEditor editor = RegistryFileEditor.open(file);
        editor.addTenant("acme");
        editor.setTrustedCa("acme", "acme-ca.pem");
        editor.save();

        assertThatThrownBy(() -> RegistryFileEditor.open(file).addTenant("acme"))
                .hasMessage("tenant acme already exists");
        assertThatThrownBy(() -> RegistryFileEditor.open(file).setTenantEnabled("globex", false))
                .hasMessage("no tenant globex; add it with `tenant add`");
        Tenant acme = RegistryFile.read(file).tenant("acme").orElseThrow();
        assertThat(acme.enabled()).isTrue();
        assertThat(acme.trustedCas()).hasSize(1);

        editor = RegistryFileEditor.open(file);
        editor.setTenantEnabled("acme", false);
        editor.save();
        assertThat(RegistryFile.read(file).tenant("acme").orElseThrow().enabled())
                .isFalse();
        assertThat(RegistryFileEditor.open(file).tenants()).singleElement().satisfies(t -> assertThat(
                        t.getValue().path("trustedCa").asText())
                .isEqualTo("acme-ca.pem"));

        editor = RegistryFileEditor.open(file);
        editor.removeTrustedCa("acme");
        editor.save();
        assertThat(RegistryFile.read(file).tenant("acme").orElseThrow().trustedCas())
                .isEmpty();
    }

    @Test
    void aCaFileWithoutCertificatesIsRefusedAndTheFileKept() throws Exception {
        Path file = dir.resolve("devices.yaml");
        RegistryFileEditor editor = RegistryFileEditor.open(file);
        editor.addTenant("acme");
        editor.save();
        String before = Files.readString(file);
        Files.writeString(dir.resolve("empty.pem"), "");

        RegistryFileEditor broken = RegistryFileEditor.open(file);
        broken.setTrustedCa("acme", "empty.pem");
        assertThatThrownBy(broken::save)
                .isInstanceOf(RegistryFileException.class)
                .hasMessageContaining("tenants.acme")
                .hasMessageContaining("empty.pem");
        assertThat(Files.readString(file)).isEqualTo(before);
    }
}
