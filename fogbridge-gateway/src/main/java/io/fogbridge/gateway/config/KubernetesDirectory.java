package io.fogbridge.gateway.config;

import java.nio.file.Path;

/**
 * {@code devices.directory: kubernetes}: the registry Secret the gateway watches on the API server.
 *
 * @param secret    the Secret the operator renders the Gateway's devices into
 * @param apiServer base URL of the API server
 * @param tokenFile bearer token file (read for every request: projected tokens rotate), or null
 * @param caFile    CA certificate of an {@code https} API server, or null for the JDK's trust store
 */
public record KubernetesDirectory(SecretName secret, String apiServer, Path tokenFile, Path caFile) {}
