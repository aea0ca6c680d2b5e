package io.fogbridge.command;

import io.fogbridge.api.Command;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of an ADD record in {@link PendingCommandStore}: a head with the command's fields in declaration
 * order, ending with the payload length, then the payload bytes. Strings are written with {@link
 * DataOutputStream#writeUTF} (modified UTF-8, at most 65535 bytes, which the consumer enforces for every header);
 * a nullable string is preceded by a presence byte; the payload length is an int32. The head is split from the
 * payload so the store writes a large payload from the array it arrived in and reads only heads at recovery.
 * Pure and thread-safe.
 */
final class CommandRecordFormat {

    private CommandRecordFormat() {}

    /** Everything up to and including the payload length; the payload bytes follow it on disk. */
    static byte[] head(Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(command.id());
            out.writeUTF(command.tenant());
            out.writeUTF(command.device());
            out.writeUTF(command.name());
            writeNullable(out, command.correlationId());
            out.writeBoolean(command.responseRequired());
            writeNullable(out, command.contentType());
            out.writeLong(command.createdAt());
            out.writeLong(command.deadline());
            out.writeInt(command.payload().length);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /** Reads a head; the payload ({@link PendingCommand#payloadLength()} bytes) is next in {@code in}. */
    static PendingCommand readHead(DataInput in) throws IOException {
        String id = in.readUTF();
        String tenant = in.readUTF();
        String device = in.readUTF();
        String name = in.readUTF();
        String correlationId = readNullable(in);
        boolean responseRequired = in.readBoolean();
        String contentType = readNullable(in);
        long createdAt = in.readLong();
        long deadline = in.readLong();
        int payloadLength = in.readInt();
        return new PendingCommand(
                id,
                tenant,
                device,
                name,
                correlationId,
                responseRequired,
                contentType,
                createdAt,
                deadline,
                payloadLength);
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
