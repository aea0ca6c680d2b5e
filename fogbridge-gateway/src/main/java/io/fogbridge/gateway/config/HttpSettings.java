package io.fogbridge.gateway.config;

/** {@code http.*}: the operations endpoint ({@code /healthz}, {@code /readyz}, {@code /metrics}); port 0 = any free. */
public record HttpSettings(String host, int port) {}
