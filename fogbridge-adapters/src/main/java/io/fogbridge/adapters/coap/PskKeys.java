package io.fogbridge.adapters.coap;

import io.fogbridge.api.DeviceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTLS pre-shared keys of CoAP devices, read from their own file.
 *
 * <p><b>Why a separate file.</b> The device registry keeps only bcrypt hashes of passwords, and DTLS-PSK needs the
 * secret itself on the server to derive the session keys, so a PSK cannot come from the registry. The keys live in a
 * file that only the gateway may read; the identity is {@code device@tenant}, and a device must also be registered
 * and enabled in the registry to get anything done (the key proves the identity, the registry decides what it may do:
 * removing or disabling the device in the registry locks it out without touching this file).
 *
 * <p>Format, one device a line, {@code #} starts a comment:
 *
 * <pre>
 * valve-1@acme = hex:00112233445566778899aabbccddeeff
 * valve-2@acme = base64:ABEiM0RVZneImaq7zN3u/w==
 * valve-3@acme = text:a shared secret
 * </pre>
 *
 * Keys never appear in logs or exception messages. Immutable after {@link #load}; a {@link CoapAdapter} started with
 * keys loaded from a file watches that file and applies changes without a restart ({@link PskFileWatcher}).
 */
public final class PskKeys {

    private static final Logger log = LoggerFactory.getLogger(PskKeys.class);

    private final Map<String, byte[]> keys;
    private final Path file;

    private PskKeys(Map<String, byte[]> keys, Path file) {
        this.keys = Map.copyOf(keys);
        this.file = file;
    }

    /** @throws IOException the file cannot be read, or a line is malformed (named by its number, never its key) */
    public static PskKeys load(Path file) throws IOException {
        warnIfReadableByOthers(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String identity = eq < 0 ? "" : line.substring(0, eq).strip();
            if (eq < 0 || DeviceId.parseLogin(identity).isEmpty()) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'device@tenant = hex:…|base64:…|text:…'");
            }
            byte[] key = decode(line.substring(eq + 1).strip(), file, i + 1);
            if (keys.put(identity, key) != null) {
                throw new IOException(file + ":" + (i + 1) + ": " + identity + " is listed twice");
            }
        }
        return new PskKeys(keys, file.toAbsolutePath());
    }

    /** Keys given in code: nothing to watch. */
    public static PskKeys of(Map<String, byte[]> keys) {
        return new PskKeys(keys, null);
    }

    /** The file these keys were loaded from, or null when given in code. */
    public Path file() {
        return file;
    }

    Map<String, byte[]> keys() {
        return keys;
    }

    public int size() {
        return keys.size();
    }

    private static byte[] decode(String value, Path file, int line) throws IOException {
        try {
            byte[] key;
            if (value.startsWith("hex:")) {
                key = HexFormat.of().parseHex(value.substring(4).strip());
            } else if (value.startsWith("base64:")) {
                key = Base64.getDecoder().decode(value.substring(7).strip());
            } else if (value.startsWith("text:")) {
                key = value.substring(5).strip().getBytes(StandardCharsets.UTF_8);
            } else {
                throw new IOException(file + ":" + line + ": the key must start with hex:, base64: or text:");
            }
            if (key.length == 0) {
                throw new IOException(file + ":" + line + ": empty key");
            }
            return key;
        } catch (IllegalArgumentException e) { // message could echo key material: say only what is wrong
            throw new IOException(file + ":" + line + ": the key is not valid hex or base64");
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)
                    || permissions.contains(PosixFilePermission.GROUP_READ)) {
                log.warn("{} holds DTLS pre-shared keys and is readable by other users; chmod 600 it", file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
