package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.device.AuthResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryFileEditorTest {

    @TempDir
    Path dir;

    @Test
    void addSetPasswordRemoveRoundTripsThroughTheFile() throws Exception {
        Path file = dir.resolve("devices.yaml");
        RegistryFileEditor editor = RegistryFileEditor.open(file);
        editor.addDevice("acme", "lathe-1", List.of(), List.of());
        editor.addDevice("acme", "gw", List.of("lathe-1"), List.of("historian"));
        editor.setPasswordHash("acme", "lathe-1", PasswordHasher.hash("pw-1".toCharArray(), 4));
        editor.save();

        editor = RegistryFileEditor.open(file);
        editor.setPasswordHash("acme", "lathe-1", PasswordHasher.hash("pw-2".toCharArray(), 4));
        Registry saved = editor.save();

        assertThat(Files.readString(file)).doesNotContain("pw-2");
        DeviceAuthenticator auth = new DeviceAuthenticator(DeviceRegistry.of(saved), Clock.systemUTC());
        assertThat(auth.password("lathe-1@acme", "pw-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AuthResult.Authenticated.class);
        assertThat(auth.password("lathe-1@acme", "pw-1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AuthResult.Refused.class);
        assertThat(saved.device("acme", "gw").orElseThrow().via()).containsExactly("lathe-1");

        editor = RegistryFileEditor.open(file);
        assertThatThrownBy(() -> RegistryFileEditor.open(file).addDevice("acme", "gw", List.of(), List.of()))
                .hasMessageContaining("already exists");
        editor.removeDevice("acme", "lathe-1");
        // gw still acts for lathe-1: the checked save refuses and leaves the file as it was
        assertThatThrownBy(editor::save).isInstanceOf(RegistryFileException.class);
        assertThat(RegistryFile.read(file).device("acme", "lathe-1")).isPresent();
    }
}
