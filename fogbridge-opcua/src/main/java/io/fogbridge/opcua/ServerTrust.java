package io.fogbridge.opcua;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a server's certificate is trusted: only when {@link OpcUaPki#trusted()} holds it or a CA that
 * issued it. Anything else is refused and saved to {@link OpcUaPki#rejected()}, where an operator who checked it
 * (compare the thumbprint with the server's) trusts it with {@code fogbridge opcua trust <file>}.
 *
 * <p>The trusted folder is read at every validation, that is at every connect: trusting takes effect at the
 * endpoint's next reconnect, without a restart and without a file watcher. Path building, validity and revocation
 * checks are Milo's {@link DefaultClientCertificateValidator}; host name and application URI mismatches are logged
 * by it, not refused (servers behind NAT or renamed hosts would otherwise never connect).
 *
 * <p>One per endpoint, so the file refused last is that endpoint's. Thread-safe.
 */
final class ServerTrust implements CertificateValidator {

    private static final Logger log = LoggerFactory.getLogger(ServerTrust.class);

    private final OpcUaPki pki;
    private volatile Path rejected;

    ServerTrust(OpcUaPki pki) {
        this.pki = pki;
    }

    @Override
    public void validateCertificateChain(List<X509Certificate> chain, String applicationUri, String[] hostNames)
            throws UaException {
        MemoryTrustListManager trusted = new MemoryTrustListManager();
        trusted.setTrustedCertificates(read(pki.trusted()));
        rejected = null;
        new DefaultClientCertificateValidator(trusted, new RejectedFolder())
                .validateCertificateChain(chain, applicationUri, hostNames);
    }

    /** The server certificate this endpoint's last refused connect saved, or empty when it was not refused so. */
    Optional<Path> rejected() {
        return Optional.ofNullable(rejected);
    }

    /** How an operator trusts the refused certificate; the same words go to the log, the status event and /readyz. */
    static String advice(Path file) {
        return "server certificate not trusted: saved to " + file + "; check its thumbprint, then trust it with"
                + " `fogbridge opcua trust " + file + "`";
    }

    private static List<X509Certificate> read(Path folder) throws UaException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.{der,pem,crt,cer}")) {
            for (Path file : files) {
                try {
                    certificates.addAll(CertificateUtil.decodeCertificates(Files.readAllBytes(file)));
                } catch (UaException | IOException e) {
                    log.warn("opcua: {} in the trusted folder is not a certificate, ignored: {}", file, e.toString());
                }
            }
        } catch (IOException e) {
            throw new UaException(StatusCodes.Bad_InternalError, "cannot read " + folder + ": " + e);
        }
        return certificates;
    }

    /** {@code rejected/<common name>-<sha1>.der}: one file per certificate however often it is refused. */
    private final class RejectedFolder implements CertificateQuarantine {

        @Override
        public List<X509Certificate> getRejectedCertificates() {
            try {
                return read(pki.rejected());
            } catch (UaException e) {
                return List.of();
            }
        }

        @Override
        public void addRejectedCertificate(X509Certificate certificate) {
            try {
                Path file = pki.rejected().resolve(fileName(certificate));
                if (!Files.exists(file)) {
                    Files.write(file, certificate.getEncoded());
                }
                if (rejected == null) { // the server's own certificate comes first in the chain: the one to name
                    rejected = file;
                }
            } catch (IOException | CertificateEncodingException | UaException e) {
                log.warn("opcua: cannot save the refused certificate to {}: {}", pki.rejected(), e.toString());
            }
        }

        @Override
        public void removeRejectedCertificate(X509Certificate certificate) {
            try {
                Files.deleteIfExists(pki.rejected().resolve(fileName(certificate)));
            } catch (IOException | UaException e) {
                log.warn("opcua: cannot remove a certificate from {}: {}", pki.rejected(), e.toString());
            }
        }
    }

    static String fileName(X509Certificate certificate) throws UaException {
        String name = certificate.getSubjectX500Principal().getName();
        int cn = name.indexOf("CN=");
        String common = cn < 0 ? "server" : name.substring(cn + 3).split(",", 2)[0];
        String safe = common.replaceAll("[^A-Za-z0-9._-]+", "_").toLowerCase(Locale.ROOT);
        String thumbprint =
                HexFormat.of().formatHex(CertificateUtil.thumbprint(certificate).bytesOrEmpty());
        return (safe.isEmpty() ? "server" : safe) + "-" + thumbprint + ".der";
    }
}
