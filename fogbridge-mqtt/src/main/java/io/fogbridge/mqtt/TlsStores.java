package io.fogbridge.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key and trust stores HiveMQ's TLS listeners read. HiveMQ CE takes only key store files (JKS/PKCS12), so PEM
 * certificates, keys and client CA bundles are converted into PKCS12 files under {@code workDir/tls/}, protected by
 * a random password that lives only in the generated config.xml (mode 600 where the file system allows).
 *
 * <p><b>Reloading.</b> HiveMQ CE hashes each listener's key and trust store files every 10 s and builds a new TLS
 * context for new connections when they changed (its {@code SslContextStore}). This class polls the PEM sources every
 * {@link #POLL_SECONDS} s and regenerates the PKCS12 files when a source changed, so a renewed certificate is served
 * within about 12 s, without a restart. A PKCS12 key store given directly is read by HiveMQ itself and reloaded the
 * same way. If a changed PEM file cannot be read (half-written, wrong key), the previous store stays and the error
 * is logged; the next change is tried again. Open connections keep their session either way.
 *
 * <p>Thread-safe; {@link #close()} stops polling.
 */
final class TlsStores implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsStores.class);
    static final int POLL_SECONDS = 2;

    /** What config.xml says for one TLS listener. */
    record Stores(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
        @Override
        public String toString() {
            return "Stores[" + keyStore + ", " + trustStore + "]";
        }
    }

    private final Map<Integer, Stores> byListener = new HashMap<>();
    private final List<Conversion> conversions = new ArrayList<>();
    private ScheduledExecutorService poller;

    /** Converts the PEM material of every TLS listener now; fails if any is unreadable. */
    TlsStores(Path workDir, List<ListenerAddress> listeners) {
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        Path dir = workDir.resolve("tls");
        for (int i = 0; i < listeners.size(); i++) {
            ListenerTls tls = listeners.get(i).tls();
            if (tls == null) {
                continue;
            }
            Path keyStore = tls.keyStore();
            String keyStorePassword = tls.keyStorePassword();
            if (tls.certFile() != null) {
                keyStore = dir.resolve("listener-" + i + "-key.p12");
                keyStorePassword = password;
                conversions.add(new Conversion(
                        keyStore,
                        password,
                        List.of(tls.certFile(), tls.keyFile()),
                        (target, pw) -> writeKeyStore(tls.certFile(), tls.keyFile(), target, pw)));
            }
            Path trustStore = null;
            if (tls.clientCaFile() != null) {
                trustStore = dir.resolve("listener-" + i + "-clients.p12");
                Path caFile = tls.clientCaFile();
                conversions.add(new Conversion(
                        trustStore, password, List.of(caFile), (target, pw) -> writeTrustStore(caFile, target, pw)));
            }
            byListener.put(i, new Stores(keyStore, keyStorePassword, trustStore, password));
        }
        for (Conversion conversion : conversions) {
            conversion.run(true);
        }
    }

    /** The stores of listener {@code index}, or null for a plain listener. */
    Stores storesOf(int index) {
        return byListener.get(index);
    }

    void startWatching() {
        if (conversions.isEmpty()) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fogbridge-mqtt-tls-watch");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::poll, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    void poll() {
        for (Conversion conversion : conversions) {
            conversion.run(false);
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(Path target, String password) throws IOException, GeneralSecurityException;
    }

    /** One PKCS12 file made from PEM sources, redone when a source's modification time or size changes. */
    private static final class Conversion {
        private final Path target;
        private final String password;
        private final List<Path> sources;
        private final Writer writer;
        private String stamp = "";

        Conversion(Path target, String password, List<Path> sources, Writer writer) {
            this.target = target;
            this.password = password;
            this.sources = sources;
            this.writer = writer;
        }

        synchronized void run(boolean first) {
            String now = stampOf(sources);
            if (now.equals(stamp)) {
                return;
            }
            try {
                Files.createDirectories(target.getParent());
                Path temp = target.resolveSibling(target.getFileName() + ".tmp");
                writer.write(temp, password);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                stamp = now;
                if (!first) {
                    log.info("TLS material {} changed; new connections use it within ~10 s", sources);
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                if (first) {
                    throw new IllegalArgumentException("TLS material " + sources + ": " + e.getMessage(), e);
                }
                stamp = now; // report a broken version once; the next change is tried again
                log.error(
                        "TLS material {} changed but cannot be used, keeping the previous: {}", sources, e.toString());
            }
        }

        private static String stampOf(List<Path> files) {
            StringBuilder stamp = new StringBuilder();
            for (Path file : files) {
                try {
                    stamp.append(Files.getLastModifiedTime(file).toMillis())
                            .append('/')
                            .append(Files.size(file));
                } catch (IOException e) {
                    stamp.append("missing");
                }
                stamp.append(';');
            }
            return stamp.toString();
        }
    }

    static void writeKeyStore(Path certFile, Path keyFile, Path target, String password)
            throws IOException, GeneralSecurityException {
        save(keyStore(certFile, keyFile, password), target, password);
    }

    static void writeTrustStore(Path caFile, Path target, String password)
            throws IOException, GeneralSecurityException {
        save(trustStore(caFile), target, password);
    }

    /** An in-memory PKCS12 store with the PEM key and chain, the key protected by {@code password}. */
    static KeyStore keyStore(Path certFile, Path keyFile, String password)
            throws IOException, GeneralSecurityException {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password.toCharArray(), chain.toArray(Certificate[]::new));
        return store;
    }

    /** An in-memory PKCS12 store trusting every certificate of the PEM file. */
    static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate ca : certificates(caFile)) {
            store.setCertificateEntry("ca-" + i++, ca);
        }
        return store;
    }

    private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<Certificate> certificates =
                    new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException(pem + " holds no certificate");
            }
            return certificates;
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException {
        try (Reader reader = Files.newBufferedReader(pem);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(pem + " holds no unencrypted private key (PKCS#8, PKCS#1 or SEC1 PEM)");
        }
    }

    private static void save(KeyStore store, Path target, String password)
            throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(target)) {
            store.store(out, password.toCharArray());
        }
    }
}
