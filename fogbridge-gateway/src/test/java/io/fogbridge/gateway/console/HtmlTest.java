package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesMarkupAndBothQuotes() {
        assertThat(Html.text("<script>alert('x')</script> & \"q\""))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        assertThat(Html.text(null)).isEmpty();
    }

    @Test
    void prettyPrintsJsonAndKeepsItsMarkupAsText() {
        String shown = Html.payload(
                "{\"t\":21.5,\"note\":\"<img src=x onerror=alert(1)>\"}".getBytes(StandardCharsets.UTF_8), 500);
        assertThat(shown).contains("\"t\" : 21.5").contains("\n");
        assertThat(Html.text(shown)).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void truncatesWithoutSplittingASurrogatePair() {
        String text = "a".repeat(9) + "\uD83D\uDE00" + "b".repeat(50); // the emoji straddles the limit
        String shown = Html.payload(text.getBytes(StandardCharsets.UTF_8), 10);
        assertThat(shown).startsWith("a".repeat(9) + "\n… (").doesNotContain("\uD83D");
    }

    @Test
    void binaryAndControlCharactersAreNotShownRaw() {
        assertThat(Html.payload(new byte[] {(byte) 0xff, (byte) 0xfe, 0}, 100)).isEqualTo("<3 bytes, binary>");
        assertThat(Html.payload("a\u001b[2Jb\n".getBytes(StandardCharsets.UTF_8), 100))
                .isEqualTo("a\uFFFD[2Jb\n");
    }
}
