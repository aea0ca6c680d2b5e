package io.fogbridge.registry;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A tenant's plug-and-play policy for devices that present a certificate from the tenant's CA but are not registered:
 * {@code manual} holds every one of them {@code pending} until an administrator approves it; {@code auto} admits at
 * once those whose subject DN (RFC 2253, as {@link javax.security.auth.x500.X500Principal#getName()} prints it, for
 * example {@code CN=sensor-9,O=acme}) matches {@code subjectPattern} as a whole, and holds the others pending. A
 * tenant without a policy refuses such certificates, as before onboarding existed. Immutable.
 *
 * @param subjectPattern required for {@code auto}, refused for {@code manual}
 */
public record Onboarding(Policy policy, Pattern subjectPattern) {

    /** What happens to an unregistered certificate of the tenant's CA. */
    public enum Policy {
        MANUAL("manual"),
        AUTO("auto");

        private final String key;

        Policy(String key) {
            this.key = key;
        }

        /** As the registry file and the Gateway resource spell it. */
        public String key() {
            return key;
        }

        /** @throws IllegalArgumentException neither {@code manual} nor {@code auto} */
        public static Policy of(String key) {
            for (Policy policy : values()) {
                if (policy.key.equals(key)) {
                    return policy;
                }
            }
            throw new IllegalArgumentException("policy '" + key + "': use manual or auto");
        }
    }

    /** What the policy decides for one certificate subject. */
    public enum Decision {
        ADMIT,
        PENDING
    }

    public Onboarding {
        Objects.requireNonNull(policy, "policy");
        if (policy == Policy.AUTO && subjectPattern == null) {
            throw new IllegalArgumentException("onboarding policy auto needs subjectPattern (a regular expression"
                    + " the whole certificate subject must match, such as 'CN=sensor-[0-9]+,O=acme')");
        }
        if (policy == Policy.MANUAL && subjectPattern != null) {
            throw new IllegalArgumentException("subjectPattern belongs to onboarding policy auto");
        }
    }

    /**
     * @param subjectPattern a Java regular expression, or null
     * @throws IllegalArgumentException an unknown policy, a pattern that does not compile or does not fit the policy
     */
    public static Onboarding of(String policy, String subjectPattern) {
        Pattern pattern = null;
        if (subjectPattern != null) {
            try {
                pattern = Pattern.compile(subjectPattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "subjectPattern: " + e.getDescription() + " at index " + e.getIndex());
            }
        }
        return new Onboarding(Policy.of(policy), pattern);
    }

    /** {@code subject} as RFC 2253 prints it. */
    public Decision decide(String subject) {
        return policy == Policy.AUTO && subjectPattern.matcher(subject).matches() ? Decision.ADMIT : Decision.PENDING;
    }

    @Override
    public boolean equals(Object o) { // Pattern has identity equality; two files with the same text are equal
        return o instanceof Onboarding other
                && policy == other.policy
                && Objects.equals(patternText(), other.patternText());
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, patternText());
    }

    private String patternText() {
        return subjectPattern == null ? null : subjectPattern.pattern();
    }
}
