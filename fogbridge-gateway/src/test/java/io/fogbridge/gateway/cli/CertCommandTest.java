package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.certs.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fogbridge cert ca}, then {@code cert issue} from the files it wrote, as an operator would run them. */
class CertCommandTest {

    @TempDir
    Path dir;

    @Test
    void issuesServerAndDeviceCertificatesFromACaOnDisk() throws Exception {
        Path ca = dir.resolve("acme-ca");
        assertThat(Main.commandLine()
                        .execute("cert", "ca", "--subject", "CN=Acme Devices CA,O=acme", "--out", ca.toString()))
                .isZero();
        assertThat(Files.getPosixFilePermissions(Path.of(ca + ".key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Path server = dir.resolve("edge-1");
        assertThat(Main.commandLine()
                        .execute(
                                "cert",
                                "issue",
                                "--ca",
                                ca.toString(),
                                "--server",
                                "edge-1.local,127.0.0.1",
                                "--out",
                                server.toString()))
                .isZero();
        Path device = dir.resolve("lathe-1");
        assertThat(Main.commandLine()
                        .execute(
                                "cert",
                                "issue",
                                "--ca",
                                ca.toString(),
                                "--subject",
                                "CN=lathe-1,O=acme",
                                "--out",
                                device.toString()))
                .isZero();

        X509Certificate caCert = read(ca).certificate();
        for (Path issued : new Path[] {server, device}) {
            X509Certificate cert = read(issued).certificate();
            assertThat(cert.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
            cert.verify(caCert.getPublicKey()); // signed by the CA's key, not only named after it
        }
        assertThat(read(server).certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=edge-1.local");
        assertThat(read(device).certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=lathe-1,O=acme");
    }

    @Test
    void issueNeedsExactlyOneOfSubjectAndServer() {
        Path ca = dir.resolve("ca");
        Main.commandLine().execute("cert", "ca", "--subject", "CN=x", "--out", ca.toString());
        assertThat(Main.commandLine()
                        .execute(
                                "cert",
                                "issue",
                                "--ca",
                                ca.toString(),
                                "--out",
                                dir.resolve("none").toString()))
                .isEqualTo(2);
    }

    private static CertificateFactory.Issued read(Path prefix) {
        return CertificateFactory.Issued.readPem(Path.of(prefix + ".pem"), Path.of(prefix + ".key"));
    }
}
