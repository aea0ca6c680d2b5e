package io.fogbridge.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.AuthResult.Reason;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.device.Verdict;
import io.fogbridge.certs.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** Plug-and-play onboarding: the per-tenant policy and what certificate authentication makes of it. */
class OnboardingTest {

    static final Instant NOW = Instant.now();
    static final CertificateFactory.Issued ACME_CA = CertificateFactory.ca("CN=Acme CA");
    static final CertificateFactory.Issued GLOBEX_CA = CertificateFactory.ca("CN=Globex CA");
    static final Onboarding MANUAL = Onboarding.of("manual", null);
    static final Onboarding AUTO = Onboarding.of("auto", "CN=sensor-[0-9]+,O=acme");

    @Test
    void manualHoldsEverySubjectAndAutoAdmitsOnlyAWholeMatch() {
        assertThat(MANUAL.decide("CN=sensor-1,O=acme")).isEqualTo(Onboarding.Decision.PENDING);
        assertThat(AUTO.decide("CN=sensor-1,O=acme")).isEqualTo(Onboarding.Decision.ADMIT);
        assertThat(AUTO.decide("CN=sensor-x,O=acme")).isEqualTo(Onboarding.Decision.PENDING);
        assertThat(AUTO.decide("CN=sensor-1,O=acme,C=DE"))
                .as("a prefix match is not a match")
                .isEqualTo(Onboarding.Decision.PENDING);
    }

    @Test
    void aPolicyMustFitItsPattern() {
        assertThatThrownBy(() -> Onboarding.of("auto", null)).hasMessageContaining("auto needs subjectPattern");
        assertThatThrownBy(() -> Onboarding.of("manual", "CN=.*")).hasMessageContaining("belongs to onboarding policy");
        assertThatThrownBy(() -> Onboarding.of("sometimes", null)).hasMessageContaining("use manual or auto");
        assertThatThrownBy(() -> Onboarding.of("auto", "CN=(")).hasMessageContaining("subjectPattern");
        assertThat(Onboarding.of("auto", "CN=a")).isEqualTo(Onboarding.of("auto", "CN=a"));
    }

