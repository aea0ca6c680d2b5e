package io.fogbridge.demo;

import io.fogbridge.gateway.cli.Main;

/** Entry point of {@code bin/fogbridge demo}: the gateway's CLI with the real {@code demo} command. */
public final class DemoMain {

    private DemoMain() {}

    public static void main(String[] args) {
        Main.enableLogging();
        Main.run(Main.commandLine(new DemoCommand()), args);
    }
}
