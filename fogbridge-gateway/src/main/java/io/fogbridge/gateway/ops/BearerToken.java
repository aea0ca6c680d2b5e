package io.fogbridge.gateway.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The bearer token that guards {@code /readyz} and {@code /metrics} when they are exposed (RFC 6750
 * {@code Authorization: Bearer <token>}).
 *
 * <p>Only a SHA-256 digest of the token is kept, and a presented token is compared digest to digest with
 * {@link MessageDigest#isEqual}, which takes the same time wherever the bytes differ: neither the length nor a prefix
 * of the token can be learnt by timing requests. {@link #toString()} never shows it. Immutable and thread-safe.
 */
public final class BearerToken {

    /** At least 16 characters of the RFC 6750 token alphabet, so it fits the header as it is. */
    public static final int MIN_LENGTH = 16;

    private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;

    private BearerToken(String token) {
        this.digest = sha256(token);
    }

    /**
     * @throws IllegalArgumentException the token is too short or has characters a header cannot carry; the message
     *                                  says which rule, never the token
     */
    public static BearerToken of(String token) {
        String problem = problem(token);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new BearerToken(token);
    }

    /** What is wrong with {@code token}, without quoting it; null when it is acceptable. */
    public static String problem(String token) {
        if (token == null || token.length() < MIN_LENGTH) {
            return "a bearer token needs at least " + MIN_LENGTH + " characters";
        }
        if (!TOKEN68.matcher(token).matches()) {
            return "a bearer token may contain only letters, digits and - . _ ~ + / (then '=' padding)";
        }
        return null;
    }

    /** Whether an {@code Authorization} header value (null when absent) carries this token. */
    public boolean admits(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()) {
            return false;
        }
        // The scheme name is case-insensitive (RFC 9110 11.1); the token is not.
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        String presented = authorization.substring(SCHEME.length()).strip();
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[****]";
    }
}
