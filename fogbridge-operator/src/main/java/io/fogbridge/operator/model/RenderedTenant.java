package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.TenantSpec;

/**
 * A Gateway's {@code spec.tenants} entry with its CA read from its Secret: what the registry rendering needs.
 *
 * @param caPem          the tenant's CA certificate(s), PEM, or null
 * @param onboarding     its plug-and-play policy, or null
 */
public record RenderedTenant(String name, String caPem, TenantSpec.Onboarding onboarding) {

    /** The CA's file in the devices Secret, beside the registry (the registry names it relative to itself). */
    public String caFile() {
        return "ca-" + name + ".pem";
    }
}
