package io.fogbridge.gateway.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fogbridge.api.DeviceId;
import io.fogbridge.command.CommandRouter;
import io.fogbridge.gateway.console.ConsoleSessions.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The web console at {@code /console} on the operations HTTP server.
 *
 * <p>Routes: the pages {@code GET /console} (overview), {@code /console/devices} (filters {@code tenant}, {@code
 * state}, {@code q}), {@code /console/device?tenant=&id=}, {@code /console/routes}, {@code /console/commands}, {@code
 * /console/spool}, {@code /console/converters}; each page's live fragment at its path plus {@code /live}, the chart
 * columns {@code /console/overview/chart} and the route tester {@code /console/routes/test?topic=&sender=} (reads
 * only); {@code GET|POST /console/login}, {@code POST /console/logout}, {@code POST /console/commands} (sends a
 * command); {@code /console/static/*} (the pinned WebJars and our own script, named one by one: no path from the
 * request reaches the class path).
 *
 * <p>Access ({@link ConsoleSessions}): without a session a page redirects to the login form (or, on loopback, opens
 * a session at once) and a fragment answers 401. Every POST carries the session's CSRF token, the login form a
 * nonce that must match its own cookie; a mismatch is 403. Each answer has a Content-Security-Policy that allows
 * scripts from this server only. Runs on the ops server's single thread.
 */
public final class Console implements HttpHandler {

    static final String SESSION_COOKIE = "fogbridge_console";
    static final String LOGIN_COOKIE = "fogbridge_console_login";
    private static final int MAX_FORM_BYTES = 4096;

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** Served files: URL name → class-path resource and type. Versions match the pom's WebJars. */
    static final Map<String, String[]> STATIC = Map.of(
            "htmx.js",
            new String[] {"META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js", "text/javascript"},
            "uplot.js",
            new String[] {"META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "text/javascript"},
            "uplot.css",
            new String[] {"META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css", "text/css"},
            "pico.css",
            new String[] {"META-INF/resources/webjars/picocss__pico/2.1.1/css/pico.min.css", "text/css"},
            "console.js",
            new String[] {"io/fogbridge/gateway/console/console.js", "text/javascript"},
            "console.css",
            new String[] {"io/fogbridge/gateway/console/console.css", "text/css"});

    private final ConsoleSessions sessions;
    private final GatewayFacts facts;
    private final DeviceActivity activity;
    private final ChartHistory charts;
    private final ConsoleSources sources;
    private final Clock clock;

    public Console(
            ConsoleSessions sessions,
            GatewayFacts facts,
            DeviceActivity activity,
            ChartHistory charts,
            ConsoleSources sources,
            Clock clock) {
        this.sessions = sessions;
        this.facts = facts;
        this.activity = activity;
        this.charts = charts;
        this.sources = sources;
        this.clock = clock;
    }

    /** Full pages (a session may be opened for them); everything else under /console is a fragment or an action. */
    private static final Set<String> PAGES = Set.of(
            "/console",
            "/console/",
            "/console/devices",
            "/console/device",
            "/console/routes",
            "/console/commands",
            "/console/spool",
            "/console/converters",
            "/console/pending");

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.startsWith("/console/static/")) {
                serveStatic(exchange, path.substring("/console/static/".length()));
            } else if (path.equals("/console/login")) {
                login(exchange, method);
            } else if (method.equals("POST")) {
                post(exchange, path);
            } else if (method.equals("GET")) {
                get(exchange, path);
            } else {
                respond(exchange, 405, "text/plain", "method not allowed\n");
            }
        }
    }

    private void get(HttpExchange exchange, String path) throws IOException {
        Optional<Session> found = session(exchange);
        boolean page = PAGES.contains(path);
        if (found.isEmpty() && page) {
            if (sessions.loginRequired()) {
                redirect(exchange, "/console/login");
                return;
            }
            Session opened = sessions.openWithoutLogin();
            setSessionCookie(exchange, opened);
            found = Optional.of(opened);
        }
        if (found.isEmpty()) {
            respond(exchange, 401, "text/plain", "log in at /console/login\n");
            return;
        }
        Session session = found.get();
        boolean logout = sessions.loginRequired();
        Map<String, String> query = query(exchange);
        String csrf = session.csrf();
        switch (path) {
            case "/console", "/console/" -> html(exchange, ConsolePages.overview(csrf, logout));
            case "/console/overview/live" -> html(exchange, ConsolePages.overviewLive(facts, clock.instant()));
            case "/console/overview/chart" ->
                respond(exchange, 200, "application/json", ConsolePages.chartJson(charts.columns()));
            case "/console/devices" ->
                html(exchange, DevicePages.list(csrf, logout, tenants(), DeviceFilter.of(query)));
            case "/console/devices/live" ->
                html(exchange, DevicePages.listLive(rows(), DeviceFilter.of(query), clock.instant()));
            case "/console/device" ->
                html(
                        exchange,
                        DevicePages.device(
                                csrf, logout, query.getOrDefault("tenant", ""), query.getOrDefault("id", "")));
            case "/console/device/live" -> html(exchange, deviceLive(query));
            case "/console/routes" -> html(exchange, RoutePages.page(csrf, logout));
            case "/console/routes/live" ->
                html(exchange, RoutePages.live(sources.routes(), sources.routeHits(), sources.unrouted()));
            case "/console/routes/test" ->
                html(exchange, RoutePages.test(sources.routes(), query.get("topic"), query.get("sender")));
            case "/console/commands" ->
                html(
                        exchange,
                        CommandPages.page(
                                csrf, logout, sources.consoleCommands().get() != null, query.get("notice")));
            case "/console/commands/live" ->
                html(
                        exchange,
                        CommandPages.live(
                                sources.consoleCommands().get() == null
                                        ? List.of()
                                        : sources.consoleCommands().get().recent(),
                                clock.instant()));
            case "/console/spool" -> html(exchange, SpoolPages.page(csrf, logout));
            case "/console/spool/live" -> html(exchange, spoolLive());
            case "/console/converters" -> html(exchange, ConverterPages.page(csrf, logout));
            case "/console/converters/live" ->
                html(
                        exchange,
                        ConverterPages.live(
                                activity.snapshot(), sources.converterFigures().get(), clock.instant()));
            case "/console/pending" -> html(exchange, PendingPages.page(csrf, logout));
            case "/console/pending/live" -> html(exchange, pendingLive());
            default -> respond(exchange, 404, "text/plain", "not found\n");
        }
    }

    private String pendingLive() {
        ConsoleSources.Pending pending = sources.pending();
        return PendingPages.live(
                pending.newcomers().get(),
                pending.dropped().getAsDouble(),
                pending.unlisted().getAsLong(),
                pending.discoveryRounds().get(),
                facts.id(),
                clock.instant());
    }

    private String spoolLive() {
        var parked = sources.parked();
        return SpoolPages.live(
                sources.spool().get(),
                parked == null ? 0 : parked.records(),
                parked == null ? 0 : parked.bytes(),
                parked == null ? List.of() : parked.byTopic(),
                sources.spoolReport() == null
                        ? new SpoolReport.Report("", false, 0)
                        : sources.spoolReport().latest(),
                clock.instant());
    }

    /** Sends the command the form describes; answers with a redirect to the commands page and a notice. */
    private void sendCommand(HttpExchange exchange, Session session, Map<String, String> form) throws IOException {
        ConsoleCommands commands = sources.consoleCommands().get();
        if (commands == null) {
            respond(exchange, 404, "text/plain", "commands are off on this gateway\n");
            return;
        }
        String notice;
        try {
            DeviceId target = DeviceId.parseLogin(
                            form.getOrDefault("device", "").strip())
                    .orElseThrow(() -> new IllegalArgumentException("the device must be written device@tenant"));
            Duration ttl = Duration.ofSeconds(
                    Long.parseLong(form.getOrDefault("ttl", "30").strip()));
            commands.send(
                            target.tenant(),
                            target.device(),
                            form.getOrDefault("subject", "").strip(),
                            form.getOrDefault("payload", "").getBytes(StandardCharsets.UTF_8),
                            ttl,
                            exchange.getRemoteAddress().getAddress().getHostAddress() + " (console session "
                                    + ConsoleSessions.tag(session) + ")")
                    .get(10, TimeUnit.SECONDS);
            notice = "Sent.";
        } catch (NumberFormatException e) {
            notice = "Not sent: the ttl must be a whole number of seconds.";
        } catch (IllegalArgumentException e) {
            notice = "Not sent: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notice = "Not sent: interrupted.";
        } catch (ExecutionException | TimeoutException e) {
            notice = "Not sent: the command could not be stored (" + e.getCause() + ").";
        }
        redirect(exchange, "/console/commands?notice=" + URLEncoder.encode(notice, StandardCharsets.UTF_8));
    }

    private List<DeviceRow> rows() {
        return DeviceRow.join(facts.registry().get(), activity.snapshot());
    }

    private List<String> tenants() {
        return rows().stream()
                .map(DeviceRow::tenant)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
    }

    private String deviceLive(Map<String, String> query) {
        String tenant = query.getOrDefault("tenant", "");
        String id = query.getOrDefault("id", "");
        DeviceRow row = rows().stream()
                .filter(r -> id.equals(r.name()) && tenant.equals(r.tenant() == null ? "" : r.tenant()))
                .findFirst()
                .orElse(null);
        CommandRouter router = sources.commands().get();
        List<CommandRouter.Waiting> pending = router == null || tenant.isEmpty() ? null : router.pending(tenant, id);
        return DevicePages.deviceLive(row, pending, sources.routes(), tenant, clock.instant());
    }

    private void post(HttpExchange exchange, String path) throws IOException {
        Optional<Session> session = session(exchange);
        if (session.isEmpty()) {
            respond(exchange, 401, "text/plain", "log in at /console/login\n");
            return;
        }
        Map<String, String> form = form(exchange);
        String csrf = form.getOrDefault("csrf", exchange.getRequestHeaders().getFirst("X-CSRF-Token"));
        if (!sessions.csrfMatches(session.get(), csrf)) {
            respond(exchange, 403, "text/plain", "refused: missing or wrong CSRF token\n");
            return;
        }
        if (path.equals("/console/logout")) {
            sessions.logout(session.get());
            exchange.getResponseHeaders()
                    .add("Set-Cookie", SESSION_COOKIE + "=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0");
            redirect(exchange, sessions.loginRequired() ? "/console/login" : "/console");
        } else if (path.equals("/console/commands")) {
            sendCommand(exchange, session.get(), form);
        } else {
            respond(exchange, 404, "text/plain", "not found\n");
        }
    }

    private void login(HttpExchange exchange, String method) throws IOException {
        if (!sessions.loginRequired()) {
            redirect(exchange, "/console");
            return;
        }
        if (method.equals("POST")) {
            Map<String, String> form = form(exchange);
            String nonce = cookies(exchange).get(LOGIN_COOKIE);
            String presented = form.get("csrf");
            if (nonce == null || presented == null || !nonce.equals(presented)) {
                sessions.csrfRefused();
                respond(exchange, 403, "text/plain", "refused: missing or wrong CSRF token\n");
                return;
            }
            Optional<Session> session = sessions.login(form.get("token"));
            if (session.isPresent()) {
                setSessionCookie(exchange, session.get());
                redirect(exchange, "/console");
                return;
            }
            loginForm(exchange, 401, true);
        } else {
            loginForm(exchange, 200, false);
        }
    }

    private void loginForm(HttpExchange exchange, int status, boolean refused) throws IOException {
        String nonce = ConsoleSessions.randomToken();
        exchange.getResponseHeaders()
                .add("Set-Cookie", LOGIN_COOKIE + "=" + nonce + "; Path=/console/login; HttpOnly; SameSite=Strict");
        respond(exchange, status, "text/html; charset=utf-8", ConsolePages.login(nonce, refused));
    }

    private void serveStatic(HttpExchange exchange, String name) throws IOException {
        String[] file = STATIC.get(name);
        InputStream in = file == null ? null : Console.class.getClassLoader().getResourceAsStream(file[0]);
        if (in == null) {
            respond(exchange, 404, "text/plain", "not found\n");
            return;
        }
        byte[] bytes;
        try (in) {
            bytes = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
        send(exchange, 200, file[1] + "; charset=utf-8", bytes);
    }

    private Optional<Session> session(HttpExchange exchange) {
        return sessions.find(cookies(exchange).get(SESSION_COOKIE));
    }

    private static void setSessionCookie(HttpExchange exchange, Session session) {
        exchange.getResponseHeaders()
                .add("Set-Cookie", SESSION_COOKIE + "=" + session.id() + "; Path=/console; HttpOnly; SameSite=Strict");
    }

    static Map<String, String> cookies(HttpExchange exchange) {
        Map<String, String> cookies = new HashMap<>();
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    cookies.putIfAbsent(
                            pair.substring(0, eq).strip(),
                            pair.substring(eq + 1).strip());
                }
            }
        }
        return cookies;
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_FORM_BYTES);
        return urlEncoded(new String(body, StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        return raw == null ? Map.of() : urlEncoded(raw.length() > MAX_FORM_BYTES ? "" : raw);
    }

    private static Map<String, String> urlEncoded(String text) {
        Map<String, String> form = new HashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    form.putIfAbsent(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed escape: the field is left out, and a missing token is refused below
                }
            }
        }
        return form;
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        respond(exchange, 303, "text/plain", "see " + location + "\n");
    }

    private static void html(HttpExchange exchange, String body) throws IOException {
        respond(exchange, 200, "text/html; charset=utf-8", body);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] bytes) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
