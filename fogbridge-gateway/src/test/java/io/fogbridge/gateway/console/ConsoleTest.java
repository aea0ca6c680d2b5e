package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.gateway.ops.OpsServer;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.registry.Device;
import io.fogbridge.registry.Registry;
import io.fogbridge.registry.Tenant;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's HTTP contract on a real ops server, without a gateway behind it. */
class ConsoleTest {

    private static final String TOKEN = "s3cret-console-token-0123";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient(); // follows no redirects
    private final DeviceActivity activity =
            new DeviceActivity(message -> CompletableFuture.completedFuture(Outcome.LOCAL), System::currentTimeMillis);
    private OpsServer ops;
    private String base;

    @BeforeEach
    void start() throws Exception {
        Registry devices = new Registry(Map.of(
                "plant",
                new Tenant(
                        "plant",
                        true,
                        List.of(),
                        Map.of("lathe-1", new Device("plant", "lathe-1", true, List.of(), Set.of(), Set.of())))));
        GatewayFacts facts = new GatewayFacts(
                "gw-<b>1</b>",
                Map.of("site", "hall \"A\""),
                "test",
                Instant.now().minusSeconds(90),
                () -> Map.of("spool", ReadinessCheck.Status.ok("open, 0 records")),
                () -> "running, connected",
                () -> Double.NaN,
                () -> devices);
        ChartHistory charts = new ChartHistory(() -> 0, () -> 0, () -> 0);
        ConsoleSessions sessions =
                new ConsoleSessions(BearerToken.of(TOKEN), registry, System::nanoTime, Duration.ofHours(1));
        ops = new OpsServer("127.0.0.1", 0, registry, BearerToken.of(TOKEN))
                .mount(
                        "/console",
                        new Console(sessions, facts, activity, charts, ConsoleSources.none(), Clock.systemUTC()));
        ops.start();
        base = "http://127.0.0.1:" + ops.port();
    }

    @AfterEach
    void stop() {
        ops.close();
    }

    @Test
    void pagesNeedALoginAndAWrongTokenIsRefusedAndCounted() throws Exception {
        var page = get("/console", null);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).contains("/console/login");
        assertThat(get("/console/devices/live", null).statusCode()).isEqualTo(401);

