package io.fogbridge.registry;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * A tenant: its devices and the CAs whose client certificates it trusts.
 *
 * @param trustedCas CAs that issue its devices' certificates; a certificate with a registered subject but another
 *                   issuer does not authenticate (so one tenant's CA cannot mint another tenant's devices)
 * @param devices    by id
 */
public record Tenant(String id, boolean enabled, List<X509Certificate> trustedCas, Map<String, Device> devices) {

    public Tenant {
        Ids.check("tenant id", id);
        trustedCas = List.copyOf(trustedCas);
        devices = Map.copyOf(devices);
    }
}
