package io.fogbridge.spool;

import io.fogbridge.api.Envelope;
import io.fogbridge.api.HeaderList;
import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.api.SpooledRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes one spool record; the byte layout is documented on {@link SegmentFile}.
 * Stateless and thread-safe, except {@link Decoder}, which caches strings and belongs to one reader.
 */
final class RecordFormat {
    /** Start-of-record marker; lets a scan find the next record after damage without a CRC per byte. */
    static final short MARKER = (short) 0xFB5A;

    static final int MARKER_OFFSET = 0;
    static final int LENGTH_OFFSET = 2;
    static final int CRC_OFFSET = 6;
    /** marker + body length + CRC32C. */
    static final int PREFIX = 10;

    static final int SEQ_OFFSET = PREFIX;
    static final int ARRIVAL_OFFSET = PREFIX + 8;
    /** Smallest possible body: seq, arrival, creation, qos, lane, empty topic, null key, no headers, empty payload. */
    static final int MIN_BODY = 8 + 8 + 8 + 1 + 1 + 2 + 4 + 2 + 4;
    /** Largest accepted body; bigger appends are refused (a broker's packet limit is far lower). */
    static final int MAX_BODY = 16 << 20;

    private RecordFormat() {}

    /**
     * Encodes a record with sequence 0 and no CRC; {@link #seal} fills both in once the writer
     * has assigned the sequence. Runs on the appending thread, so the writer only copies bytes.
     */
    static byte[] encode(Envelope e, long arrival) {
        byte[] topic = utf8(e.topic());
        byte[] key = e.key() == null ? null : utf8(e.key());
        int headerBytes = 2;
        HeaderList headers = HeaderList.copyOf(e.headers()); // the envelope's own list: no copy
        byte[][] hk = new byte[headers.size()][];
        byte[][] hv = new byte[headers.size()][];
        for (int i = 0; i < hk.length; i++) {
            hk[i] = utf8(headers.name(i));
            hv[i] = utf8(headers.value(i) == null ? "" : headers.value(i));
            if (hk[i].length > 0xFFFF) {
                throw new IllegalArgumentException("header name longer than 65535 bytes");
            }
            headerBytes += 2 + hk[i].length + 4 + hv[i].length;
        }
        if (topic.length > 0xFFFF) {
            throw new IllegalArgumentException("topic longer than 65535 bytes");
        }
        if (hk.length > 0xFFFF) {
            throw new IllegalArgumentException("more than 65535 headers");
        }
        long body = 8L
                + 8
                + 8
                + 1
                + 1
                + 2
                + topic.length
                + 4
                + (key == null ? 0 : key.length)
                + headerBytes
                + 4
                + e.payload().length;
        if (body > MAX_BODY) {
            throw new IllegalArgumentException("record of " + body + " bytes exceeds the spool's limit of " + MAX_BODY);
        }
        ByteBuffer b = ByteBuffer.allocate(PREFIX + (int) body);
        b.putShort(MARKER).putInt((int) body).putInt(0);
        b.putLong(0).putLong(arrival).putLong(e.creationTime());
        b.put((byte) e.qos().mqttLevel()).put((byte) e.lane().ordinal());
        b.putShort((short) topic.length).put(topic);
        if (key == null) {
            b.putInt(-1);
        } else {
            b.putInt(key.length).put(key);
        }
        b.putShort((short) hk.length);
        for (int j = 0; j < hk.length; j++) {
            b.putShort((short) hk[j].length).put(hk[j]).putInt(hv[j].length).put(hv[j]);
        }
        b.putInt(e.payload().length).put(e.payload());
        return b.array();
    }

    /** Writes the sequence and then the CRC32C over the body. */
    static void seal(byte[] record, long sequence) {
        ByteBuffer b = ByteBuffer.wrap(record);
        b.putLong(SEQ_OFFSET, sequence);
        CRC32C crc = new CRC32C();
        crc.update(record, PREFIX, record.length - PREFIX);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
    }

    /** Outcome of {@link #check}: a record of that total length, or one of these negatives. */
    static final int INCOMPLETE = 0;

