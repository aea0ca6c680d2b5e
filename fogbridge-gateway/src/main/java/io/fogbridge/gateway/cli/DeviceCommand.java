package io.fogbridge.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogbridge.api.DeviceId;
import io.fogbridge.registry.PasswordHasher;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFileEditor;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fogbridge device add|list|remove|set-password|approve}: edits the registry file a running gateway watches (changes
 * apply within a second, without a restart). Passwords are read from a file or stdin (never from the command line,
 * where {@code ps} and shell history would keep them), never echoed, and stored only as bcrypt hashes.
 */
@Command(
        name = "device",
        mixinStandardHelpOptions = true,
        description = "Add, list and remove devices in the registry file (mqtt.registry).",
        subcommands = {
            DeviceCommand.Add.class,
            DeviceCommand.ListDevices.class,
            DeviceCommand.Remove.class,
            DeviceCommand.SetPassword.class,
            DeviceApprove.class
        })
final class DeviceCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static class RegistryOption {
        @Option(
                names = {"-r", "--registry"},
                defaultValue = "devices.yaml",
                description = "registry file (default ${DEFAULT-VALUE})")
        Path registry;
    }

    static class PasswordSource {
        @Option(names = "--password-file", description = "read the password from this file (first line)")
        Path passwordFile;

        @Option(names = "--password-stdin", description = "read the password from stdin (first line)")
        boolean stdin;

        boolean given() {
            return passwordFile != null || stdin;
        }

        char[] read() throws Exception {
            String line;
            if (passwordFile != null) {
                line = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElse("");
            } else {
                Console console = System.console();
                if (console != null && !stdin) {
                    return console.readPassword("password: ");
                }
                line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            return line == null ? new char[0] : line.toCharArray();
        }
    }

    /** Runs an edit; a refused edit prints its reason (not a stack trace) and exits 1, the file unchanged. */
    static Integer guarded(Callable<Integer> edit) {
        return guarded("device", edit);
    }

    static Integer guarded(String command, Callable<Integer> edit) {
        try {
            return edit.call();
        } catch (IllegalArgumentException | io.fogbridge.registry.RegistryFileException | java.io.IOException e) {
            System.err.println("fogbridge " + command + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a {@code device@tenant} argument. */
    static DeviceId deviceId(String name) {
        return DeviceId.parseLogin(name)
                .orElseThrow(() -> new IllegalArgumentException("name devices as device@tenant, got '" + name + "'"));
    }

    static void setPassword(RegistryFileEditor editor, String tenant, String device, PasswordSource source)
            throws Exception {
        char[] password = source.read();
        try {
            editor.setPasswordHash(tenant, device, PasswordHasher.hash(password, PasswordHasher.DEFAULT_COST));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a device (and its tenant if new).")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "<device@tenant>")
        String name;

        @picocli.CommandLine.Mixin
        RegistryOption registry;

        @picocli.CommandLine.Mixin
        PasswordSource password;

        @Option(names = "--cert-subject", description = "allow a client certificate with this subject DN")
        String certSubject;

        @Option(names = "--via", split = ",", description = "devices of the same tenant this one may act for")
        List<String> via = new ArrayList<>();

        @Option(names = "--role", split = ",", description = "roles (mqtt.roles) granted to this device")
        List<String> roles = new ArrayList<>();

        @Override
        public Integer call() {
            return guarded(this::edit);
        }

        private Integer edit() throws Exception {
            DeviceId id = deviceId(name);
            RegistryFileEditor editor = RegistryFileEditor.open(registry.registry);
            editor.addDevice(id.tenant(), id.device(), via, roles);
            if (password.given()) {
                setPassword(editor, id.tenant(), id.device(), password);
            }
            if (certSubject != null) {
                editor.addCertificateSubject(id.tenant(), id.device(), certSubject);
            }
            Registry saved = editor.save();
            System.out.println("added " + name + " to " + registry.registry
                    + (password.given() || certSubject != null ? "" : " (no credential yet: use set-password)"));
            if (certSubject != null
                    && saved.tenant(id.tenant()).orElseThrow().trustedCas().isEmpty()) {
                System.err.println("tenant " + id.tenant() + " trusts no CA yet, so this certificate cannot log in."
                        + " Next, name the CA that issued it:\n  fogbridge tenant set-ca " + id.tenant()
                        + " <ca.pem> -r " + registry.registry);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List devices and their credential types.")
    static final class ListDevices implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        RegistryOption registry;

        @Override
        public Integer call() throws Exception {
            for (Map.Entry<String, JsonNode> device :
                    RegistryFileEditor.open(registry.registry).devices()) {
                List<String> types = new ArrayList<>();
                device.getValue()
                        .path("credentials")
                        .forEach(c -> types.add(c.path("type").asText()));
                boolean enabled = device.getValue().path("enabled").asBoolean(true);
                System.out.printf("%-40s %-9s %s%n", device.getKey(), enabled ? "enabled" : "DISABLED", types);
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a device.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "<device@tenant>")
        String name;

        @picocli.CommandLine.Mixin
        RegistryOption registry;

        @Override
        public Integer call() {
            return guarded(this::edit);
        }

        private Integer edit() throws Exception {
            DeviceId id = deviceId(name);
            RegistryFileEditor editor = RegistryFileEditor.open(registry.registry);
            editor.removeDevice(id.tenant(), id.device());
            editor.save();
            System.out.println("removed " + name);
            return 0;
        }
    }

    @Command(
            name = "set-password",
            mixinStandardHelpOptions = true,
            description = "Set (replace) a device's password; read from --password-file, else stdin / the terminal.")
    static final class SetPassword implements Callable<Integer> {
        @Parameters(paramLabel = "<device@tenant>")
        String name;

        @picocli.CommandLine.Mixin
        RegistryOption registry;

        @picocli.CommandLine.Mixin
        PasswordSource password;

        @Override
        public Integer call() {
            return guarded(this::edit);
        }

        private Integer edit() throws Exception {
            DeviceId id = deviceId(name);
            RegistryFileEditor editor = RegistryFileEditor.open(registry.registry);
            setPassword(editor, id.tenant(), id.device(), password);
            editor.save();
            System.out.println("password of " + name + " set (stored as a bcrypt hash)");
            return 0;
        }
    }
}
