package io.fogbridge.adapters.http;

import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.DeviceDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Basic-auth password checks with a short memory of successes. HTTP devices send their password on every request,
 * and bcrypt costs tens of milliseconds of CPU each time; MQTT pays it once per connection. A success is remembered
 * as a SHA-256 digest of the password (in memory only) for {@code ttl}, and only while the directory version it was
 * checked against is still the current one: a changed directory (removed device, new password) takes effect at once.
 * Failures are never remembered, so a wrong password costs the guesser a full bcrypt every time.
 *
 * <p>Thread-safe. {@link #check} may run bcrypt: call it on a thread that may block.
 */
final class PasswordCheck {

    private record Remembered(byte[] digest, long version, long expiresAt, AuthResult.Authenticated result) {}

    private static final int MAX_REMEMBERED = 10_000;

    private final DeviceDirectory directory;
    private final Clock clock;
    private final long ttlMillis;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    PasswordCheck(DeviceDirectory directory, Clock clock, Duration ttl) {
        this.directory = directory;
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
    }

    AuthResult check(String username, String password) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] digest = sha256(secret);
        long version = directory.version();
        long now = clock.millis();
        Remembered known = remembered.get(username);
        if (known != null
                && known.version == version
                && now < known.expiresAt
                && MessageDigest.isEqual(known.digest, digest)) {
            return known.result;
        }
        AuthResult result = directory.authenticate(username, secret, clock.instant());
        if (result instanceof AuthResult.Authenticated authenticated) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear(); // crude bound; a full bcrypt per device is the worst case afterwards
            }
            remembered.put(username, new Remembered(digest, version, now + ttlMillis, authenticated));
        } else {
            remembered.remove(username);
        }
        return result;
    }

    private static byte[] sha256(byte[] secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