    static final int INVALID = -1;

    /**
     * Checks for a valid record at {@code off}, given {@code avail} readable bytes there.
     *
     * @return the record's total length; {@link #INCOMPLETE} if the header looks right but the
     *     bytes run past {@code avail}; {@link #INVALID} on a wrong marker, length or CRC
     */
    static int check(ByteBuffer buf, int off, int avail) {
        if (avail < PREFIX) {
            return avail >= 2 && buf.getShort(off) != MARKER ? INVALID : INCOMPLETE;
        }
        if (buf.getShort(off + MARKER_OFFSET) != MARKER) {
            return INVALID;
        }
        int body = buf.getInt(off + LENGTH_OFFSET);
        if (body < MIN_BODY || body > MAX_BODY) {
            return INVALID;
        }
        if (PREFIX + body > avail) {
            return INCOMPLETE;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(off + PREFIX, body));
        return (int) crc.getValue() == buf.getInt(off + CRC_OFFSET) ? PREFIX + body : INVALID;
    }

    static long sequence(ByteBuffer buf, int off) {
        return buf.getLong(off + SEQ_OFFSET);
    }

    static long arrival(ByteBuffer buf, int off) {
        return buf.getLong(off + ARRIVAL_OFFSET);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Turns checked records back into {@link SpooledRecord}s. Replay decodes millions of records that mostly
     * share their topic, key, header names and most header values, so each of those fields has its own
     * {@link StringCache} (header names and values one per header position, since a record's headers come in the
     * enricher's fixed order): repeated bytes give back the same {@code String} instance. Not thread-safe.
     */
    static final class Decoder {
        /** Header positions with their own caches; later ones share the last. */
        static final int CACHED_POSITIONS = 16;

        private final StringCache topics = new StringCache(64);
        private final StringCache keys = new StringCache(256);
        private final StringCache[] names = new StringCache[CACHED_POSITIONS];
        private final StringCache[] values = new StringCache[CACHED_POSITIONS];

        /** Decodes the record at {@code off}, which {@link #check} accepted. */
        SpooledRecord decode(ByteBuffer buf, int off) {
            int p = off + PREFIX;
            long seq = buf.getLong(p);
            long arrival = buf.getLong(p + 8);
            long creation = buf.getLong(p + 16);
            QoS qos = QoS.ofMqtt(buf.get(p + 24));
            Lane lane = Lane.values()[buf.get(p + 25) & 1];
            p += 26;
            int topicLen = buf.getShort(p) & 0xFFFF;
            String topic = topics.get(buf, p + 2, topicLen);
            p += 2 + topicLen;
            int keyLen = buf.getInt(p);
            String key = keyLen < 0 ? null : keys.get(buf, p + 4, keyLen);
            p += 4 + Math.max(0, keyLen);
            int count = buf.getShort(p) & 0xFFFF;
            p += 2;
            // names are distinct (the record was encoded from a map): added without a lookup; Envelope keeps the list
            HeaderList.Builder headers = count == 0 ? null : HeaderList.builder(count);
            for (int i = 0; i < count; i++) {
                int nl = buf.getShort(p) & 0xFFFF;
                int at = Math.min(i, CACHED_POSITIONS - 1);
                String name = names(at).get(buf, p + 2, nl);
                p += 2 + nl;
                int vl = buf.getInt(p);
                headers.add(name, values(at).get(buf, p + 4, vl));
                p += 4 + vl;
            }
            int payloadLen = buf.getInt(p);
            byte[] payload = new byte[payloadLen];
            buf.get(p + 4, payload);
            return new SpooledRecord(
                    lane,
                    seq,
                    arrival,
                    new Envelope(
                            topic, key, count == 0 ? HeaderList.of() : headers.build(), payload, creation, qos, lane));
        }

        private StringCache names(int position) {
            StringCache c = names[position];
            if (c == null) {
                c = names[position] = new StringCache(16);
            }
            return c;
        }

        private StringCache values(int position) {
            StringCache c = values[position];
            if (c == null) {
                c = values[position] = new StringCache(256);
            }
            return c;
        }
    }
}
