package io.fogbridge.kafka.command;

import io.fogbridge.api.Command;
import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link KafkaCommandConsumer} hands what it reads (the gateway wires the command router here).
 * Both methods return a future that completes when the record is settled; the consumer commits the
 * record's offset only then. An exceptional completion means "not settled": the consumer reads the
 * record again later. Called from the consumer thread; may block it briefly for a durable write.
 */
public interface CommandHandler {

    /** A valid command for this gateway's tenants. */
    CompletableFuture<Void> command(Command command);

    /**
     * A record that is not a valid command; answer it with status 400 and a delivery-failure marker.
     *
     * @param device        the target device if the record named one, else null
     * @param correlationId the correlation id if one could be read, else null
     */
    CompletableFuture<Void> malformed(String tenant, String device, String correlationId, String reason);
}
