package io.fogbridge.command;

import io.fogbridge.api.Command;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of an ADD record in {@link PendingCommandStore}: the command's fields in declaration order.
 * Strings are written with {@link DataOutputStream#writeUTF} (modified UTF-8, at most 65535 bytes, which
 * the consumer enforces for every header); a nullable string is preceded by a presence byte; the payload
 * is an int32 length and its bytes. Pure and thread-safe.
 */
final class CommandRecordFormat {

    private CommandRecordFormat() {}

    static byte[] encode(Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + command.payload().length);
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
            out.write(command.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    static Command decode(DataInputStream in) throws IOException {
        String id = in.readUTF();
        String tenant = in.readUTF();
        String device = in.readUTF();
        String name = in.readUTF();
        String correlationId = readNullable(in);
        boolean responseRequired = in.readBoolean();
        String contentType = readNullable(in);
        long createdAt = in.readLong();
        long deadline = in.readLong();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new Command(
                id, tenant, device, name, correlationId, responseRequired, payload, contentType, createdAt, deadline);
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
