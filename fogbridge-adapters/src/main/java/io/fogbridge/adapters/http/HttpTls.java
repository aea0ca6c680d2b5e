package io.fogbridge.adapters.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the HTTPS adapter's {@link SSLContext} from a PKCS12 server key store and optional PEM client CAs. */
public final class HttpTls {

    private HttpTls() {}

    /**
     * @param clientCaFile PEM CA certificates that device client certificates must chain to; null = none accepted
     * @throws GeneralSecurityException or {@link IOException} naming the file (never the password)
     */
    public static SSLContext context(Path keyStore, char[] password, Path clientCaFile)
            throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, password);
        } catch (IOException e) {
            throw new IOException(keyStore + ": cannot read the PKCS12 key store (wrong password?)", e);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManagerFactory tmf = null;
        if (clientCaFile != null) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            Collection<? extends Certificate> cas;
            try (InputStream in = Files.newInputStream(clientCaFile)) {
                cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (cas.isEmpty()) {
                throw new IOException(clientCaFile + ": no PEM certificates");
            }
            int i = 0;
            for (Certificate ca : cas) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return context;
    }
}
