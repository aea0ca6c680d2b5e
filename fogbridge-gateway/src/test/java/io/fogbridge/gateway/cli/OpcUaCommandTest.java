package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.certs.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fogbridge opcua trust}: moves a refused server certificate from the converter's pki/rejected/ to pki/trusted/,
 * where the converter looks at every connect (OpcUaPeerIT shows a refused server connecting once the file is there).
 */
class OpcUaCommandTest {

    @TempDir
    Path dir;

    @Test
    void movesARejectedCertificateToTrusted() throws Exception {
        Path pki = dir.resolve("opcua/pki");
        Path refused = pki.resolve("rejected/plc-1-0a1b.der");
        Files.createDirectories(refused.getParent());
        Files.write(refused, CertificateFactory.ca("CN=plc-1").certificate().getEncoded());

        assertThat(Main.commandLine().execute("opcua", "trust", refused.toString()))
                .isZero();

        assertThat(refused).doesNotExist();
        assertThat(pki.resolve("trusted/plc-1-0a1b.der")).isNotEmptyFile();
    }

    @Test
    void copiesAnotherCertificateOnlyWithTheDataDir() throws Exception {
        Path pem = CertificateFactory.ca("CN=plc-2").writeCertificatePem(dir.resolve("plc-2.pem"));
        assertThat(Main.commandLine().execute("opcua", "trust", pem.toString())).isEqualTo(1);

        Path data = dir.resolve("data");
        assertThat(Main.commandLine().execute("opcua", "trust", pem.toString(), "--data-dir", data.toString()))
                .isZero();
        assertThat(pem).exists();
        assertThat(data.resolve("opcua/pki/trusted/plc-2.pem")).isNotEmptyFile();
    }

    @Test
    void browseIsTheConvertersToolFoundByName() {
        // the converter's BrowseTool answers (a usage error, so no server is needed): the CLI reached it by name
        assertThat(Main.commandLine().execute("opcua", "browse", "opc.tcp://127.0.0.1:1", "--depth", "0"))
                .isEqualTo(2);
        assertThat(Main.commandLine().execute("opcua", "browse")).isEqualTo(2);
        assertThat(Main.commandLine().execute("opcua", "sample", "opc.tcp://127.0.0.1:1", "--count", "0"))
                .isEqualTo(2);
        // 1, not picocli's 2: the tools got their arguments and tried the (closed) port
        assertThat(Main.commandLine().execute("opcua", "browse", "opc.tcp://127.0.0.1:1", "--depth", "1"))
                .isEqualTo(1);
        assertThat(Main.commandLine().execute("opcua", "sample", "opc.tcp://127.0.0.1:1", "ns=1;s=Level"))
                .isEqualTo(1);
    }

    @Test
    void refusesAFileThatIsNotACertificate() throws Exception {
        Path junk = Files.writeString(
                Files.createDirectories(dir.resolve("rejected")).resolve("x.der"), "nope");
        assertThat(Main.commandLine().execute("opcua", "trust", junk.toString()))
                .isEqualTo(1);
    }
}
