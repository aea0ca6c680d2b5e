package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One edge gateway of a site ({@code fogbridge.io/v1alpha1}, kind {@code Gateway}): {@code spec} is the desired
 * gateway, {@code status} what the operator and the gateway report. The CRD
 * ({@code META-INF/fabric8/gateways.fogbridge.io-v1.yml}) is generated from these types at build time, so the schema
 * and the Java model cannot drift apart.
 */
@Group(Gateway.GROUP)
@Version(Gateway.VERSION)
@ShortNames("fgw")
@AdditionalPrinterColumn(
        name = "READY",
        type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "ACTIVE", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.activePod")
@AdditionalPrinterColumn(
        name = "DEVICES",
        type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.connectedDevices")
@AdditionalPrinterColumn(
        name = "BACKLOG",
        type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.spoolBacklog")
@AdditionalPrinterColumn(
        name = "AGE",
        type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
public class Gateway extends CustomResource<GatewaySpec, GatewayStatus> implements Namespaced {

    public static final String GROUP = "fogbridge.io";
    public static final String VERSION = "v1alpha1";

    /** Set to {@code "true"}: the operator leaves the gateway's objects alone and says so in status. */
    public static final String PAUSE_ANNOTATION = GROUP + "/pause-reconciliation";

    @JsonIgnore
    public boolean isPaused() {
        var annotations = getMetadata().getAnnotations();
        return annotations != null && "true".equalsIgnoreCase(annotations.get(PAUSE_ANNOTATION));
    }
}
