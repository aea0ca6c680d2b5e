package io.fogbridge.gateway.cli;

import java.time.Duration;
import java.util.List;

/** A command with a live status, for {@link LiveStatusTerminalIT}: what it prints depends on where stdout goes. */
public final class LiveStatusProbe {

    private LiveStatusProbe() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("instructions above the status");
        LiveStatus status = LiveStatus.onStdout(Duration.ofMillis(Long.parseLong(args[0])));
        for (int i = 1; i <= 3; i++) {
            status.show(List.of("update " + i, "second line " + i));
            Thread.sleep(50);
        }
        status.finish();
        System.out.println("done");
    }
}
