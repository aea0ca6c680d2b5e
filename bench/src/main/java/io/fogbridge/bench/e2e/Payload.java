package io.fogbridge.bench.e2e;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;

/**
 * The load generator's payload: a fixed header the verifying consumer reads back, then filler up to the
 * configured size.
 *
 * <pre>
 * offset 0  int   magic 0xFB0E2E01 (tells our records from anything else on the topic)
 *        4  int   client index (0 .. clients-1)
 *        8  long  sequence number within the client, from 0
 *       16  long  send time, microseconds since the epoch (intended send time in fixed-rate mode)
 *       24  long  actual send time, microseconds since the epoch (when the client handed the PUBLISH to
 *                 its MQTT connection; later than the intended time when the load generator fell behind)
 *       32  ...   filler: random capital letters, like ProducerPerformance's records, so compression
 *                 (the gateway's producer uses lz4) gains no more here than on the ceiling's records
 * </pre>
 *
 * Latency is computed on the same machine with the same wall clock, so no clock skew enters it.
 */
final class Payload {

    static final int HEADER_BYTES = 32;
    static final int MAGIC = 0xFB0E2E01;

    private final byte[] filler;

    Payload(int size, long seed) {
        if (size < HEADER_BYTES) {
            throw new IllegalArgumentException("payload size must be at least " + HEADER_BYTES + " bytes");
        }
        filler = new byte[size];
        Random random = new Random(seed);
        for (int i = HEADER_BYTES; i < size; i++) {
            filler[i] = (byte) ('A' + random.nextInt(26));
        }
    }

    /** A fresh array per message: the MQTT client keeps it until the PUBACK, for a possible resend. */
    byte[] encode(int client, long seq, long sendMicros, long actualSendMicros) {
        byte[] bytes = filler.clone();
        ByteBuffer.wrap(bytes)
                .putInt(MAGIC)
                .putInt(client)
                .putLong(seq)
                .putLong(sendMicros)
                .putLong(actualSendMicros);
        return bytes;
    }

    /** The header of a record value, or null if it is not one of ours. */
    static Stamp decode(byte[] value) {
        if (value == null || value.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        if (b.getInt() != MAGIC) {
            return null;
        }
        return new Stamp(b.getInt(), b.getLong(), b.getLong(), b.getLong());
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    record Stamp(int client, long seq, long sendMicros, long actualSendMicros) {}
}
