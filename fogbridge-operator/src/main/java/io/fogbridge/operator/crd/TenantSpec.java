package io.fogbridge.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A tenant whose devices this Gateway serves with client certificates: the CA that issues them (a Secret key, PEM)
 * and what happens to a certificate of that CA whose device is not registered yet (plug-and-play onboarding). The CA
 * goes into the gateway's rendered registry ({@code trustedCa}) and into the trust store of every listener that asks
 * for client certificates.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.onboarding) || has(self.trustedCa)",
        message = "onboarding needs trustedCa: only certificates of the tenant's own CA are held pending")
public class TenantSpec {

    @Required
    @Pattern(DeviceSpec.ID)
    @JsonPropertyDescription("The tenant id, as Devices name it in `spec.tenant`.")
    public String name;

    @JsonPropertyDescription("A Secret key (same namespace) holding the PEM CA certificate(s) that issue the tenant's"
            + " device certificates.")
    public DeviceCredentials.SecretKeyRef trustedCa;

    @JsonPropertyDescription("Devices with a certificate of `trustedCa` that no Device registers: absent, refused;"
            + " else held pending (they connect, nothing they send leaves the edge) and proposed as Devices.")
    public Onboarding onboarding;

    /** The tenant's policy for unregistered certificates of its CA. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(
            value = "self.policy != 'auto' || has(self.subjectPattern)",
            message = "policy auto needs subjectPattern")
    @ValidationRule(
            value = "self.policy != 'manual' || !has(self.subjectPattern)",
            message = "subjectPattern belongs to policy auto")
    public static class Onboarding {
        @Required
        @JsonPropertyDescription("`manual`: a proposed Device waits for `spec.approved: true` (or `fogbridge device"
                + " approve`); `auto`: certificates whose subject matches `subjectPattern` are admitted at once.")
        public Policy policy;

        @JsonPropertyDescription("`auto`: a Java regular expression the whole subject DN (RFC 2253, such as"
                + " `CN=sensor-9,O=acme`) must match.")
        public String subjectPattern;
    }

    /** {@code manual} or {@code auto}. */
    public enum Policy {
        @JsonProperty("manual")
        MANUAL,
        @JsonProperty("auto")
        AUTO
    }
}
