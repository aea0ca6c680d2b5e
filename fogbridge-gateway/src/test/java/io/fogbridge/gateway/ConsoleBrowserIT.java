package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.testkit.TestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's {@code chromium} driven headless by {@code chromedriver} through Selenium,
 * against a real gateway (Kafka, the embedded broker, a registry) with {@code http.token} set, so the login form is in
 * the way. A device publishes with {@code mosquitto_pub}, its payload carrying {@code <img onerror>} and
 * {@code <script>}. Screenshots of each page go to {@code target/console-*.png}.
 */
class ConsoleBrowserIT {

    private static final String TOKEN = "console-browser-token-0123";
    private static final String PASSWORD = "lathe-secret";
    private static final String PAYLOAD =
            "{\"rpm\":1200,\"note\":\"<img src=x onerror=alert(1)><script>alert(2)</script>\"}";

    @TempDir
    static Path dir;

    static GatewayFixture fixture;
    static Gateway gateway;
    static WebDriver browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path chromium = TestEnv.peer("chromium");
        Path chromedriver = TestEnv.peer("chromedriver");
        TestEnv.peer("mosquitto_pub");
        fixture = GatewayFixture.start(dir);
        fixture.writeRegistry(PASSWORD, """
                tenants:
                  acme:
                    devices:
                      lathe-1: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                      idle-2: {credentials: [{type: hashed-password, hash: "${hash}"}]}
                """);
        gateway = fixture.startGateway("edge-console", """
                gateway: {id: edge-console, dataDir: "${dataDir}", labels: {site: hall-a}}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}], registry: "${dir}/devices.yaml"}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0, token: "%s"}
                """.formatted(TOKEN));
        base = "http://127.0.0.1:" + gateway.ops().port();
        ChromeOptions options = new ChromeOptions()
                .setBinary(chromium.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--window-size=1280,1600");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(chromedriver.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void logInThenSeeTheOverviewAndADeviceThatPublished() throws Exception {
        browser.get(base + "/console");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        logIn("wrong-token-but-long-enough");
        await(() -> browser.findElements(By.id("refused")).size() == 1);
        assertThat(browser.findElement(By.id("refused")).getText()).isEqualTo("Wrong token.");
        // the browser logs the refusal's 401; drained here, so the check at the end sees only what came after
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue()))
                .allMatch(entry -> entry.getMessage().contains("/console/login")
                        && entry.getMessage().contains("401"));
        long started = System.nanoTime();
        logIn(TOKEN);
        await(() -> browser.findElements(By.id("readiness")).size() == 1);
        System.out.printf("console overview live after login: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        String overview = browser.findElement(By.id("live")).getText();
        assertThat(overview)
                .contains("edge-console")
                .contains("hall-a")
                .contains("spool")
                .contains("kafka");
        await(() -> !"0".equals(browser.findElement(By.id("charts")).getDomAttribute("data-points"))
                && browser.findElements(By.cssSelector("#charts .uplot")).size() == 3);
        screenshot("overview");

        publish("lathe-1", PAYLOAD);
        browser.findElement(By.linkText("Devices")).click();
        await(() -> browser.findElements(By.cssSelector("tr[data-device='lathe-1'] td.state")).stream()
                .anyMatch(cell -> cell.getText().equals("active")));
        String row =
                browser.findElement(By.cssSelector("tr[data-device='lathe-1']")).getText();
        assertThat(row).contains("acme").contains("mqtt").contains("\"rpm\" : 1200");
        // shown as text: the markup is on the page as characters, and no element came of it
        assertThat(browser.findElement(By.cssSelector("tr[data-device='lathe-1'] pre.payload"))
                        .getText())
                .contains("<img src=x onerror=alert(1)><script>alert(2)</script>");
        assertThat(browser.findElements(By.cssSelector("#devices img, #devices script")))
                .isEmpty();
        assertThat(browser.findElement(By.cssSelector("tr[data-device='idle-2'] td.state"))
                        .getText())
                .isEqualTo("never seen");
        screenshot("devices");

        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .toList();
        assertThat(problems).as("browser console (CSP refusals, script errors)").isEmpty();
    }

    private static void logIn(String token) {
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("login")).click();
    }

    private static void publish(String device, String payload) throws Exception {
        Process pub = new ProcessBuilder(
                        TestEnv.peer("mosquitto_pub").toString(),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(gateway.mqttPorts().getFirst()),
                        "-u",
                        device + "@acme",
                        "-P",
                        PASSWORD,
                        "-i",
                        device,
                        "-q",
                        "1",
                        "-t",
                        "telemetry/acme/" + device,
                        "-m",
                        payload)
                .redirectErrorStream(true)
                .start();
        PeerProcess.awaitSuccess(pub, Duration.ofSeconds(10));
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> condition.getAsBoolean());
    }

    private static void screenshot(String page) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(Path.of("target", "console-" + page + ".png"), png);
    }
}