    @Test
    void anUnregisteredCertificateOfAManualTenantsCaIsPendingUnderItsCommonName() {
        DeviceRegistry registry = DeviceRegistry.of(registry(MANUAL));
        AuthResult result = registry.authenticate(chain(ACME_CA, "CN=sensor-9,O=acme"), NOW);
        assertThat(result).isInstanceOfSatisfying(AuthResult.Pending.class, p -> {
            assertThat(p.device().name()).isEqualTo("sensor-9@acme");
            assertThat(p.subject()).isEqualTo("CN=sensor-9,O=acme");
        });
        assertThat(registry.onboarding().list()).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("sensor-9@acme");
            assertThat(n.admitted()).isFalse();
            assertThat(n.issuer()).isEqualTo("CN=Acme CA");
        });
        assertThat(registry.device("acme", "sensor-9"))
                .as("pending is not registered")
                .isEmpty();
    }

    @Test
    void autoAdmitsAMatchingSubjectWhoseConnectionStandsAndHoldsTheOthers() {
        DeviceRegistry registry = DeviceRegistry.of(registry(AUTO));
        List<X509Certificate> matching = chain(ACME_CA, "CN=sensor-7,O=acme");
        assertThat(registry.authenticate(matching, NOW))
                .isInstanceOfSatisfying(
                        AuthResult.Authenticated.class,
                        a -> assertThat(a.device().name()).isEqualTo("sensor-7@acme"));
        assertThat(registry.review("acme", "sensor-7", new Proof.Certificate(matching.getFirst()), NOW))
                .as("an admitted newcomer is not revoked for being unregistered")
                .isInstanceOf(Verdict.Stands.class);
        assertThat(registry.authenticate(chain(ACME_CA, "CN=camera-1,O=acme"), NOW))
                .isInstanceOf(AuthResult.Pending.class);
        assertThat(registry.onboarding().list())
                .extracting(OnboardingQueue.Newcomer::id, OnboardingQueue.Newcomer::admitted)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("camera-1", false),
                        org.assertj.core.groups.Tuple.tuple("sensor-7", true));
    }

    @Test
    void registeringTheDeviceEndsItsPendingState() {
        DeviceRegistry registry = DeviceRegistry.of(registry(MANUAL));
        List<X509Certificate> chain = chain(ACME_CA, "CN=sensor-9,O=acme");
        assertThat(registry.authenticate(chain, NOW)).isInstanceOf(AuthResult.Pending.class);
        registry.replaceAll(registry(MANUAL, device("sensor-9", "CN=sensor-9,O=acme")));
        assertThat(registry.onboarding().list()).isEmpty();
        assertThat(registry.authenticate(chain, NOW)).isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void noOnboardingForAnotherTenantsCaARegisteredIdOrASubjectWithoutAnId() {
        DeviceRegistry registry = DeviceRegistry.of(registry(MANUAL, device("lathe-1", "CN=lathe-1,O=acme")));
        assertThat(reason(registry.authenticate(chain(GLOBEX_CA, "CN=sensor-9,O=globex"), NOW)))
                .as("a CA no onboarding tenant trusts")
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(registry.authenticate(chain(ACME_CA, "CN=lathe-1,O=evil"), NOW)))
                .as("the CA alone does not take over a registered id")
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(registry.authenticate(chain(ACME_CA, "O=acme"), NOW)))
                .as("no CN")
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(reason(registry.authenticate(chain(ACME_CA, "CN=has space,O=acme"), NOW)))
                .as("a CN that is no device id")
                .isEqualTo(Reason.BAD_CREDENTIALS);
        assertThat(registry.onboarding().list()).isEmpty();
    }

    @Test
    void twoOnboardingTenantsTrustingOneCaMakeTheTenantAmbiguous() {
        Registry both = new Registry(Map.of(
                "acme", new Tenant("acme", true, List.of(ACME_CA.certificate()), Map.of(), MANUAL),
                "acme2", new Tenant("acme2", true, List.of(ACME_CA.certificate()), Map.of(), MANUAL)));
        AuthResult result = DeviceAuthenticator.certificate(both, chain(ACME_CA, "CN=sensor-9,O=acme"), NOW);
        assertThat(result).isInstanceOfSatisfying(AuthResult.Refused.class, r -> assertThat(r.detail())
                .contains("ambiguous"));
    }

    @Test
    void aDisabledTenantOnboardsNobody() {
        Registry off = new Registry(
                Map.of("acme", new Tenant("acme", false, List.of(ACME_CA.certificate()), Map.of(), MANUAL)));
        assertThat(reason(DeviceAuthenticator.certificate(off, chain(ACME_CA, "CN=sensor-9,O=acme"), NOW)))
                .isEqualTo(Reason.DISABLED);
    }

    @Test
    void theQueueIsBounded() {
        OnboardingQueue queue = new OnboardingQueue();
        Registry snapshot = registry(MANUAL);
        for (int i = 0; i < OnboardingQueue.MAX_ENTRIES + 5; i++) {
            queue.record(
                    new AuthResult.Pending(
                            new io.fogbridge.api.device.RegisteredDevice(
                                    "acme", "d" + i, true, Set.of(), Set.of(), Map.of()),
                            null,
                            "CN=d" + i),
                    snapshot,
                    "CN=Acme CA",
                    NOW);
        }
        assertThat(queue.list()).hasSize(OnboardingQueue.MAX_ENTRIES);
        assertThat(queue.unlisted()).isEqualTo(5);
    }

    private static Registry registry(Onboarding onboarding, Device... devices) {
        Map<String, Device> byId = new java.util.HashMap<>();
        for (Device d : devices) {
            byId.put(d.id(), d);
        }
        return new Registry(Map.of(
                "acme", new Tenant("acme", true, List.of(ACME_CA.certificate()), byId, onboarding),
                "globex", new Tenant("globex", true, List.of(GLOBEX_CA.certificate()), Map.of())));
    }

    private static Device device(String id, String subject) {
        return new Device(
                "acme",
                id,
                true,
                List.of(new Credential.X509Cert(new X500Principal(subject), null, null)),
                Set.of(),
                Set.of());
    }

    private static List<X509Certificate> chain(CertificateFactory.Issued ca, String subject) {
        return List.of(CertificateFactory.client(ca, subject).certificate());
    }

    private static Reason reason(AuthResult result) {
        assertThat(result).isInstanceOf(AuthResult.Refused.class);
        return ((AuthResult.Refused) result).reason();
    }
}
