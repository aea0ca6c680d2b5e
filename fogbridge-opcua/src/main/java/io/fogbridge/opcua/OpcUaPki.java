package io.fogbridge.opcua;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the converter keeps certificates: {@code <gateway.dataDir>/opcua/pki}.
 *
 * <pre>
 * own/gateway.crt.pem   the gateway's application instance certificate (made on first start, RSA 2048, 5 years)
 * own/gateway.key.pem   its private key, PKCS#8, readable by the owner only
 * own/gateway.der       the same certificate in DER: copy it into a server's trusted folder so it trusts the gateway
 * trusted/              server certificates, or the CAs that issued them, the operator trusts (*.der, *.pem, *.crt);
 *                       read at every connect, so a file added here counts from the next reconnect on
 * rejected/             server certificates refused because nothing in trusted/ vouches for them, one
 *                       {@code <common name>-<sha1>.der} each; {@code fogbridge opcua trust <file>} moves one to
 *                       trusted/
 * </pre>
 *
 * Immutable; the folders are shared by every endpoint (a server trusted once is trusted for all its endpoints).
 */
record OpcUaPki(Path root) {

    /** Opens (and on first start creates) the folders under {@code dataDir/opcua/pki}. */
    static OpcUaPki open(Path dataDir) throws IOException {
        OpcUaPki pki = new OpcUaPki(dataDir.resolve("opcua").resolve("pki"));
        Files.createDirectories(pki.own());
        Files.createDirectories(pki.trusted());
        Files.createDirectories(pki.rejected());
        return pki;
    }

    Path own() {
        return root.resolve("own");
    }

    Path trusted() {
        return root.resolve("trusted");
    }

    Path rejected() {
        return root.resolve("rejected");
    }
}