        var refused = login("wrong-token-but-long-enough");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("Wrong token.");
        assertThat(refused.headers().allValues("Set-Cookie"))
                .noneMatch(c -> c.startsWith(Console.SESSION_COOKIE + "="));
        assertThat(registry.get("fogbridge.console.login.refused").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aLoginSetsAStrictHttpOnlyCookieAndPagesCarryTheSecurityHeaders() throws Exception {
        String cookie = sessionCookie();
        var page = get("/console", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'")
                .doesNotContain("script-src 'self' 'unsafe-inline'");
        assertThat(page.body()).doesNotContain("<script>").contains("src=\"/console/static/htmx.js\"");
        var live = get("/console/overview/live", cookie);
        assertThat(live.body())
                .contains("gw-&lt;b&gt;1&lt;/b&gt;")
                .contains("hall &quot;A&quot;")
                .contains("1 min 30 s");
    }

    @Test
    void whatADeviceSentIsShownAsText() throws Exception {
        String cookie = sessionCookie();
        activity.accept(new InboundMessage(
                "plant/<script>alert(1)</script>",
                "{\"v\":\"<img src=x onerror=alert(1)>\"}".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef(null, null, "<script>evil</script>"),
                null,
                System.currentTimeMillis()));
        activity.accept(new InboundMessage(
                "plant/lathe-1/t",
                "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("plant", "lathe-1", "lathe-1"),
                null,
                System.currentTimeMillis()));
        String body = get("/console/devices/live", cookie).body();
        assertThat(body).doesNotContain("<script").doesNotContain("<img");
        assertThat(body)
                .contains("&lt;script&gt;evil&lt;/script&gt;")
                .contains("plant/&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(body).contains("data-device=\"lathe-1\"").contains(">active<");
        // the device page shows the same message, escaped, and the route its topic takes
        String device = get("/console/device/live?tenant=&id=%3Cscript%3Eevil%3C/script%3E", cookie)
                .body();
        assertThat(device).doesNotContain("<script").doesNotContain("<img");
        assertThat(device).contains("&lt;img src=x onerror=alert(1)&gt;").contains("stays at the edge");
        // a numeric field gets a sparkline, its points in data attributes for the console's script
        assertThat(get("/console/device/live?tenant=plant&id=lathe-1", cookie).body())
                .contains("<figure class=\"sparkline\" data-field=\"t\"")
                .contains("data-values=\"1\"");
        // what the reduction suppressed of it shows in the list and on its page
        activity.suppressed(new InboundMessage(
                "plant/lathe-1/t",
                "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("plant", "lathe-1", "lathe-1"),
                null,
                System.currentTimeMillis()));
        assertThat(get("/console/devices/live", cookie).body()).contains("<td class=\"suppressed\">1</td>");
        assertThat(get("/console/device/live?tenant=plant&id=lathe-1", cookie).body())
                .contains("suppressed by the reduction");
    }

    @Test
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        String cookie = sessionCookie();
        var refused = post("/console/logout", cookie, "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(get("/console", cookie).statusCode()).isEqualTo(200); // still logged in
        assertThat(registry.get("fogbridge.console.csrf.refused").counter().count())
                .isEqualTo(1);
        // a login form posted without its own nonce (a cross-site login) is refused too
        assertThat(post("/console/login", null, "token=" + TOKEN).statusCode()).isEqualTo(403);
    }

    @Test
    void everyPageAndFragmentAnswersAndASendWithoutTheCsrfTokenIsRefused() throws Exception {
        String cookie = sessionCookie();
        for (String page : List.of(
                "/console/devices?state=connected",
                "/console/device?tenant=plant&id=lathe-1",
                "/console/device/live?tenant=plant&id=lathe-1",
                "/console/routes",
                "/console/routes/live",
                "/console/commands",
                "/console/commands/live",
                "/console/spool",
                "/console/spool/live",
                "/console/converters",
                "/console/converters/live",
                "/console/pending",
                "/console/pending/live")) {
            assertThat(get(page, cookie).statusCode()).as(page).isEqualTo(200);
        }
        assertThat(get("/console/routes/test?topic=telemetry/plant/lathe-1", cookie)
                        .body())
                .contains("fog.telemetry.plant")
                .contains("lathe-1");
        assertThat(get("/console/routes/test?topic=" + "%3Cb%3Ex%3C/b%3E", cookie)
                        .body())
                .contains("&lt;b&gt;x&lt;/b&gt;")
                .contains("stays at the edge");
        activity.accept(new InboundMessage(
                "event/plant/plc-1/status",
                "{\"state\":\"lost\",\"reason\":\"<i>refused</i>\"}".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("plant", "plc-1", "plc-1"),
                "application/json",
                System.currentTimeMillis(),
                false,
                Map.of("source", "modbus://10.0.0.5:502/1")));
        assertThat(get("/console/converters/live", cookie).body())
                .contains("modbus://10.0.0.5:502/1")
                .contains(">disconnected<")
                .contains("&lt;i&gt;refused&lt;/i&gt;");
        var refused = post("/console/commands", cookie, "device=lathe-1%40plant&subject=open&ttl=30");
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    @Test
    void theWebJarsAreServedFromTheClassPath() throws Exception {
        for (String name : Console.STATIC.keySet()) {
            var file = get("/console/static/" + name, null);
            assertThat(file.statusCode()).as(name).isEqualTo(200);
            assertThat(file.body()).as(name).isNotEmpty();
        }
        assertThat(get("/console/static/../../META-INF/MANIFEST.MF", null).statusCode())
                .isEqualTo(404);
    }

    private String sessionCookie() throws Exception {
        var response = login(TOKEN);
        assertThat(response.statusCode()).isEqualTo(303);
        String setCookie = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(Console.SESSION_COOKIE + "="))
                .findFirst()
                .orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> login(String token) throws Exception {
        var form = get("/console/login", null);
        String nonceCookie = form.headers().allValues("Set-Cookie").get(0);
        String nonce = nonceCookie.substring(nonceCookie.indexOf('=') + 1, nonceCookie.indexOf(';'));
        assertThat(form.body()).contains("value=\"" + nonce + "\"");
        return post("/console/login", Console.LOGIN_COOKIE + "=" + nonce, "csrf=" + nonce + "&token=" + token);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
