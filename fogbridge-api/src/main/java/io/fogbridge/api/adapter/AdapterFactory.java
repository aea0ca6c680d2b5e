package io.fogbridge.api.adapter;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.config.ConfigSection;

/**
 * Makes one kind of device-facing adapter (HTTP, CoAP, a Modbus poller …). Adding a protocol is one module or folder
 * with a factory, registered once in {@code META-INF/services/io.fogbridge.api.adapter.AdapterFactory}; the gateway
 * finds factories with {@link java.util.ServiceLoader}, reads their sections with the rest of the config (unknown
 * keys, environment overrides and the reference table cover them like any other key), and starts the enabled
 * adapters after the spool, the forwarder and the command router stand. Nothing central lists adapters.
 *
 * <p>Factories are stateless and thread-safe; one instance serves the whole process. They need a public no-argument
 * constructor (the {@link java.util.ServiceLoader} contract).
 *
 * <p>What the created adapter owes its senders (acknowledgement only after {@code Accepted}, what a retriable refusal
 * means for a request/response protocol and for a poller, back-pressure, shutdown) is the {@link ProtocolAdapter}
 * contract.
 *
 * @param <S> the adapter's settings, built by its {@link #section()}
 */
public interface AdapterFactory<S> {

    /** A short, unique name for logs, metrics and the config: {@code http} configures under {@code adapters.http}. */
    String name();

    /** The adapter's config section, named {@code adapters.}{@link #name()}. */
    ConfigSection<S> section();

    /** Whether these settings ask for the adapter to run (adapters are off unless configured). */
    boolean enabled(S settings);

    /**
     * A new, not yet started adapter. Cheap and without side effects: I/O (binding ports, connecting to a peer)
     * belongs to {@link ProtocolAdapter#start}. Throws when the settings cannot work (a key store that does not open);
     * the gateway then does not start.
     */
    ProtocolAdapter create(S settings, AdapterContext context) throws Exception;

    /**
     * Whether a running gateway may apply a changed {@code adapters.<name>} section without a restart, by closing the
     * running adapter and starting one this factory makes from the new settings, while every other adapter and every
     * device connection carries on. Say true only for an adapter that binds no port (clients would see it go away,
     * and the new adapter could not bind it while the old one lets go) and whose {@link ProtocolAdapter#close()}
     * releases everything it holds, so a new one made from the same {@link AdapterContext} starts clean: the pollers
     * and subscribers of devices (Modbus, OPC UA). Meters: counters, timers and summaries the new adapter registers
     * under the same names and tags continue the old ones' counts; every other meter named {@code fogbridge.<name>.*}
     * (gauges read the closed adapter's state) is removed when the old adapter closes. Default false: a change to the
     * section needs a restart.
     */
    default boolean replaceableWhileRunning() {
        return false;
    }

    /**
     * A report an operator asks for by name, computed from the settings alone without I/O: {@code plan} for the
     * Modbus read plan ({@code fogbridge modbus plan <config>}). Empty when the adapter has no report of that name.
     */
    default java.util.Optional<String> report(String report, S settings) {
        return java.util.Optional.empty();
    }

    /** One line for {@code fogbridge config check} (endpoints, modes); never a secret. */
    default String describe(S settings) {
        return String.valueOf(settings);
    }
}
