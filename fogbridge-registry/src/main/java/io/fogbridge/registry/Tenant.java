package io.fogbridge.registry;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * A tenant: its devices, the CAs whose client certificates it trusts, and what happens to an unregistered certificate
 * of those CAs.
 *
 * @param trustedCas CAs that issue its devices' certificates; a certificate with a registered subject but another
 *                   issuer does not authenticate (so one tenant's CA cannot mint another tenant's devices)
 * @param devices    by id
 * @param onboarding plug-and-play policy for unregistered certificates of {@code trustedCas}; null: refused
 */
public record Tenant(
        String id,
        boolean enabled,
        List<X509Certificate> trustedCas,
        Map<String, Device> devices,
        Onboarding onboarding) {

    public Tenant {
        Ids.check("tenant id", id);
        trustedCas = List.copyOf(trustedCas);
        devices = Map.copyOf(devices);
    }

    /** A tenant without onboarding. */
    public Tenant(String id, boolean enabled, List<X509Certificate> trustedCas, Map<String, Device> devices) {
        this(id, enabled, trustedCas, devices, null);
    }
}
