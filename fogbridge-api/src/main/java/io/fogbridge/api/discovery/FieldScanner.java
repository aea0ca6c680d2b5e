package io.fogbridge.api.discovery;

import java.io.PrintStream;
import java.util.List;

/**
 * A converter's scan of the field network, {@code fogbridge discover <protocol> <args>}: it looks only where its
 * arguments tell it to (an OPC UA discovery URL, a Modbus host range with ports and unit ids) and proposes each device
 * it found, with the converter's own section filled in as far as the answers tell ({@link ProposedDevice}). What
 * becomes of a proposal (a pending Device resource, a YAML file) is the caller's business, not the scanner's.
 * Registered once in {@code META-INF/services/io.fogbridge.api.discovery.FieldScanner}; the CLI finds scanners with
 * {@link java.util.ServiceLoader} and names none of the converter's classes.
 *
 * <p>A scan is bounded: every network step has a timeout and the scanner caps how many it runs at once, so a scan
 * of a /24 ends in seconds and never floods the network. It only reads (an OPC UA browse, a Modbus read of one
 * register): nothing it does changes a device. Scanners are stateless and need a public no-argument constructor;
 * {@link #scan} may be called from any thread, one call per scan.
 */
public interface FieldScanner {

    /** The protocol, the word after {@code fogbridge discover} and the Device's {@code spec.protocol}: {@code opcua}. */
    String protocol();

    /** The arguments, for the CLI's help, and what they mean. */
    String usage();

    /**
     * Checks the arguments as {@link #scan} would read them, without scanning: a scan the gateway runs on a schedule
     * ({@code discovery} in gateway.yaml) is refused at start, with its file, line and key, not at its first round.
     * The default accepts anything (the scan itself then says what is wrong).
     *
     * @throws UsageError what {@link #scan} would throw for these arguments
     */
    default void check(List<String> args) throws UsageError {}

    /**
     * Scans and returns the devices found, in a stable order (the same network answers the same list).
     *
     * @param progress one line per thing looked at and why it was left out, for the person who runs the scan
     * @throws UsageError the arguments do not say what to scan; nothing was scanned
     * @throws Exception  the scan could not run at all (a device that does not answer is no failure: it is left out
     *                    and said so on {@code progress})
     */
    List<ProposedDevice> scan(List<String> args, PrintStream progress) throws Exception;

    /** Arguments that do not parse; the message names the argument and says what was expected. */
    final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageError(String message) {
            super(message, null, false, false);
        }
    }
}
