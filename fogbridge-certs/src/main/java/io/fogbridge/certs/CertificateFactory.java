package io.fogbridge.certs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development CA for {@code fogbridge cert}, the demo and the tests: a CA, then server and client certificates it
 * issues, with validity windows the caller chooses (an expired client certificate is one call). EC P-256 keys: fast to generate on a shared 2-core machine.
 *
 * <p>Output as PEM (for mosquitto_pub, kcat and the gateway's PEM listeners) or as PKCS12 (for Kafka and the JDK).
 * Thread-safe; every call makes a fresh key pair.
 *
 * <pre>{@code
 * CertificateFactory.Issued ca = CertificateFactory.ca("CN=Test CA");
 * CertificateFactory.Issued server = CertificateFactory.server(ca, "localhost", "127.0.0.1");
 * CertificateFactory.Issued device = CertificateFactory.client(ca, "CN=lathe-1,O=acme");
 * device.writePem(dir.resolve("lathe-1.crt"), dir.resolve("lathe-1.key"));
 * }</pre>
 */
public final class CertificateFactory {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    private CertificateFactory() {}

    /** A certificate with its private key and the chain up to (and including) the CA that issued it. */
    public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> issuers) {

        public Issued {
            issuers = List.copyOf(issuers);
        }

        public String certificatePem() {
            return pem(certificate);
        }

        public String privateKeyPem() {
            return pem(key);
        }

        /**
         * Reads what {@link #writePem} wrote (or any PEM certificate with its PKCS#8 or traditional key), e.g. a CA
         * to issue from. The result has no issuer chain.
         */
        public static Issued readPem(Path certificateFile, Path keyFile) {
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(certificateFile)) {
                certificate = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read certificate " + certificateFile, e);
            }
            try (Reader reader = Files.newBufferedReader(keyFile);
                    PEMParser parser = new PEMParser(reader)) {
                Object object = parser.readObject();
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                PrivateKey key = object instanceof PEMKeyPair pair
                        ? converter.getKeyPair(pair).getPrivate()
                        : converter.getPrivateKey((PrivateKeyInfo) object);
                return new Issued(certificate, key, List.of());
            } catch (IOException | ClassCastException e) {
                throw new IllegalStateException("cannot read private key " + keyFile, e);
            }
        }

        /** Writes the certificate and its PKCS#8 key as PEM files. */
        public Issued writePem(Path certificateFile, Path keyFile) {
            write(certificateFile, certificatePem());
            write(keyFile, privateKeyPem());
            return this;
        }

        /** Writes only the certificate as PEM (for a CA file clients trust). */
        public Path writeCertificatePem(Path file) {
            write(file, certificatePem());
            return file;
        }

        /** A PKCS12 key store holding the key and the chain, under {@code alias}. */
        public Path writePkcs12(Path file, String password, String alias) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                List<Certificate> chain = new ArrayList<>();
                chain.add(certificate);
                chain.addAll(issuers);
                store.setKeyEntry(alias, key, password.toCharArray(), chain.toArray(Certificate[]::new));
                return save(store, file, password);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot write key store " + file, e);
            }
        }

        /** A PKCS12 trust store holding only this certificate (use on a CA). */
        public Path writeTrustStore(Path file, String password) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("ca", certificate);
                return save(store, file, password);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot write trust store " + file, e);
            }
        }
    }

    /** A self-signed CA valid from an hour ago for 30 days. */
    public static Issued ca(String subjectDn) {
        Instant now = Instant.now();
        return ca(subjectDn, now.minus(Duration.ofHours(1)), now.plus(DEFAULT_VALIDITY));
    }

    public static Issued ca(String subjectDn, Instant notBefore, Instant notAfter) {
        KeyPair keys = keyPair();
        X500Name name = x500(subjectDn);
        return sign(name, keys.getPrivate(), List.of(), name, keys, notBefore, notAfter, Kind.CA, List.of());
    }

    /** A server certificate for these DNS names or IP addresses (the first is also the CN), valid 30 days. */
    public static Issued server(Issued ca, String... hosts) {
        Instant now = Instant.now();
        return issue(
                ca, "CN=" + hosts[0], now.minus(Duration.ofHours(1)), now.plus(DEFAULT_VALIDITY), Kind.SERVER, hosts);
    }

    /** A server certificate with this validity window. */
    public static Issued server(Issued ca, Instant notBefore, Instant notAfter, String... hosts) {
        return issue(ca, "CN=" + hosts[0], notBefore, notAfter, Kind.SERVER, hosts);
    }

    /** A client certificate with this subject, valid from an hour ago for 30 days. */
    public static Issued client(Issued ca, String subjectDn) {
        Instant now = Instant.now();
        return client(ca, subjectDn, now.minus(Duration.ofHours(1)), now.plus(DEFAULT_VALIDITY));
    }

    /** A client certificate with this validity window: a window in the past makes an expired certificate. */
    public static Issued client(Issued ca, String subjectDn, Instant notBefore, Instant notAfter) {
        return issue(ca, subjectDn, notBefore, notAfter, Kind.CLIENT);
    }

    private enum Kind {
        CA,
        SERVER,
        CLIENT
    }

    private static Issued issue(
            Issued ca, String subjectDn, Instant notBefore, Instant notAfter, Kind kind, String... hosts) {
        List<X509Certificate> issuers = new ArrayList<>();
        issuers.add(ca.certificate());
        issuers.addAll(ca.issuers());
        return sign(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                ca.key(),
                issuers,
                x500(subjectDn),
                keyPair(),
                notBefore,
                notAfter,
                kind,
                List.of(hosts));
    }

    private static Issued sign(
            X500Name issuer,
            PrivateKey issuerKey,
            List<X509Certificate> issuers,
            X500Name subject,
            KeyPair keys,
            Instant notBefore,
            Instant notAfter,
            Kind kind,
            List<String> hosts) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    subject,
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            switch (kind) {
                case CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
                }
                case CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
            }
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
            return new Issued(certificate, keys.getPrivate(), issuers);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    /** As the JDK reads the DN (RFC 2253: the last RDN in the text comes first), so subjects compare equal. */
    private static X500Name x500(String dn) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(dn).getEncoded());
    }

    private static GeneralNames alternativeNames(List<String> hosts) {
        GeneralName[] names = hosts.stream()
                .map(h -> new GeneralName(
                        h.matches("[0-9.]+") || h.contains(":") ? GeneralName.iPAddress : GeneralName.dNSName, h))
                .toArray(GeneralName[]::new);
        return new GeneralNames(names);
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC key pair generator", e);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            // A private key is written as PKCS#8 ("BEGIN PRIVATE KEY"), which every peer reads.
            writer.writeObject(
                    object instanceof PrivateKey key
                            ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)
                            : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Path save(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
