package io.fogbridge.registry;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt through BouncyCastle's {@code OpenBSDBCrypt}. Thread-safe. {@link #verify} costs what the hash's cost
 * factor says (cost 10 ≈ 50-100 ms here): call it off latency-sensitive threads.
 *
 * <p>bcrypt reads at most 72 bytes of a password; longer passwords are refused when hashed, so two passwords that
 * differ only after byte 72 cannot silently match.
 */
public final class PasswordHasher {

    public static final int DEFAULT_COST = 10;
    public static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHasher() {}

    public static boolean isBcryptHash(String text) {
        return text != null && BCRYPT.matcher(text).matches();
    }

    /** A {@code $2y$} hash of the password with a random salt. */
    public static String hash(char[] password, int cost) {
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        if (utf8Length(password) > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("the password is longer than bcrypt's " + MAX_PASSWORD_BYTES + " bytes");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password, salt, cost);
    }

    /** Whether the UTF-8 password bytes match the hash. False for bytes that are not UTF-8. */
    public static boolean verify(String hash, byte[] passwordUtf8) {
        char[] password;
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(passwordUtf8));
            password = new char[chars.remaining()];
            chars.get(password);
        } catch (CharacterCodingException e) {
            return false;
        }
        try {
            return password.length > 0 && OpenBSDBCrypt.checkPassword(hash, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static int utf8Length(char[] password) {
        return StandardCharsets.UTF_8.encode(CharBuffer.wrap(password)).remaining();
    }
}
