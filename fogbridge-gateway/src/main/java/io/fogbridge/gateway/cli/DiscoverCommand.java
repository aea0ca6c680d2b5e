package io.fogbridge.gateway.cli;

import io.fogbridge.gateway.discovery.Discovery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code fogbridge discover <protocol> <what to scan> --tenant T --gateway G|--site S [--namespace N]
 * [--api-server URL --token-file F [--ca-file F]]}: {@link Discovery} does the work.
 *
 * <p>The scan runs with the rights of whoever runs it, never with the gateway pod's: creating Devices cannot be
 * limited to some names in Kubernetes RBAC, and a gateway able to create Devices could create approved ones.
 */
@Command(
        name = "discover",
        mixinStandardHelpOptions = true,
        description = {
            "Scan the field network and propose pending Device resources (spec.approved: false, named by a hash of"
                    + " the endpoint, so a rescan never duplicates):",
            "  fogbridge discover opcua <opc.tcp:// discovery url> [--depth 4] [--max-items 50] [--timeout 10s] [connection"
                    + " options of opcua browse]",
            "  fogbridge discover modbus <hosts: 10.0.0.0/24,10.0.1.5-10.0.1.9,plc-7> [--ports 502] [--units 1-10]"
                    + " [--timeout 300ms] [--concurrency 32]",
            "and for both: --tenant T (--gateway G | --site S) [--namespace default]"
                    + " [--api-server https://… --token-file F [--ca-file F]]; without --api-server the Devices are"
                    + " printed as YAML for kubectl create -f -."
        })
final class DiscoverCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>(); // picocli adds to it

    @Override
    public Integer call() throws Exception {
        return Discovery.run(args, System.out, System.err);
    }
}
