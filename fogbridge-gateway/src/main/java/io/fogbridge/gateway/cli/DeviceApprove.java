package io.fogbridge.gateway.cli;

import io.fogbridge.api.DeviceId;
import io.fogbridge.gateway.kubernetes.ApiConnection;
import io.fogbridge.registry.NewcomersFile;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import io.fogbridge.registry.RegistryFileEditor;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fogbridge device approve}: admits a certificate device that plug-and-play onboarding holds pending. Without
 * Kubernetes it registers the device in the registry file with the certificate subject the gateway listed in
 * {@code newcomers.yaml} (the running gateway applies it within a second; the device's next connection flows). With
 * {@code --kubernetes} it sets {@code spec.approved: true} on the Device resource (a JSON merge patch through the API
 * server; {@code kubectl patch} does the same), and the operator renders it into the gateway's registry.
 */
@Command(
        name = "approve",
        mixinStandardHelpOptions = true,
        description = "Admit a certificate device held pending approval (plug-and-play onboarding).")
final class DeviceApprove implements Callable<Integer> {

    private static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    @Parameters(paramLabel = "<device@tenant>", description = "the device; with --kubernetes, the Device's name")
    String name;

    @Mixin
    DeviceCommand.RegistryOption registry;

    @Option(
            names = "--newcomers",
            defaultValue = "data/" + NewcomersFile.NAME,
            description = "the gateway's list of pending devices, <gateway.dataDir>/" + NewcomersFile.NAME
                    + " (default ${DEFAULT-VALUE})")
    Path newcomers;

    @Option(names = "--subject", description = "register this certificate subject instead of the listed one")
    String subject;

    @Option(names = "--kubernetes", description = "set spec.approved on the Device resource instead of editing a file")
    boolean kubernetes;

    @Option(
            names = {"-n", "--namespace"},
            description = "the Device's namespace (default: the pod's, else default)")
    String namespace;

    @Option(
            names = "--api-server",
            description = "API server URL (default: the in-cluster one, from KUBERNETES_SERVICE_HOST); from a"
                    + " workstation run `kubectl proxy` and give http://127.0.0.1:8001")
    String apiServer;

    @Option(names = "--token-file", description = "bearer token file (default: the pod's service account token)")
    Path tokenFile;

    @Option(names = "--ca-file", description = "CA of an https API server (default: the pod's service account CA)")
    Path caFile;

    @Override
    public Integer call() {
        return DeviceCommand.guarded("device approve", kubernetes ? this::approveResource : this::approveInFile);
    }

    private Integer approveInFile() throws Exception {
        DeviceId id = DeviceCommand.deviceId(name);
        String registered = subject != null ? subject : listedSubject(id);
        RegistryFileEditor editor = RegistryFileEditor.open(registry.registry);
        editor.addDevice(id.tenant(), id.device(), java.util.List.of(), java.util.List.of());
        editor.addCertificateSubject(id.tenant(), id.device(), registered);
        editor.save();
        System.out.println(
                "approved " + name + " (" + registered + ") in " + registry.registry + ": its next connection flows");
        return 0;
    }

    private String listedSubject(DeviceId id) throws IOException {
        if (!Files.exists(newcomers)) {
            throw new IllegalArgumentException(newcomers + " does not exist: is --newcomers the gateway's"
                    + " <gateway.dataDir>/" + NewcomersFile.NAME + "? (or give --subject)");
        }
        for (Newcomer newcomer : NewcomersFile.read(newcomers)) {
            if (newcomer.tenant().equals(id.tenant()) && newcomer.id().equals(id.device())) {
                return newcomer.subject();
            }
        }
        throw new IllegalArgumentException(
                id.device() + "@" + id.tenant() + " is not pending in " + newcomers + " (or give --subject)");
    }

    private Integer approveResource() throws Exception {
        String device = name.contains("@") ? DeviceCommand.deviceId(name).device() : name;
        String server = apiServer != null ? apiServer : inClusterServer();
        Path token = tokenFile != null ? tokenFile : existing(SERVICE_ACCOUNT.resolve("token"));
        Path ca = caFile != null ? caFile : existing(SERVICE_ACCOUNT.resolve("ca.crt"));
        String ns = namespace != null ? namespace : podNamespace();
        // a CA only for https: a plain http server (kubectl proxy) takes none
        ApiConnection api =
                new ApiConnection(server, token, server.startsWith("https:") ? ca : null, Duration.ofSeconds(10));
        HttpResponse<String> response = api.http()
                .send(
                        api.request("/apis/fogbridge.io/v1alpha1/namespaces/" + ApiConnection.segment(ns) + "/devices/"
                                        + ApiConnection.segment(device))
                                .header("Content-Type", "application/merge-patch+json")
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"spec\":{\"approved\":true}}", StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() == 404) {
            throw new IllegalArgumentException("no Device " + ns + "/" + device);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    "PATCH Device " + ns + "/" + device + ": HTTP " + response.statusCode() + " " + response.body());
        }
        System.out.println("approved Device " + ns + "/" + device + " (spec.approved: true)");
        return 0;
    }

    private static String inClusterServer() {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        if (host == null) {
            throw new IllegalArgumentException("--kubernetes outside a pod needs --api-server (`kubectl proxy` and"
                    + " http://127.0.0.1:8001), or use kubectl patch fdev <name> --type merge -p"
                    + " '{\"spec\":{\"approved\":true}}'");
        }
        String port = System.getenv().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String podNamespace() throws IOException {
        Path file = SERVICE_ACCOUNT.resolve("namespace");
        return Files.isReadable(file) ? Files.readString(file).strip() : "default";
    }

    private static Path existing(Path file) {
        return Files.isReadable(file) ? file : null;
    }
}
