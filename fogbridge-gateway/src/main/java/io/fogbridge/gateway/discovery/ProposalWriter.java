package io.fogbridge.gateway.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Creates proposed Devices through the Kubernetes API with the JDK's HTTP client, as the credentials of whoever runs
 * the scan allow (a token file, as {@code kubectl create token} prints one). Only ever a create: a Device of that
 * name that exists already (an earlier scan's proposal, approved or not, or a Device someone wrote) is left exactly
 * as it is, so a rescan neither duplicates nor un-approves. Not thread-safe; one per scan.
 */
public final class ProposalWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What became of one proposal. */
    public enum Outcome {
        CREATED,
        /** A Device of its name exists: kept as it is. */
        EXISTS
    }

    private final HttpClient http;
    private final String apiServer;
    private final Path tokenFile;

    /**
     * @param caFile PEM CA of an https API server, or null for the JDK's trust store
     * @throws IOException the CA file cannot be read or holds no certificate
     */
    public ProposalWriter(String apiServer, Path tokenFile, Path caFile) throws IOException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (caFile != null) {
            builder.sslContext(io.fogbridge.gateway.kubernetes.ApiConnection.trusting(caFile));
        }
        this.http = builder.build();
        this.apiServer = apiServer.replaceAll("/+$", "");
        this.tokenFile = tokenFile;
    }

    /** @throws IOException the API server refused it (the message has its status and answer) or did not answer */
    public Outcome create(String namespace, ObjectNode device) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(apiServer + "/apis/fogbridge.io/v1alpha1/namespaces/"
                                + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/devices"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(device)));
        if (tokenFile != null) {
            request.header(
                    "Authorization", "Bearer " + Files.readString(tokenFile).strip());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 201 || response.statusCode() == 200) {
            return Outcome.CREATED;
        }
        if (response.statusCode() == 409) {
            return Outcome.EXISTS;
        }
        String body = response.body();
        throw new IOException("the API server answered " + response.statusCode() + ": "
                + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
    }
}
