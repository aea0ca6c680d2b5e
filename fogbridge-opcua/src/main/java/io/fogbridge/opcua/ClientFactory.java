package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.fogbridge.certs.CertificateFactory.Issued;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * Makes the Milo client for one {@link OpcUaEndpoint}: the server endpoint of its security policy and mode, the
 * gateway's {@link ApplicationIdentity}, the {@link ServerTrust} that decides about the server's certificate, and the
 * endpoint's login. The converter's sessions and the {@code fogbridge opcua browse|sample} tools use the same one, so
 * a tool connects exactly as the converter would. Stateless.
 */
final class ClientFactory {

    private ClientFactory() {}

    /**
     * A client not yet connected. {@code identity} and {@code trust} may be null only for security policy None, where
     * no certificate is exchanged.
     */
    static OpcUaClient create(
            OpcUaEndpoint endpoint, ApplicationIdentity identity, ServerTrust trust, Duration timeout, String name)
            throws UaException, IOException {
        if (identity == null && !endpoint.securityPolicy().equals("None")) {
            throw new IllegalArgumentException("securityPolicy " + endpoint.securityPolicy()
                    + " needs the gateway's certificate (gateway.dataDir/opcua/pki)");
        }
        URI url = URI.create(endpoint.url());
        IdentityProvider login = login(endpoint, trust);
        long millis = timeout.toMillis();
        return OpcUaClient.create(
                endpoint.url(),
                endpoints -> endpoints.stream()
                        .filter(e -> matches(endpoint, e))
                        .findFirst()
                        // servers often announce a host name of their own; the configured address is the one that works
                        .map(e -> EndpointUtil.updateUrl(e, url.getHost(), url.getPort() == -1 ? 4840 : url.getPort())),
                transport -> transport.setConnectTimeout(uint(millis)),
                config -> {
                    config.setApplicationName(LocalizedText.english(name))
                            .setProductUri("urn:fogbridge")
                            .setRequestTimeout(uint(millis))
                            .setIdentityProvider(login);
                    if (identity != null) {
                        config.setApplicationUri(identity.applicationUri())
                                .setCertificate(identity.certificate())
                                .setCertificateChain(new X509Certificate[] {identity.certificate()})
                                .setKeyPair(identity.keyPair());
                    } else {
                        config.setApplicationUri("urn:fogbridge:"
                                + name.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
                    }
                    if (trust != null) {
                        config.setCertificateValidator(trust);
                    }
                });
    }

    private static boolean matches(OpcUaEndpoint endpoint, EndpointDescription description) {
        return description.getSecurityPolicyUri().equals(policy(endpoint).getUri())
                && description.getSecurityMode() == MessageSecurityMode.valueOf(endpoint.securityMode());
    }

    private static SecurityPolicy policy(OpcUaEndpoint endpoint) {
        return switch (endpoint.securityPolicy()) {
            case "Basic256Sha256" -> SecurityPolicy.Basic256Sha256;
            case "Aes128_Sha256_RsaOaep" -> SecurityPolicy.Aes128_Sha256_RsaOaep;
            case "Aes256_Sha256_RsaPss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
            default -> SecurityPolicy.None;
        };
    }

    /** The session's login; files are read here, at every connect, so rotated ones count from the next. */
    private static IdentityProvider login(OpcUaEndpoint endpoint, ServerTrust trust) throws IOException {
        if (endpoint.auth() == OpcUaEndpoint.Auth.USERNAME) {
            String password = Files.readString(endpoint.passwordFile(), StandardCharsets.UTF_8)
                    .strip();
            if (endpoint.securityPolicy().equals("None") || trust == null) {
                // Milo's default checks nothing here; on a None endpoint nothing else is checked either (warned at
                // start), and asking for trust there would only make username login on a closed network fail
                return new UsernameProvider(endpoint.username(), password);
            }
            // the password is encrypted for the server's certificate: only for one the operator trusts
            return new UsernameProvider(endpoint.username(), password, trust);
        }
        if (endpoint.auth() == OpcUaEndpoint.Auth.CERTIFICATE) {
            Issued user = Issued.readPem(endpoint.userCertificateFile(), endpoint.userKeyFile());
            return new X509IdentityProvider(user.certificate(), user.key());
        }
        return new AnonymousProvider();
    }
}
