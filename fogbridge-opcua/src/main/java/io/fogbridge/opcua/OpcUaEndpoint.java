package io.fogbridge.opcua;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One OPC UA server endpoint as the config describes it, and the Fogbridge device whose topics its data goes to.
 * Immutable.
 *
 * @param url                {@code opc.tcp://host:port/path}; also the {@code source} header of its records
 * @param securityPolicy     {@code None}, {@code Basic256Sha256}, {@code Aes128_Sha256_RsaOaep} or
 *                           {@code Aes256_Sha256_RsaPss}: the policy of the server endpoint to pick
 * @param securityMode       {@code None}, {@code Sign} or {@code SignAndEncrypt}
 * @param auth               how the session is activated
 * @param username           the user name of {@code auth: username}, else null
 * @param passwordFile       the file holding the password of {@code auth: username} (read at each connect, so a
 *                           rotated password is picked up on the next reconnect), else null
 * @param userCertificateFile the PEM certificate of {@code auth: certificate} (an X.509 user identity token), else
 *                           null
 * @param userKeyFile        its PEM private key, else null; both read at each connect
 * @param labels             extra Kafka headers on every record of the endpoint
 * @param publishingInterval the subscription's publishing interval: at most one record per interval
 * @param methods            the methods {@code call} commands may call ({@link MethodCalls}); empty: none
 */
public record OpcUaEndpoint(
        String id,
        String tenant,
        String url,
        String securityPolicy,
        String securityMode,
        Auth auth,
        String username,
        Path passwordFile,
        Path userCertificateFile,
        Path userKeyFile,
        Map<String, String> labels,
        Duration publishingInterval,
        List<OpcUaItem> items,
        List<OpcUaMethod> methods) {

    public enum Auth {
        ANONYMOUS,
        USERNAME,
        CERTIFICATE
    }

    public OpcUaEndpoint {
        labels = Map.copyOf(labels);
        items = List.copyOf(items);
        methods = List.copyOf(methods);
    }

    /** The {@code source} header of its records: the endpoint URL. */
    public String source() {
        return url;
    }
}
