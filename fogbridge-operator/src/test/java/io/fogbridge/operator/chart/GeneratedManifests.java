package io.fogbridge.operator.chart;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files the build derives from other files, kept in the repository so that they can be read and applied without
 * a build: the chart's {@code crds/} copy of the CRD the build generates from the Java types (the Gateway's printer
 * columns put in the order kubectl should show them, {@link PrinterColumnOrder}), and the plain k3s manifests
 * ({@code deploy/k3s/}) rendered from the chart with its default values.
 *
 * <p>{@link GeneratedManifestsTest} renders them again and fails when a file in the repository differs; run it with
 * {@code -Dfogbridge.regenerate=true} to write them instead.
 */
final class GeneratedManifests {

    static final Path DEPLOY = Path.of("..", "deploy");
    static final Path CHART = DEPLOY.resolve("helm").resolve("fogbridge");
    static final String NAMESPACE = "fogbridge-system";
    private static final Path GENERATED_CRDS = Path.of("target", "classes", "META-INF", "fabric8");
    /** The CRDs the build generates, in the order {@code 00-crds.yaml} lists them. */
    private static final List<String> CRD_FILES =
            List.of("gateways.fogbridge.io-v1.yml", "devices.fogbridge.io-v1.yml");

    static final String GATEWAY_CRD = "gateways.fogbridge.io-v1.yml";
    /** What {@code kubectl get gateways} shows, in this order (the generator sorts the columns by path). */
    static final List<String> GATEWAY_COLUMNS = List.of("READY", "ACTIVE", "DEVICES", "BACKLOG", "AGE");

    private static final String HEADER = "# Generated from deploy/helm/fogbridge by GeneratedManifestsTest"
            + " (-Dfogbridge.regenerate=true); do not edit.\n";

    private GeneratedManifests() {}

    /** Every generated file by its path, as it should read now. */
    static Map<Path, String> render() throws IOException {
        String rendered = new Helm(CHART)
                .template()
                .withName("fogbridge")
                .withNamespace(NAMESPACE)
                .call();
        Map<Path, String> files = new TreeMap<>();
        StringBuilder crds = new StringBuilder(HEADER);
        for (String name : CRD_FILES) {
            String crd = Files.readString(GENERATED_CRDS.resolve(name));
            if (name.equals(GATEWAY_CRD)) {
                crd = PrinterColumnOrder.apply(crd, GATEWAY_COLUMNS);
            }
            files.put(CHART.resolve("crds").resolve(name), crd);
            crds.append(crds.length() == HEADER.length() ? "" : "---\n").append(crd);
        }
        // helm template leaves CRDs and the namespace to `helm install`; kubectl apply needs both in the files.
        files.put(DEPLOY.resolve("k3s").resolve("00-crds.yaml"), crds.toString());
        files.put(
                DEPLOY.resolve("k3s").resolve("10-fogbridge.yaml"),
                HEADER + "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NAMESPACE + "\n"
                        + rendered.stripTrailing() + "\n");
        return files;
    }

    /** Writes every generated file. */
    static void write(Map<Path, String> files) throws IOException {
        for (var file : files.entrySet()) {
            Files.createDirectories(file.getKey().getParent());
            Files.writeString(file.getKey(), file.getValue());
        }
    }
}
