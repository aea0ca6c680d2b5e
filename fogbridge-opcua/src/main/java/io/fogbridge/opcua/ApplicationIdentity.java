package io.fogbridge.opcua;

import io.fogbridge.certs.CertificateFactory.Issued;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Period;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OPC UA application instance certificate: what it signs and encrypts with, and what a server must
 * trust before it lets the gateway in on a secured endpoint. Made once, on the first start that finds none in
 * {@link OpcUaPki#own()}, and kept: servers that trusted it keep trusting it across restarts. Its application URI
 * ({@code urn:fogbridge:gateway:<host name>}) is in the certificate and is the one the client announces, as OPC UA
 * requires. Immutable.
 */
record ApplicationIdentity(X509Certificate certificate, KeyPair keyPair, String applicationUri) {

    private static final Logger log = LoggerFactory.getLogger(ApplicationIdentity.class);

    /** Reads the certificate in {@code pki/own}, making it first if there is none. */
    static ApplicationIdentity loadOrCreate(OpcUaPki pki) throws Exception {
        // Aes256_Sha256_RsaPss signs with RSA-PSS over SHA-256, which Milo asks the JCA for by a name only
        // BouncyCastle's provider knows; appended last, so it never replaces the JDK's own algorithms
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        Path certificate = pki.own().resolve("gateway.crt.pem");
        Path key = pki.own().resolve("gateway.key.pem");
        if (!Files.exists(certificate) || !Files.exists(key)) {
            create(pki, certificate, key);
        }
        Issued own = Issued.readPem(certificate, key);
        String uri = CertificateUtil.getSanUri(own.certificate())
                .orElseThrow(() -> new IllegalStateException(certificate + " has no application URI (SAN URI)"));
        return new ApplicationIdentity(
                own.certificate(), new KeyPair(own.certificate().getPublicKey(), own.key()), uri);
    }

    private static void create(OpcUaPki pki, Path certificate, Path key) throws Exception {
        String host = hostName();
        KeyPair pair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048); // the RSA policies need RSA keys
        X509Certificate made = new SelfSignedCertificateBuilder(pair)
                .setCommonName("Fogbridge gateway " + host)
                .setOrganization("Fogbridge")
                .setApplicationUri("urn:fogbridge:gateway:" + host)
                .addDnsName(host)
                .setValidityPeriod(Period.ofYears(5))
                .build();
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        new Issued(made, pair.getPrivate(), List.of()).writePem(certificate, key);
        writeDer(made, pki.own().resolve("gateway.der"));
        log.info(
                "opcua: made the gateway's application instance certificate {} (servers must trust {})",
                certificate,
                pki.own().resolve("gateway.der"));
    }

    private static void writeDer(X509Certificate certificate, Path file) throws IOException {
        try {
            Files.write(file, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode " + file, e);
        }
    }

    /** This machine's name as it calls itself; no DNS lookup of other names. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
