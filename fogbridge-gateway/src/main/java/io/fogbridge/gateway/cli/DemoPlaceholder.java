package io.fogbridge.gateway.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code fogbridge demo} as the gateway's distribution knows it: listed in the help, so every command shows in one
 * place, but the demo itself (an in-process Kafka, simulated devices) is in the {@code fogbridge-demo} module, which
 * {@code bin/fogbridge demo} runs. Reached only when the gateway's distribution is started by hand with {@code demo}.
 */
@Command(
        name = "demo",
        description = {
            "Run Kafka, the gateway and simulated devices, all on embedded defaults.",
            "Runs from the fogbridge-demo module: 'bin/fogbridge demo --help' lists its options."
        })
final class DemoPlaceholder implements Callable<Integer> {

    /** Whatever demo options were given: the real command parses them. */
    @Unmatched
    List<String> options;

    @Override
    public Integer call() {
        System.err.println("fogbridge: the demo is not part of the gateway's distribution (it carries no Kafka server);"
                + " start it with bin/fogbridge demo");
        return 2;
    }
}
