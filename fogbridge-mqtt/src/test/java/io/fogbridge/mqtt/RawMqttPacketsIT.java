package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * What HiveMQ itself does with {@code max-packet-size}, on raw bytes so no client library filters anything: the limit
 * is advertised in CONNACK, and a PUBLISH declaring more is answered with DISCONNECT 0x95 before its payload is read.
 * {@link RawMqttPacketsRelayIT}: the same as a device sees it through the {@link DeviceRelay}, which refuses such a
 * PUBLISH itself with the same code.
 */
class RawMqttPacketsIT {

    private static final int MAX_PAYLOAD = 2048;
    private static final int MAX_PACKET = MAX_PAYLOAD + BrokerWorkDir.HEADER_ROOM;

    @TempDir
    static Path workDir;

    static EmbeddedMqttBroker broker;
    static final ControllableUplink uplink = new ControllableUplink();

    @BeforeAll
    static void start(TestInfo test) throws Exception {
        broker = new EmbeddedMqttBroker(
                EmbeddedBrokerOptions.builder(workDir)
                        .listener("127.0.0.1", 0)
                        .maxPayloadBytes(MAX_PAYLOAD)
                        .pipelinedAcks(ThroughDeviceRelay.class.isAssignableFrom(
                                test.getTestClass().orElseThrow()))
                        .build(),
                null);
        broker.start(uplink);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void connackAdvertisesTheLimitAndAnOversizedPublishGetsDisconnect0x95() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());

            out.write(connectV5("raw-device"));
            out.flush();
            assertThat(in.readUnsignedByte()).as("CONNACK").isEqualTo(0x20);
            byte[] connack = in.readNBytes(readVarInt(in));
            assertThat(connack[1]).as("CONNACK reason").isZero();
            assertThat(maximumPacketSize(connack)).isEqualTo(MAX_PACKET);

            // A QoS 0 PUBLISH whose fixed header declares one byte over the limit; only the header and topic are
            // sent, which is enough for HiveMQ to refuse it.
            byte[] topic = "telemetry/acme/raw".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream publish = new ByteArrayOutputStream();
            publish.write(0x30);
            writeVarInt(publish, MAX_PACKET); // remaining length: total packet = MAX_PACKET + header bytes
            publish.write(0);
            publish.write(topic.length);
            publish.write(topic);
            publish.write(0); // no properties
            out.write(publish.toByteArray());
            out.flush();

            assertThat(in.readUnsignedByte()).as("DISCONNECT").isEqualTo(0xE0);
            byte[] disconnect = in.readNBytes(readVarInt(in));
            assertThat(disconnect[0] & 0xFF).as("reason code").isEqualTo(0x95);
            assertThat(in.read()).as("connection closed after DISCONNECT").isEqualTo(-1);
        }
        assertThat(uplink.poll(200)).isNull();
    }

    private static byte[] connectV5(String clientId) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0}); // v5, clean start, keep alive 60, no props
        byte[] id = clientId.getBytes(StandardCharsets.US_ASCII);
        body.write(0);
        body.write(id.length);
        body.write(id);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        writeVarInt(packet, body.size());
        body.writeTo(packet);
        return packet.toByteArray();
    }

    /** Finds property 0x27 in a CONNACK body (flags, reason, properties). */
    private static int maximumPacketSize(byte[] connack) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(connack, 2, connack.length - 2));
        int length = readVarInt(in);
        int read = 0;
        while (read < length) {
            int id = in.readUnsignedByte();
            read++;
            int size =
                    switch (id) {
                        case 0x24, 0x25, 0x28, 0x29, 0x2A -> 1;
                        case 0x13, 0x21, 0x22 -> 2;
                        case 0x11, 0x27 -> 4;
                        case 0x12, 0x1A, 0x1C, 0x1F, 0x15, 0x16 -> 2 + peekUnsignedShort(in);
                        case 0x26 -> skipStringPair(in);
                        default ->
                            throw new IllegalStateException("unexpected CONNACK property 0x" + Integer.toHexString(id));
                    };
            if (id == 0x27) {
                return in.readInt();
            }
            if (id != 0x26) {
                in.skipNBytes(size);
            }
            read += size;
        }
        return -1;
    }

    private static int peekUnsignedShort(DataInputStream in) throws IOException {
        in.mark(2);
        int value = in.readUnsignedShort();
        in.reset();
        return value;
    }

    private static int skipStringPair(DataInputStream in) throws IOException {
        int key = in.readUnsignedShort();
        in.skipNBytes(key);
        int value = in.readUnsignedShort();
        in.skipNBytes(value);
        return 4 + key + value;
    }

    private static int readVarInt(InputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("stream ended inside a variable byte integer");
            }
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed variable byte integer");
    }

    private static void writeVarInt(OutputStream out, int value) throws IOException {
        do {
            int b = value & 0x7F;
            value >>>= 7;
            out.write(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }
}
