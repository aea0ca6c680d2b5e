package io.fogbridge.opcua;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.UaException;

/**
 * The command line of {@code fogbridge opcua browse|sample}: the server URL, the tool's own options and the options
 * that say how to reach the server, which mean what an endpoint's keys mean in {@code adapters.opcua}:
 *
 * <pre>
 * --policy None|Basic256Sha256|Aes128_Sha256_RsaOaep|Aes256_Sha256_RsaPss   --mode None|Sign|SignAndEncrypt
 * --user NAME --password-file FILE        or   --user-cert FILE --user-key FILE
 * --data-dir DIR                           the gateway's gateway.dataDir: its certificate and trust store
 * </pre>
 *
 * A secured policy needs {@code --data-dir}: the tool then signs with the gateway's own certificate and trusts
 * exactly the servers the converter trusts; a server it refuses is saved to {@code pki/rejected/} and the error says
 * how to trust it, as the converter's log does. Not thread-safe; one per tool run.
 */
final class ToolConnection {

    static final String USAGE = "[--policy P --mode M] [--user U --password-file F | --user-cert F --user-key F]"
            + " [--data-dir <gateway.dataDir>]";
    private static final Set<String> OPTIONS =
            Set.of("--policy", "--mode", "--user", "--password-file", "--user-cert", "--user-key", "--data-dir");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A command line that does not parse; the message says why. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private final String url;
    private final Map<String, String> options;
    private final List<String> positional;

    private ToolConnection(String url, Map<String, String> options, List<String> positional) {
        this.url = url;
        this.options = options;
        this.positional = positional;
    }

    /** Reads {@code <url> [positional...]} with the connection options and the tool's own {@code toolOptions}. */
    static ToolConnection parse(List<String> args, Set<String> toolOptions) throws UsageError {
        String url = null;
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("--")) {
                if (!OPTIONS.contains(arg) && !toolOptions.contains(arg)) {
                    throw new UsageError("unknown option " + arg);
                }
                if (i + 1 == args.size()) {
                    throw new UsageError(arg + " needs a value");
                }
                options.put(arg, args.get(++i));
            } else if (url == null) {
                if (!arg.startsWith("opc.tcp://")) {
                    throw new UsageError("expected the server's opc.tcp:// URL first, got " + arg);
                }
                url = arg;
            } else {
                positional.add(arg);
            }
        }
        if (url == null) {
            throw new UsageError("the server's opc.tcp:// URL is missing");
        }
        return new ToolConnection(url, options, positional);
    }

    String url() {
        return url;
    }

    /** The same options for another server: a scan connects to each server it found as it was told to connect. */
    ToolConnection withUrl(String other) {
        return new ToolConnection(other, options, positional);
    }

    /** Whether the command line named a security policy (else the tool picks one the server offers). */
    boolean policyGiven() {
        return options.containsKey("--policy");
    }

    List<String> positional() {
        return positional;
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The endpoint these options describe, as the converter would read it from {@code adapters.opcua}. */
    OpcUaEndpoint endpoint() throws UsageError {
        String policy = options.getOrDefault("--policy", "None");
        String mode = options.getOrDefault("--mode", policy.equals("None") ? "None" : "SignAndEncrypt");
        if (!Set.of("None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss")
                .contains(policy)) {
            throw new UsageError("--policy: expected None, Basic256Sha256, Aes128_Sha256_RsaOaep or"
                    + " Aes256_Sha256_RsaPss, got " + policy);
        }
        if (!Set.of("None", "Sign", "SignAndEncrypt").contains(mode) || policy.equals("None") != mode.equals("None")) {
            throw new UsageError("--mode " + mode + " with --policy " + policy
                    + ": None exactly with policy None, else Sign or SignAndEncrypt");
        }
        if (!policy.equals("None") && !options.containsKey("--data-dir")) {
            throw new UsageError("--policy " + policy + " needs --data-dir <gateway.dataDir>: the gateway's"
                    + " certificate and the servers it trusts");
        }
        OpcUaEndpoint.Auth auth = OpcUaEndpoint.Auth.ANONYMOUS;
        if (options.containsKey("--user") != options.containsKey("--password-file")) {
            throw new UsageError("--user and --password-file go together");
        }
        if (options.containsKey("--user-cert") != options.containsKey("--user-key")) {
            throw new UsageError("--user-cert and --user-key go together");
        }
        if (options.containsKey("--user")) {
            auth = OpcUaEndpoint.Auth.USERNAME;
        } else if (options.containsKey("--user-cert")) {
            auth = OpcUaEndpoint.Auth.CERTIFICATE;
        }
        return new OpcUaEndpoint(
                "cli",
                "cli",
                url,
                policy,
                mode,
                auth,
                options.get("--user"),
                path("--password-file"),
                path("--user-cert"),
                path("--user-key"),
                Map.of(),
                Duration.ofSeconds(1),
                List.of(),
                List.of());
    }

    /**
     * Connects as the converter would; null after saying on {@code err} why not (a refused certificate with how to
     * trust it, a refused login, no answer).
     */
    OpcUaClient connect(String name, PrintStream err) throws Exception {
        OpcUaEndpoint endpoint = endpoint();
        ApplicationIdentity identity = null;
        ServerTrust trust = null;
        if (options.containsKey("--data-dir")) {
            OpcUaPki pki = OpcUaPki.open(Path.of(options.get("--data-dir")));
            identity = ApplicationIdentity.loadOrCreate(pki);
            trust = new ServerTrust(pki);
        }
        try {
            // creating the client asks the server for its endpoints: the first contact, which may fail too
            OpcUaClient client = ClientFactory.create(endpoint, identity, trust, TIMEOUT, name);
            client.connectAsync().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return client;
        } catch (UaException | ExecutionException | java.util.concurrent.TimeoutException e) {
            Optional<Path> rejected = trust == null ? Optional.empty() : trust.rejected();
            err.println("cannot connect to " + url + ": "
                    + rejected.map(ServerTrust::advice).orElse(EndpointSession.describe(e)));
            return null;
        }
    }

    private Path path(String option) {
        return options.containsKey(option) ? Path.of(options.get(option)) : null;
    }
}
