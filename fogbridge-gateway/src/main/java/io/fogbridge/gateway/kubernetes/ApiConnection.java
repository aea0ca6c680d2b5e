package io.fogbridge.gateway.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's way to the Kubernetes API server with the JDK's HTTP client: the gateway carries no Kubernetes client
 * library (its footprint at the edge), and what it asks of the API is a handful of requests. Holds the server's base
 * URL, the CA its certificate must chain to, and the service account token, read again for every request since
 * projected tokens rotate.
 *
 * <p>Thread-safe: the HTTP client is, and the token is read per request.
 */
public final class ApiConnection {

    private static final Logger log = LoggerFactory.getLogger(ApiConnection.class);

    private final HttpClient http;
    private final String apiServer;
    private final Path tokenFile;
    private final Duration timeout;
    private volatile boolean tokenMissingLogged;

    /**
     * @param apiServer base URL, {@code http(s)://host[:port]} without a trailing slash
     * @param tokenFile bearer token file, or null to send none ({@code kubectl proxy}, tests)
     * @param caFile    PEM CA of an https API server, or null for the JDK's trust store
     * @param timeout   connect timeout, and the default timeout of a request
     * @throws IOException the CA file cannot be read or holds no certificate
     */
    public ApiConnection(String apiServer, Path tokenFile, Path caFile, Duration timeout) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        if (caFile != null) {
            builder.sslContext(trusting(caFile));
        }
        this.http = builder.build();
        this.apiServer = apiServer.replaceAll("/+$", "");
        this.tokenFile = tokenFile;
        this.timeout = timeout;
    }

    public HttpClient http() {
        return http;
    }

    public String apiServer() {
        return apiServer;
    }

    /** A request to {@code path} (from the API root, with its query) that accepts JSON and carries the token. */
    public HttpRequest.Builder request(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiServer + path))
                .timeout(timeout)
                .header("Accept", "application/json");
        String token = token();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    /** A WebSocket to {@code path}: how a watch streams its events (the API server serves watches both ways). */
    public WebSocket.Builder webSocket() throws IOException {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        String token = token();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** The {@code ws(s)://} URI of {@code path}. */
    public URI webSocketUri(String path) {
        return URI.create(apiServer.replaceFirst("^http", "ws") + path);
    }

    /** The token, or null when none is configured or it cannot be read (said once: the request goes without). */
    private String token() throws IOException {
        if (tokenFile == null) {
            return null;
        }
        if (Files.isReadable(tokenFile)) {
            return Files.readString(tokenFile).strip();
        }
        if (!tokenMissingLogged) {
            tokenMissingLogged = true;
            log.warn("token file {} is not readable; asking the API server without a token", tokenFile);
        }
        return null;
    }

    /** One path segment, encoded. */
    public static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** An SSL context trusting the PEM CA certificates in {@code caFile}: the API server's, as a pod mounts it. */
    public static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IOException(caFile + ": no certificate in it");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(caFile + ": " + e.getMessage(), e);
        }
    }
}
