package io.fogbridge.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.RegistryFile;
import io.fogbridge.registry.RegistryFileEditor;
import io.fogbridge.registry.RegistryFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fogbridge tenant add|set-ca|enable|disable|list}: the tenant-level settings of the registry file, beside
 * {@code fogbridge device}. A tenant's {@code trustedCa} names the CA that issues its device certificates; without it
 * no certificate of the tenant logs in, so certificate devices need it, and only the CLI and the file know it.
 */
@Command(
        name = "tenant",
        mixinStandardHelpOptions = true,
        description = "Add and list tenants in the registry file, and set the CA of their device certificates.",
        subcommands = {
            TenantCommand.Add.class,
            TenantCommand.SetCa.class,
            TenantCommand.Enable.class,
            TenantCommand.Disable.class,
            TenantCommand.ListTenants.class
        })
final class TenantCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The CA file as the registry file should name it: relative to the registry's folder when it lies inside it (the
     * two move together), absolute otherwise, since the gateway resolves relative names against the registry file,
     * not against the directory the CLI ran in.
     */
    static String caPathFor(Path registry, Path ca) {
        Path folder = registry.toAbsolutePath().normalize().getParent();
        Path absolute = ca.toAbsolutePath().normalize();
        return absolute.startsWith(folder) ? folder.relativize(absolute).toString() : absolute.toString();
    }

    /**
     * What {@code config check} says about the registry the config names (none: nothing): the registry's own
     * warnings, each prefixed with the file; a file that does not read is reported here too, since the gateway would
     * refuse to start with it.
     */
    static List<String> registryWarnings(Path registry) {
        if (registry == null) {
            return List.of();
        }
        try {
            return RegistryFile.read(registry).warnings().stream()
                    .map(w -> "devices.registry " + registry + ": " + w)
                    .toList();
        } catch (RegistryFileException e) {
            return List.of("devices.registry: " + e.getMessage() + " (the gateway will not start with it)");
        }
    }

    /** Sets the CA, saves, and says what the tenant now trusts (and whether it looks like a CA at all). */
    static void setCa(RegistryFileEditor editor, Path registry, String tenant, Path ca) throws Exception {
        editor.setTrustedCa(tenant, caPathFor(registry, ca));
        Registry saved = editor.save();
        for (X509Certificate certificate : saved.tenant(tenant).orElseThrow().trustedCas()) {
            String subject = certificate.getSubjectX500Principal().getName();
            System.out.println("tenant " + tenant + " trusts device certificates issued by " + subject);
            if (certificate.getBasicConstraints() < 0) {
                System.err.println("warning: " + subject + " is not a CA certificate (no basicConstraints CA:true);"
                        + " give the CA that issued the device certificates, not a device certificate");
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a tenant, optionally with its CA.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "<tenant>")
        String tenant;

        @Mixin
        DeviceCommand.RegistryOption registry;

        @Option(names = "--ca", paramLabel = "<ca.pem>", description = "PEM file of the CA(s) of its devices")
        Path ca;

        @Override
        public Integer call() {
            return DeviceCommand.guarded("tenant", () -> {
                RegistryFileEditor editor = RegistryFileEditor.open(registry.registry);
                editor.addTenant(tenant);
                if (ca != null) {
                    setCa(editor, registry.registry, tenant, ca);
                } else {
                    editor.save();
                }
                System.out.println("added tenant " + tenant + " to " + registry.registry);
                return 0;
            });
        }
    }

    @Command(
            name = "set-ca",
            mixinStandardHelpOptions = true,
            description = {
                "Set (replace) the CA whose device certificates the tenant trusts (trustedCa).",
                "A device certificate logs in only if this CA issued it and its subject is registered"
                        + " (device add --cert-subject)."
            })
    static final class SetCa implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "<tenant>")
        String tenant;

        @Parameters(index = "1", paramLabel = "<ca.pem>", description = "PEM file, one or more CA certificates")
        Path ca;

        @Mixin
        DeviceCommand.RegistryOption registry;

        @Override
        public Integer call() {
            return DeviceCommand.guarded("tenant", () -> {
                setCa(RegistryFileEditor.open(registry.registry), registry.registry, tenant, ca);
                return 0;
            });
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let the tenant's devices connect.")
    static final class Enable implements Callable<Integer> {
        @Parameters(paramLabel = "<tenant>")
        String tenant;

        @Mixin
        DeviceCommand.RegistryOption registry;

        @Override
        public Integer call() {
            return setEnabled(registry.registry, tenant, true);
        }
    }

    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            description = "Refuse the tenant's devices; their open connections close within seconds.")
    static final class Disable implements Callable<Integer> {
        @Parameters(paramLabel = "<tenant>")
        String tenant;

        @Mixin
        DeviceCommand.RegistryOption registry;

        @Override
        public Integer call() {
            return setEnabled(registry.registry, tenant, false);
        }
    }

    private static Integer setEnabled(Path registry, String tenant, boolean enabled) {
        return DeviceCommand.guarded("tenant", () -> {
            RegistryFileEditor editor = RegistryFileEditor.open(registry);
            editor.setTenantEnabled(tenant, enabled);
            editor.save();
            System.out.println("tenant " + tenant + (enabled ? " enabled" : " disabled"));
            return 0;
        });
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List tenants: enabled, device count, trusted CA; warns about what cannot work.")
    static final class ListTenants implements Callable<Integer> {
        @Mixin
        DeviceCommand.RegistryOption registry;

        @Override
        public Integer call() {
            return DeviceCommand.guarded("tenant", () -> {
                for (Map.Entry<String, JsonNode> tenant :
                        RegistryFileEditor.open(registry.registry).tenants()) {
                    JsonNode entry = tenant.getValue();
                    System.out.printf(
                            "%-24s %-9s %4d device(s)  trustedCa: %s%n",
                            tenant.getKey(),
                            entry.path("enabled").asBoolean(true) ? "enabled" : "DISABLED",
                            entry.path("devices").size(),
                            entry.path("trustedCa").asText("(none)"));
                }
                if (java.nio.file.Files.exists(registry.registry)) {
                    RegistryFile.read(registry.registry).warnings().forEach(w -> System.err.println("warning: " + w));
                }
                return 0;
            });
        }
    }
}
