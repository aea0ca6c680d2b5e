package io.fogbridge.command;

import io.fogbridge.api.Command;

/**
 * What the router keeps in memory of a stored command: everything but the payload, which stays in the
 * {@link PendingCommandStore}'s file until the command is handed to a device ({@link PendingCommandStore#load}).
 * About 200 bytes whatever the payload size, so the heap a pending command costs does not grow with it.
 *
 * @param payloadLength bytes of the payload on disk
 */
record PendingCommand(
        String id,
        String tenant,
        String device,
        String name,
        String correlationId,
        boolean responseRequired,
        String contentType,
        long createdAt,
        long deadline,
        int payloadLength) {

    static PendingCommand of(Command command) {
        return new PendingCommand(
                command.id(),
                command.tenant(),
                command.device(),
                command.name(),
                command.correlationId(),
                command.responseRequired(),
                command.contentType(),
                command.createdAt(),
                command.deadline(),
                command.payload().length);
    }

    /** The full command with its payload read back from the store. */
    Command withPayload(byte[] payload) {
        return new Command(
                id, tenant, device, name, correlationId, responseRequired, payload, contentType, createdAt, deadline);
    }

    boolean expiredAt(long now) {
        return now > deadline;
    }

    @Override
    public String toString() {
        return "Command[id=" + id + ", " + tenant + "/" + device + " " + name + ", correlationId=" + correlationId
                + ", payload=" + payloadLength + " B, deadline=" + deadline + "]";
    }
}
