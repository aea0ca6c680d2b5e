package io.fogbridge.opcua;

import io.fogbridge.testkit.TestEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent OPC UA server of the tests: node-opcua (pinned in {@code src/test/node/package-lock.json}) running
 * {@code src/test/node/opcua_peer.js}, whose comment lists the variables it holds. Missing node or npm fails the test
 * in CI and skips it elsewhere, like every peer binary ({@link TestEnv}); missing node_modules are installed with
 * {@code npm ci} (.ci/run does that before the build).
 */
final class NodeOpcUaPeer implements AutoCloseable {

    private static final Path DIR = Path.of("src/test/node").toAbsolutePath();

    private final int port;
    private final Path pki;
    private Process process;

    private NodeOpcUaPeer(int port, Path pki) {
        this.port = port;
        this.pki = pki;
    }

    static NodeOpcUaPeer start(int port, int generation) throws Exception {
        Path node = TestEnv.peer("node");
        requireModules();
        NodeOpcUaPeer peer = new NodeOpcUaPeer(port, Files.createTempDirectory("opcua-peer-pki"));
        peer.restart(node, generation);
        return peer;
    }

    int port() {
        return port;
    }

    String url() {
        return "opc.tcp://127.0.0.1:" + port + "/peer";
    }

    /** (Re)starts the server on the same port, its variable {@code Generation} set to {@code generation}. */
    void restart(int generation) throws Exception {
        restart(TestEnv.peer("node"), generation);
    }

    private void restart(Path node, int generation) throws Exception {
        process = new ProcessBuilder(
                        node.toString(),
                        DIR.resolve("opcua_peer.js").toString(),
                        Integer.toString(port),
                        Integer.toString(generation),
                        pki.toString())
                .directory(DIR.toFile())
                .redirectErrorStream(true)
                .start();
        Process started = process;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        ready.complete(null);
                    } else if (!ready.isDone()) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.completeExceptionally(
                    new IllegalStateException("opcua_peer.js ended before it listened:\n" + output));
        });
        ready.get(60, TimeUnit.SECONDS);
    }

    /** SIGKILL: the connection ends without a goodbye, as when a machine loses power. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }

    private static void requireModules() throws Exception {
        if (Files.isDirectory(DIR.resolve("node_modules/node-opcua"))) {
            return;
        }
        Path npm = TestEnv.peer("npm");
        Process install = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (install.waitFor(300, TimeUnit.SECONDS) && install.exitValue() == 0) {
            return;
        }
        install.destroyForcibly();
        String message = "npm ci in " + DIR + " failed: node-opcua is not installed (.ci/run installs it)";
        if (TestEnv.ci()) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }
}
