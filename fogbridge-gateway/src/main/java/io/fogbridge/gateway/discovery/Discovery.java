package io.fogbridge.gateway.discovery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fogbridge.api.discovery.FieldScanner;
import io.fogbridge.api.discovery.ProposedDevice;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * One {@code fogbridge discover} run: finds the converter's {@link FieldScanner} by protocol (so the gateway names
 * none of its classes), runs it with the arguments that are not its own, and turns each device found into a pending
 * Device ({@link DeviceProposal}). With {@code --api-server} they are created there with the given token ({@link
 * ProposalWriter}: only created, an existing one is kept); without, they are printed as YAML for {@code kubectl
 * create -f -} (create, not apply: apply would overwrite an approved Device with a pending proposal), which is also
 * how a site with no route to the API server carries them over. Progress goes to {@code err}. Stateless.
 */
public final class Discovery {

    private static final Set<String> OWN =
            Set.of("--tenant", "--gateway", "--site", "--namespace", "--api-server", "--token-file", "--ca-file");
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private Discovery() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            err.println("which protocol? fogbridge discover " + String.join("|", protocols()) + " ...");
            return 2;
        }
        FieldScanner scanner = scanner(args.getFirst());
        if (scanner == null) {
            err.println("no scanner for '" + args.getFirst() + "' in this distribution (have: "
                    + String.join(", ", protocols()) + ")");
            return 2;
        }
        Map<String, String> own = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            if (OWN.contains(args.get(i))) {
                if (i + 1 == args.size()) {
                    err.println(args.get(i) + " needs a value");
                    return 2;
                }
                own.put(args.get(i), args.get(++i));
            } else {
                rest.add(args.get(i));
            }
        }
        DeviceProposal proposal;
        try {
            proposal = proposal(own);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<ProposedDevice> found;
        try {
            found = scanner.scan(rest, err);
        } catch (FieldScanner.UsageError e) {
            err.println(e.getMessage() + "; usage: fogbridge discover " + scanner.protocol() + " " + scanner.usage());
            return 2;
        } catch (Exception e) {
            err.println("the scan could not run: " + reason(e));
            return 1;
        }
        if (!own.containsKey("--api-server")) {
            for (ProposedDevice device : found) {
                out.print(YAML.writeValueAsString(proposal.resource(device)));
            }
            return 0;
        }
        return create(proposal, found, own, out, err);
    }

    private static int create(
            DeviceProposal proposal,
            List<ProposedDevice> found,
            Map<String, String> own,
            PrintStream out,
            PrintStream err)
            throws InterruptedException {
        ProposalWriter writer;
        try {
            writer = new ProposalWriter(
                    own.get("--api-server"), path(own.get("--token-file")), path(own.get("--ca-file")));
        } catch (IOException e) {
            err.println("--ca-file: " + e.getMessage());
            return 2;
        }
        int failed = 0;
        for (ProposedDevice device : found) {
            ObjectNode resource = proposal.resource(device);
            try {
                ProposalWriter.Outcome outcome = writer.create(proposal.namespace(), resource);
                out.printf(
                        "%s %s %s%n",
                        outcome == ProposalWriter.Outcome.CREATED ? "proposed" : "known   ",
                        device.name(),
                        device.endpoint());
            } catch (IOException e) {
                failed++;
                err.printf("not proposed %s %s: %s%n", device.name(), device.endpoint(), e.getMessage());
            }
        }
        if (!found.isEmpty() && failed < found.size()) {
            out.printf(
                    "approve with: kubectl -n %s patch fdev <name> --type merge -p '{\"spec\":{\"approved\":true}}'%n",
                    proposal.namespace());
        }
        return failed == 0 ? 0 : 1;
    }

    /** A cause a person can act on: an asynchronous failure's own, and a timeout said as one. */
    private static String reason(Throwable e) {
        while (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time (--timeout)";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static DeviceProposal proposal(Map<String, String> own) {
        if (!own.containsKey("--tenant")) {
            throw new IllegalArgumentException("--tenant is required: the tenant of the devices found");
        }
        if (own.containsKey("--gateway") == own.containsKey("--site")) {
            throw new IllegalArgumentException("give exactly one of --gateway and --site: who serves the devices");
        }
        if (own.containsKey("--token-file") && !own.containsKey("--api-server")) {
            throw new IllegalArgumentException("--token-file goes with --api-server");
        }
        return new DeviceProposal(
                own.getOrDefault("--namespace", "default"),
                own.get("--tenant"),
                own.get("--gateway"),
                own.get("--site"));
    }

    /** The scanner of {@code protocol} on the class path, or null. */
    public static FieldScanner scanner(String protocol) {
        for (FieldScanner scanner : ServiceLoader.load(FieldScanner.class)) {
            if (scanner.protocol().equals(protocol)) {
                return scanner;
            }
        }
        return null;
    }

    /** The protocols there are scanners for, sorted. */
    public static List<String> protocols() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(FieldScanner.class).forEach(s -> names.add(s.protocol()));
        return names.stream().sorted().toList();
    }

    private static Path path(String text) {
        return text == null ? null : Path.of(text);
    }
}
