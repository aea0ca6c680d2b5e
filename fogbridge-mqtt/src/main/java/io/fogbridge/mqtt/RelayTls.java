package io.fogbridge.mqtt;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of one device listener of the {@link DeviceRelay}: the same material, client-authentication mode and
 * protocols (TLS 1.3 and 1.2) HiveMQ's listener had, read from the PKCS12 stores {@link TlsStores} keeps up to date.
 * When a store file changed (a renewed certificate, a new client CA), the next connection after at most
 * {@link #CHECK_NANOS} gets a context built from it; open connections keep theirs. A store that cannot be read keeps
 * the previous context and is logged once per change, as {@link TlsStores} does for PEM sources.
 *
 * <p>Thread-safe ({@link #context()} is called on any event loop).
 */
final class RelayTls {

    private static final Logger log = LoggerFactory.getLogger(RelayTls.class);
    private static final long CHECK_NANOS = 2_000_000_000L;

    private final ListenerTls tls;
    private final TlsStores.Stores stores;
    private SslContext context; // guarded by this
    private String stamp = "";
    private long checked;

    /** Builds the first context now; fails if the stores cannot be read. */
    RelayTls(ListenerTls tls, TlsStores.Stores stores) {
        this.tls = tls;
        this.stores = stores;
        try {
            stamp = stampOf();
            context = build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS material " + tls + ": " + e.getMessage(), e);
        }
        checked = System.nanoTime();
    }

    /** The context for a new connection. */
    synchronized SslContext context() {
        long now = System.nanoTime();
        if (now - checked < CHECK_NANOS) {
            return context;
        }
        checked = now;
        String current = stampOf();
        if (!current.equals(stamp)) {
            stamp = current;
            try {
                context = build();
                log.info("TLS stores of {} changed; new connections use them", tls);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                log.error("TLS stores of {} changed but cannot be used, keeping the previous: {}", tls, e.toString());
            }
        }
        return context;
    }

    private SslContext build() throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(
                load(stores.keyStore(), stores.keyStorePassword()),
                stores.keyStorePassword().toCharArray());
        SslContextBuilder builder = SslContextBuilder.forServer(keys)
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .clientAuth(
                        switch (tls.clientAuth()) {
                            case NONE -> ClientAuth.NONE;
                            case OPTIONAL -> ClientAuth.OPTIONAL;
                            case REQUIRED -> ClientAuth.REQUIRE;
                        });
        if (stores.trustStore() != null) {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(stores.trustStore(), stores.trustStorePassword()));
            builder.trustManager(trust);
        }
        return builder.build();
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private String stampOf() {
        StringBuilder text = new StringBuilder();
        for (Path file : new Path[] {stores.keyStore(), stores.trustStore()}) {
            if (file == null) {
                continue;
            }
            try {
                text.append(Files.getLastModifiedTime(file).toMillis())
                        .append('/')
                        .append(Files.size(file));
            } catch (IOException e) {
                text.append("missing");
            }
            text.append(';');
        }
        return text.toString();
    }
}
