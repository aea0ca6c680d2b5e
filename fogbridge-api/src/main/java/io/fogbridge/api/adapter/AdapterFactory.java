package io.fogbridge.api.adapter;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.config.ConfigSection;

/**
 * Makes one kind of device-facing adapter (HTTP, CoAP, a Modbus poller …). Adding a protocol is one module or folder
 * with a factory, registered once in {@code META-INF/services/io.fogbridge.api.adapter.AdapterFactory}; the gateway
 * finds factories with {@link java.util.ServiceLoader}, reads their sections with the rest of the config, and starts
 * the enabled adapters after the spool, the forwarder and the command router stand.
 *
 * <p>Factories are stateless and thread-safe; one instance serves the whole process.
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
     * belongs to {@link ProtocolAdapter#start}.
     */
    ProtocolAdapter create(S settings, AdapterContext context) throws Exception;
}
