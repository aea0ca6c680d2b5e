package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations endpoints off loopback need a bearer token or an explicit opt-out; the token is never shown. */
class HttpExposureTest {

    private static final String TOKEN = "s3cr3t-0ps-t0ken-abcdef";

    @Test
    void nonLoopbackHostWithoutTokenIsRefusedNamingKeyAndLine() {
        assertThat(ConfigLoaderTest.problems("""
                        kafka: {bootstrapServers: k:9092}
                        http:
                          host: 0.0.0.0
                        """))
                .singleElement()
                .asString()
                .startsWith("config.yaml:3: http.host: '0.0.0.0' is not a loopback address")
                .contains("http.tokenFile", "http.allowUnauthenticated: true");
    }

    @Test
    void environmentExposureIsRefusedNamingTheVariable() {
        assertThat(ConfigLoaderTest.problems(
                        "kafka: {bootstrapServers: k:9092}\n", Map.of("FOGBRIDGE_HTTP_HOST", "10.1.2.3")))
                .singleElement()
                .asString()
                .startsWith("env FOGBRIDGE_HTTP_HOST: http.host: '10.1.2.3' is not a loopback address");
    }

    @Test
    void loopbackNeedsNoToken() throws Exception {
        for (String host : new String[] {"127.0.0.1", "localhost", "::1"}) {
            HttpSettings http = ConfigLoaderTest.load(
                            "kafka: {bootstrapServers: k:9092}\nhttp: {host: '" + host + "'}\n")
                    .http();
            assertThat(http.tokenConfigured()).isFalse();
            assertThat(http.bearerToken()).isNull();
        }
    }

    @Test
    void explicitOptOutIsAccepted() throws Exception {
        HttpSettings http = ConfigLoaderTest.load("""
                        kafka: {bootstrapServers: k:9092}
                        http: {host: 0.0.0.0, allowUnauthenticated: true}
                        """).http();
        assertThat(http.allowUnauthenticated()).isTrue();
        assertThat(http.bearerToken()).isNull();
    }

    @Test
    void inlineTokenIsAcceptedAndNeverShown() throws Exception {
        GatewayConfig config = ConfigLoaderTest.load("""
                kafka: {bootstrapServers: k:9092}
                http: {host: 0.0.0.0, token: %s}
                """.formatted(TOKEN));
        assertThat(config.http().bearerToken().admits("Bearer " + TOKEN)).isTrue();
        assertThat(config.http().toString()).doesNotContain(TOKEN);
        assertThat(config.summary()).doesNotContain(TOKEN).contains("bearer token");
        assertThat(config.http().bearerToken().toString()).doesNotContain(TOKEN);
    }

    @Test
    void tokenFileIsReadAtStartAndStripped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, TOKEN + "\n");
        GatewayConfig config = ConfigLoaderTest.load("""
                kafka: {bootstrapServers: k:9092}
                http: {host: 0.0.0.0, tokenFile: '%s'}
                """.formatted(file));
        assertThat(config.http().bearerToken().admits("Bearer " + TOKEN)).isTrue();
        assertThat(config.http().bearerToken().admits("Bearer " + TOKEN + "x")).isFalse();
    }

    @Test
    void unreadableOrWeakTokenFileNamesTheKeyNotTheToken(@TempDir Path dir) throws Exception {
        HttpSettings missing = new HttpSettings("0.0.0.0", 0, null, dir.resolve("missing"), false);
        assertThatThrownBy(missing::bearerToken)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("http.tokenFile: cannot read");

        Path weak = Files.writeString(dir.resolve("weak"), "password\n");
        assertThatThrownBy(() -> new HttpSettings("0.0.0.0", 0, null, weak, false).bearerToken())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 16 characters")
                .hasMessageNotContaining("password");
    }

    @Test
    void badInlineTokenIsNotEchoed() {
        assertThat(ConfigLoaderTest.problems("""
                        kafka: {bootstrapServers: k:9092}
                        http: {token: "has spaces in it, long enough"}
                        """))
                .singleElement()
                .asString()
                .startsWith("config.yaml:2: http.token: a bearer token may contain only")
                .doesNotContain("spaces in it");
    }

    @Test
    void tokenAndTokenFileTogetherAreRefused() {
        assertThat(ConfigLoaderTest.problems("""
                        kafka: {bootstrapServers: k:9092}
                        http:
                          token: %s
                          tokenFile: /run/secrets/token
                        """.formatted(TOKEN)))
                .singleElement()
                .asString()
                .startsWith("config.yaml:3: http.token: give http.token or http.tokenFile, not both");
    }
}
