package io.fogbridge.gateway.cli;

import io.fogbridge.certs.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fogbridge cert ca|issue}: a small development CA (BouncyCastle, EC P-256, PEM files) for the demo, tests and
 * first steps. For production, use your organisation's PKI; the gateway only needs PEM or PKCS12 files.
 */
@Command(
        name = "cert",
        mixinStandardHelpOptions = true,
        description = "A development CA: make a CA, issue server and device certificates (PEM).",
        subcommands = {CertCommand.Ca.class, CertCommand.Issue.class})
final class CertCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "ca", mixinStandardHelpOptions = true, description = "Create a self-signed CA (cert + key PEM).")
    static final class Ca implements Callable<Integer> {
        @Option(names = "--subject", required = true, description = "e.g. \"CN=Acme Devices CA,O=acme\"")
        String subject;

        @Option(names = "--out", required = true, description = "file name prefix: writes <out>.pem and <out>.key")
        Path out;

        @Option(names = "--days", defaultValue = "3650", description = "validity in days (default ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            Instant now = Instant.now();
            CertificateFactory.Issued ca =
                    CertificateFactory.ca(subject, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(days)));
            write(ca, out);
            return 0;
        }
    }

    @Command(
            name = "issue",
            mixinStandardHelpOptions = true,
            description = "Issue a device (client) certificate, or a server certificate with --server.")
    static final class Issue implements Callable<Integer> {
        @Option(names = "--ca", required = true, description = "the CA's prefix: reads <ca>.pem and <ca>.key")
        Path ca;

        @Option(names = "--subject", description = "device subject DN, e.g. \"CN=lathe-1,O=acme\"")
        String subject;

        @Option(names = "--server", split = ",", description = "server host names / IPs (first one is the CN)")
        List<String> serverHosts;

        @Option(names = "--out", required = true, description = "file name prefix: writes <out>.pem and <out>.key")
        Path out;

        @Option(names = "--days", defaultValue = "365", description = "validity in days (default ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() {
            if ((subject == null) == (serverHosts == null)) {
                System.err.println("give --subject (a device certificate) or --server (a server certificate)");
                return 2;
            }
            CertificateFactory.Issued issuer = load(ca);
            Instant from = Instant.now().minus(Duration.ofHours(1));
            Instant until = Instant.now().plus(Duration.ofDays(days));
            CertificateFactory.Issued issued = serverHosts != null
                    ? CertificateFactory.server(issuer, from, until, serverHosts.toArray(String[]::new))
                    : CertificateFactory.client(issuer, subject, from, until);
            write(issued, out);
            System.out.println(
                    "subject: " + issued.certificate().getSubjectX500Principal().getName());
            return 0;
        }
    }

    private static void write(CertificateFactory.Issued issued, Path prefix) {
        Path cert = Path.of(prefix + ".pem");
        Path key = Path.of(prefix + ".key");
        issued.writePem(cert, key);
        try {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | java.io.IOException e) {
            // not POSIX: the directory's permissions protect the key
        }
        System.out.println("wrote " + cert + " and " + key);
    }

    private static CertificateFactory.Issued load(Path prefix) {
        return CertificateFactory.Issued.readPem(Path.of(prefix + ".pem"), Path.of(prefix + ".key"));
    }
}
