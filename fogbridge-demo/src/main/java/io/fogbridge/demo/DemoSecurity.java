package io.fogbridge.demo;

import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.registry.PasswordHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;

/**
 * The demo's security, made fresh for every run in its data dir: a development CA, a server certificate for
 * {@code 127.0.0.1}/{@code localhost}, random passwords, and a device registry holding only their bcrypt hashes.
 *
 * <pre>
 * tls/ca.pem, tls/ca.key          the development CA (what mosquitto_sub --cafile and the devices trust)
 * tls/server.pem, tls/server.key  the gateway's TLS listener
 * devices.yaml                    tenant demo: plc-bridge (role plc-bridge), tank-1, watcher (role watcher)
 * watcher.password                the read-only watcher's password, for the printed mosquitto_sub command
 * </pre>
 *
 * Private keys and the password file are mode 600. The device passwords live only in this object (the demo devices
 * use them), and in the watcher's file. Immutable after {@link #create}.
 */
public final class DemoSecurity {

    /** The demo's one tenant. */
    public static final String TENANT = "demo";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Map<String, String> passwords;
    private final CertificateFactory.Issued ca;

    private DemoSecurity(Path dir, Map<String, String> passwords, CertificateFactory.Issued ca) {
        this.dir = dir;
        this.passwords = Map.copyOf(passwords);
        this.ca = ca;
    }

    /** Writes the CA, the server certificate, the registry and the watcher's password into {@code dir}. */
    public static DemoSecurity create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("tls"));
        Instant now = Instant.now();
        CertificateFactory.Issued ca = CertificateFactory.ca(
                "CN=Fogbridge Demo CA,O=fogbridge-demo", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2)));
        ca.writePem(dir.resolve("tls/ca.pem"), privateFile(dir.resolve("tls/ca.key")));
        CertificateFactory.server(ca, "127.0.0.1", "localhost")
                .writePem(dir.resolve("tls/server.pem"), privateFile(dir.resolve("tls/server.key")));

        Map<String, String> passwords = new LinkedHashMap<>();
        for (String device : new String[] {"plc-bridge", "tank-1", "watcher"}) {
            passwords.put(device, randomPassword());
        }
        Files.writeString(dir.resolve("devices.yaml"), registry(passwords), StandardCharsets.UTF_8);
        Files.writeString(privateFile(dir.resolve("watcher.password")), passwords.get("watcher") + "\n");
        return new DemoSecurity(dir, passwords, ca);
    }

    private static String registry(Map<String, String> passwords) {
        StringBuilder yaml = new StringBuilder("# Written by fogbridge demo; passwords are random per run, only their"
                + " bcrypt hashes are here.\ntenants:\n  " + TENANT + ":\n    devices:\n");
        passwords.forEach((device, password) -> {
            yaml.append("      ").append(device).append(":\n");
            String role =
                    switch (device) {
                        case "plc-bridge" -> "plc-bridge"; // publishes the plant's factory/# tree for the lathes
                        case "watcher" -> "watcher"; // read-only: for mosquitto_sub
                        default -> null; // a device: its own telemetry/event topics only
                    };
            if (role != null) {
                yaml.append("        roles: [").append(role).append("]\n");
            }
            yaml.append("        credentials: [{type: hashed-password, hash: \"")
                    .append(PasswordHasher.hash(password.toCharArray(), PasswordHasher.DEFAULT_COST))
                    .append("\"}]\n");
        });
        return yaml.toString();
    }

    /** 18 random bytes, URL-safe Base64: 24 characters, easy to paste into a shell. */
    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Creates the file empty with mode 600 before anything secret is written to it. */
    private static Path privateFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file); // the data dir's own permissions protect it
        }
        return file;
    }

    /** {@code <user>@demo}. */
    public String username(String device) {
        return device + "@" + TENANT;
    }

    public String password(String device) {
        String password = passwords.get(device);
        if (password == null) {
            throw new IllegalArgumentException("no demo device " + device);
        }
        return password;
    }

    public Path caFile() {
        return dir.resolve("tls/ca.pem");
    }

    public Path certFile() {
        return dir.resolve("tls/server.pem");
    }

    public Path keyFile() {
        return dir.resolve("tls/server.key");
    }

    public Path registryFile() {
        return dir.resolve("devices.yaml");
    }

    public Path watcherPasswordFile() {
        return dir.resolve("watcher.password");
    }

    /** What the simulated devices trust: the development CA only. */
    TrustManagerFactory trust() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("demo-ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the demo trust store", e);
        }
    }
}
