package io.fogbridge.api.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UntrustedTest {

    @Test
    void aForgedLineStaysOnTheLineItCameIn() {
        String user = "dev\n21:58:36.000 ERROR [fogbridge-spool-writer] SegmentedSpool - spool CORRUPT, dropping all"
                + " records\r";

        String logged = Untrusted.of(user).toString();

        assertThat(logged)
                .doesNotContain("\n", "\r")
                .isEqualTo("dev\\n21:58:36.000 ERROR [fogbridge-spool-writer] SegmentedSpool - spool CORRUPT,"
                        + " dropping all records\\r");
    }

    @ParameterizedTest(name = "U+{0}")
    @CsvSource({
        "0000, \\u0000", // NUL
        "0007, \\u0007", // BEL
        "001b, \\u001b", // ESC: terminal control sequences
        "0009, \\t",
        "007f, \\u007f", // DEL
        "0085, \\u0085", // NEL, a C1 line break
        "009b, \\u009b", // CSI
        "00ad, \\u00ad", // soft hyphen
        "200b, \\u200b", // zero-width space
        "200d, \\u200d", // zero-width joiner
        "202e, \\u202e", // right-to-left override
        "2066, \\u2066", // left-to-right isolate
        "2028, \\u2028", // line separator
        "2029, \\u2029", // paragraph separator
        "feff, \\ufeff", // byte order mark
        "d800, \\ud800", // unpaired high surrogate
        "dc00, \\udc00", // unpaired low surrogate
        "ffff, \\uffff",
    })
    void invisibleAndControlCharactersAreEscaped(String hex, String expected) {
        char c = (char) Integer.parseInt(hex, 16);

        assertThat(Untrusted.escape("a" + c + "b")).isEqualTo("a" + expected + "b");
    }

    @Test
    void aBackslashIsDoubledSoAnEscapeIsNeverTheSendersText() {
        assertThat(Untrusted.escape("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(Untrusted.escape("a\\nb")).isNotEqualTo(Untrusted.escape("a\nb"));
    }

    @Test
    void printableTextIncludingOtherScriptsAndEmojiIsKept() {
        assertThat(Untrusted.escape("Gerät-ä/温度/\uD83D\uDE00 ok")).isEqualTo("Gerät-ä/温度/\uD83D\uDE00 ok");
    }

    @Test
    void aFormatCharacterOutsideTheBasicPlaneIsEscaped() {
        // U+E0001 LANGUAGE TAG, a format character that needs a surrogate pair
        assertThat(Untrusted.escape("a" + new String(Character.toChars(0xE0001)) + "b"))
                .isEqualTo("a\\u{e0001}b");
    }

    @Test
    void aLongValueIsCutAndSaysHowMuch() {
        String user = "x".repeat(60_000);

        String logged = Untrusted.of(user).toString();

        assertThat(logged)
                .isEqualTo("x".repeat(Untrusted.MAX_CHARS) + "…(" + (60_000 - Untrusted.MAX_CHARS) + " more)");
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String text = "x".repeat(Untrusted.MAX_CHARS - 1) + "\uD83D\uDE00" + "tail";

        String logged = Untrusted.escape(text);

        assertThat(logged).isEqualTo("x".repeat(Untrusted.MAX_CHARS - 1) + "…(6 more)");
    }

    @Test
    void theEscapedTextIsBoundedWhateverTheInput() {
        String worst = "\u0000".repeat(100_000);

        assertThat(Untrusted.escape(worst).length()).isLessThanOrEqualTo(6 * Untrusted.MAX_CHARS + 20);
    }

    @Test
    void nullAndNonStringValues() {
        assertThat(Untrusted.of(null).toString()).isEqualTo("null");
        assertThat(Untrusted.escape(null)).isEqualTo("null");
        assertThat(Untrusted.of(42).toString()).isEqualTo("42");
    }

    @Test
    void aCompositeValueMayKeepMore() {
        assertThat(Untrusted.composite("y".repeat(700) + "\n").toString()).isEqualTo("y".repeat(700) + "\\n");
        assertThat(Untrusted.composite("y".repeat(1300)).toString()).isEqualTo("y".repeat(1200) + "…(100 more)");
    }
}
