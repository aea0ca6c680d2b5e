package io.fogbridge.gateway.fault;

import io.fogbridge.gateway.cli.Main;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A child-JVM main for {@link FatalErrorIT}: {@code fogbridge run} exactly as {@link Main} runs it, with stderr (the
 * gateway's log) going to the file named by {@code -Dstderr.file}; once the test writes a line to its stdin, an
 * {@link Error} is thrown on a new thread of its own that nothing catches.
 */
public final class GatewayWithInjectedError {

    private GatewayWithInjectedError() {}

    public static void main(String[] args) throws Exception {
        System.setErr(new PrintStream(
                new FileOutputStream(System.getProperty("stderr.file"), true), true, StandardCharsets.UTF_8));
        Thread gateway = new Thread(() -> Main.main(args), "gateway-main");
        gateway.start();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        Thread.ofPlatform().name("injected-error").start(() -> {
            throw new StackOverflowError("injected by FatalErrorIT");
        });
        gateway.join();
    }
}
