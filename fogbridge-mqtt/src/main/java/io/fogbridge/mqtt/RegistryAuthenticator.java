package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.device.Proof;
import io.fogbridge.api.log.Untrusted;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every CONNECT of the embedded broker against the {@link DeviceDirectory}.
 *
 * <ol>
 *   <li>A client certificate (mTLS listener) that maps to a registered device: that device. A certificate that maps
 *       to none is refused, even if a password is given too (a certificate is a claim of identity).
 *   <li>A user name {@code device@tenant} with a password: bcrypt check on {@code checker} (never on HiveMQ's two
 *       extension threads), answered through {@link SimpleAuthOutput#async}.
 *   <li>Neither: accepted as anonymous only on a listener that allows it.
 * </ol>
 *
 * CONNACK codes: bad credentials 0x86 (3.1.1: 4), disabled device or expired credential or anonymous where not
 * allowed 0x87 (3.1.1: 5). Every refusal is logged with the user name or certificate subject, never a password, and
 * counted as {@code fogbridge.mqtt.auth.failed}. What a connection proved stays with it for the {@link RevocationWatch},
 * which closes it when the registry later takes that right away.
 *
 * <p>A will the client may not publish ({@link TopicAcl}, as for a PUBLISH) refuses the CONNECT with 0x87 (3.1.1: 5)
 * and reason "not authorized", neither logged above debug nor counted: what HiveMQ answered when our publish
 * authorizer refused the will, before we stopped registering one (issue #16; see {@link TopicAuthorizer}).
 * Thread-safe.
 */
final class RegistryAuthenticator implements SimpleAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(RegistryAuthenticator.class);

    private final DeviceDirectory devices;
    private final Set<String> anonymousListeners;
    private final MqttSecurity security;
    private final ExecutorService checker;
    private final MqttMetrics metrics;
    private final ConnectionQuota quota;
    private final RelayedConnections relayed;
    private final TopicAcl acl;
    /** When a refusal at the connection bound was last logged: one line per 10 s, not one per CONNECT of a flood. */
    private final AtomicLong quotaLogged = new AtomicLong(Long.MIN_VALUE);

    RegistryAuthenticator(
            MqttSecurity security,
            Set<String> anonymousListeners,
            ExecutorService checker,
            MqttMetrics metrics,
            ConnectionQuota quota,
            RelayedConnections relayed,
            TopicAcl acl) {
        this.acl = acl;
        this.quota = quota;
        this.relayed = relayed;
        this.security = security;
        this.devices = security.directory();
        this.anonymousListeners = Set.copyOf(anonymousListeners);
        this.checker = checker;
        this.metrics = metrics;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectionInformation connection = input.getConnectionInformation();
        ConnectPacket connect = input.getConnectPacket();
        String clientId = input.getClientInformation().getClientId();
        // Through the device relay, HiveMQ sees the relay's loopback connection: the device's facts are the relay's.
        String full = quota.tryAcquire(connection, relayed.deviceAddress(connection));
        if (full != null) {
            refuseOverQuota(output, clientId, full, connect.getMqttVersion());
            return;
        }
        List<X509Certificate> chain = relayed.clientChain(connection);
        if (!chain.isEmpty()) {
            finish(
                    input,
                    output,
                    devices.authenticate(chain, security.clock().instant()),
                    "certificate " + Untrusted.of(chain.getFirst().getSubjectX500Principal()));
            return;
        }
        Optional<String> username = connect.getUserName();
        if (username.isEmpty()) {
            String listener = relayed.listener(connection);
            String badClientId = AnonymousIds.clientIdProblem(clientId);
            if (!anonymousListeners.contains(listener)) {
                refuse(
                        output,
                        ConnackReasonCode.NOT_AUTHORIZED,
                        "credentials required",
                        "client " + Untrusted.of(clientId) + " refused: no credentials on listener " + listener
                                + ", which does not accept anonymous clients");
            } else if (badClientId != null) {
                refuse(
                        output,
                        ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        badClientId,
                        "anonymous client " + Untrusted.of(clientId) + " refused: " + badClientId);
            } else if (!refusedWill(input, output, null)) {
                output.authenticateSuccessfully();
            }
            return;
        }
        byte[] password =
                connect.getPassword().map(RegistryAuthenticator::bytes).orElse(new byte[0]);
        Async<SimpleAuthOutput> async = output.async(
                security.authTimeout(),
                TimeoutFallback.FAILURE,
                ConnackReasonCode.SERVER_BUSY,
                "authentication timed out");
        try {
            checker.execute(() -> {
                try {
                    finish(
                            input,
                            output,
                            devices.authenticate(
                                    username.get(), password, security.clock().instant()),
                            "user " + Untrusted.of(username.get()));
                } catch (RuntimeException e) {
                    log.error("authenticating {} failed", Untrusted.of(username.get()), e);
                    output.failAuthentication(ConnackReasonCode.UNSPECIFIED_ERROR, "internal error");
                } finally {
                    Arrays.fill(password, (byte) 0);
                    async.resume();
                }
            });
        } catch (RuntimeException e) { // executor shut down: the broker is stopping
            output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "shutting down");
            async.resume();
        }
    }

    private void finish(SimpleAuthInput input, SimpleAuthOutput output, AuthResult result, String who) {
        String clientId = input.getClientInformation().getClientId();
        switch (result) {
            case AuthResult.Authenticated authenticated -> {
                ConnectionPrincipal principal = ConnectionPrincipal.of(authenticated.device());
                if (refusedWill(input, output, principal)) {
                    return;
                }
                ConnectionAttributeStore store =
                        input.getConnectionInformation().getConnectionAttributeStore();
                principal.store(store);
                if (authenticated.proof() instanceof Proof.Password password) {
                    RevocationWatch.rememberPassword(store, password.hash());
                }
                output.authenticateSuccessfully();
                log.debug("client {} authenticated as {} ({})", Untrusted.of(clientId), principal.name(), who);
            }
            case AuthResult.Pending pending -> {
                // Plug-and-play onboarding: let it in, hold what it sends (the interceptor drops it) until approved.
                ConnectionPrincipal principal = ConnectionPrincipal.of(pending.device());
                if (refusedWill(input, output, principal)) {
                    return;
                }
                ConnectionAttributeStore store =
                        input.getConnectionInformation().getConnectionAttributeStore();
                principal.store(store);
                ConnectionPrincipal.markPending(store);
                output.authenticateSuccessfully();
                log.info(
                        "client {} ({}) connected as {}, pending approval: nothing it sends leaves the edge",
                        Untrusted.of(clientId),
                        who,
                        principal.name());
            }
            case AuthResult.Refused refused -> {
                ConnackReasonCode code =
                        switch (refused.reason()) {
                            case BAD_CREDENTIALS, MALFORMED_USERNAME -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
                            case DISABLED, CREDENTIAL_NOT_VALID_NOW -> ConnackReasonCode.NOT_AUTHORIZED;
                        };
                refuse(
                        output,
                        code,
                        code == ConnackReasonCode.NOT_AUTHORIZED ? "not authorized" : "bad credentials",
                        "client " + Untrusted.of(clientId) + " (" + who + ") refused: "
                                + Untrusted.of(refused.detail()));
            }
        }
    }

    /** Refuses the CONNECT if its will is one {@code principal} (null = anonymous) may not publish. */
    private boolean refusedWill(SimpleAuthInput input, SimpleAuthOutput output, ConnectionPrincipal principal) {
        WillPublishPacket will = input.getConnectPacket().getWillPublish().orElse(null);
        String denial = will == null ? null : acl.publishDenial(principal, will.getTopic());
        if (denial == null) {
            return false;
        }
        log.debug(
                "client {} refused (0x87), its will: {}",
                Untrusted.of(input.getClientInformation().getClientId()),
                Untrusted.of(denial));
        output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "not authorized");
        return true;
    }

    private void refuseOverQuota(SimpleAuthOutput output, String clientId, String why, MqttVersion version) {
        metrics.connectionRefused(MqttMetrics.QUOTA);
        long now = System.nanoTime();
        long last = quotaLogged.get();
        if ((last == Long.MIN_VALUE || now - last > TimeUnit.SECONDS.toNanos(10))
                && quotaLogged.compareAndSet(last, now)) {
            log.warn("client {} refused (0x97, quota exceeded): {}", Untrusted.of(clientId), why);
        }
        // HiveMQ answers an MQTT 3 client "not authorized" for 0x97; 0x88 becomes 3, server unavailable.
        boolean v5 = version == MqttVersion.V_5;
        output.failAuthentication(v5 ? ConnackReasonCode.QUOTA_EXCEEDED : ConnackReasonCode.SERVER_UNAVAILABLE, why);
    }

    private void refuse(SimpleAuthOutput output, ConnackReasonCode code, String toClient, String toLog) {
        log.warn(toLog);
        metrics.authFailed();
        output.failAuthentication(code, toClient);
    }

    static List<X509Certificate> clientChain(ConnectionInformation connection) {
        Optional<ClientTlsInformation> tls = connection.getClientTlsInformation();
        if (tls.isEmpty()) {
            return List.of();
        }
        Optional<X509Certificate[]> chain = tls.get().getClientCertificateChain();
        if (chain.isPresent() && chain.get().length > 0) {
            return List.of(chain.get());
        }
        return tls.get().getClientCertificate().map(List::of).orElse(List.of());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
