package io.fogbridge.modbus;

import com.digitalpetri.modbus.ModbusTcpFrame;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.tcp.ModbusTcpCodec;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One TCP connection to one Modbus server, through digitalpetri's client. It never reconnects by itself: when the
 * connection drops or the server sends a frame that cannot be trusted, it reports once to {@code onLost} and is done;
 * the {@link DeviceSession} decides when to open a new one (with back-off).
 *
 * <p><b>Untrusted frames.</b> A check between the frame codec and the client sees every frame both ways: an answer
 * with a transaction id nobody asked for, a protocol id other than 0, or bytes the codec cannot parse end the
 * connection (reported {@code malformed}) — after such a frame, which answer belongs to which request is unknown. A
 * truncated PDU inside a well-framed answer fails that request with {@link MalformedAnswerException}.
 *
 * <p>Thread-safe; every method returns at once. Futures complete on the client's threads.
 */
final class ModbusLink implements AutoCloseable {

    /** A reason a connection ended; {@code malformed} tells a broken peer from a closed socket. */
    record Loss(String reason, boolean malformed) {}

    private final ModbusDevice device;
    private final NettyTcpClientTransport transport;
    private final ModbusTcpClient client;
    private final CompletableFuture<Loss> lost = new CompletableFuture<>();

    ModbusLink(ModbusDevice device) {
        this.device = device;
        this.transport = NettyTcpClientTransport.create(cfg -> cfg.setHostname(device.host())
                .setPort(device.port())
                .setConnectTimeout(device.timeout().multipliedBy(2))
                .setConnectPersistent(false)
                .setPipelineCustomizer(pipeline -> pipeline.addAfter(
                        pipeline.context(ModbusTcpCodec.class).name(), "fogbridge-frame-check", new FrameCheck())));
        this.client = ModbusTcpClient.create(transport, cfg -> cfg.setRequestTimeout(device.timeout()));
        transport.addConnectionListener(new NettyTcpClientTransport.ConnectionListener() {
            @Override
            public void onConnection() {}

            @Override
            public void onConnectionLost() {
                lost.complete(new Loss("connection closed", false));
            }
        });
    }

    CompletionStage<Void> connect() {
        return client.connectAsync();
    }

    /** Completes once, when the connection ended for any reason but {@link #close()}. */
    CompletionStage<Loss> lost() {
        return lost;
    }

    /**
     * Reads {@code quantity} registers (2 bytes each, as on the wire) or bits (one byte each, 0 or 1) from {@code
     * address}.
     */
    CompletionStage<byte[]> read(Table table, int address, int quantity) {
        int unit = device.unitId();
        return switch (table) {
            case COILS ->
                client.readCoilsAsync(unit, new ReadCoilsRequest(address, quantity))
                        .thenApply(r -> bits(r.coils(), quantity));
            case DISCRETE_INPUTS ->
                client.readDiscreteInputsAsync(unit, new ReadDiscreteInputsRequest(address, quantity))
                        .thenApply(r -> bits(r.inputs(), quantity));
            case INPUT_REGISTERS ->
                client.readInputRegistersAsync(unit, new ReadInputRegistersRequest(address, quantity))
                        .thenApply(r -> registers(r.registers(), quantity));
            case HOLDING_REGISTERS ->
                client.readHoldingRegistersAsync(unit, new ReadHoldingRegistersRequest(address, quantity))
                        .thenApply(r -> registers(r.registers(), quantity));
        };
    }

    /** FC05 for one coil, FC15 for several. */
    CompletionStage<Void> writeCoils(int address, boolean[] values) {
        if (values.length == 1) {
            return client.writeSingleCoilAsync(device.unitId(), new WriteSingleCoilRequest(address, values[0]))
                    .thenApply(r -> null);
        }
        byte[] packed = new byte[(values.length + 7) / 8];
        for (int i = 0; i < values.length; i++) {
            if (values[i]) {
                packed[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return client.writeMultipleCoilsAsync(
                        device.unitId(), new WriteMultipleCoilsRequest(address, values.length, packed))
                .thenApply(r -> null);
    }

    /** FC06 for one register, FC16 for several; {@code registers} as on the wire. */
    CompletionStage<Void> writeRegisters(int address, byte[] registers) {
        if (registers.length == 2) {
            int value = ((registers[0] & 0xFF) << 8) | (registers[1] & 0xFF);
            return client.writeSingleRegisterAsync(device.unitId(), new WriteSingleRegisterRequest(address, value))
                    .thenApply(r -> null);
        }
        return client.writeMultipleRegistersAsync(
                        device.unitId(), new WriteMultipleRegistersRequest(address, registers.length / 2, registers))
                .thenApply(r -> null);
    }

    @Override
    public void close() {
        lost.complete(new Loss("closed", false));
        client.disconnectAsync();
    }

    private static byte[] registers(byte[] registers, int quantity) {
        if (registers.length != quantity * 2) {
            throw new MalformedAnswerException(
                    "asked for " + quantity + " registers, got " + registers.length + " bytes");
        }
        return registers;
    }

    private static byte[] bits(byte[] packed, int quantity) {
        if (packed.length != (quantity + 7) / 8) {
            throw new MalformedAnswerException("asked for " + quantity + " bits, got " + packed.length + " bytes");
        }
        byte[] bits = new byte[quantity];
        for (int i = 0; i < quantity; i++) {
            bits[i] = (byte) ((packed[i / 8] >> (i % 8)) & 1);
        }
        return bits;
    }

    /** Runs on the channel's event loop: the set needs no lock. */
    private final class FrameCheck extends ChannelDuplexHandler {
        private final Set<Integer> outstanding = new HashSet<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof ModbusTcpFrame frame) {
                outstanding.add(frame.header().transactionId());
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ModbusTcpFrame frame) {
                if (frame.header().protocolId() != 0) {
                    drop(ctx, "protocol id " + frame.header().protocolId() + " instead of 0");
                    return;
                }
                if (!outstanding.remove(frame.header().transactionId())) {
                    drop(ctx, "answer with transaction id " + frame.header().transactionId() + " that was not asked");
                    return;
                }
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            drop(ctx, "undecodable frame: " + cause.getMessage());
        }

        private void drop(ChannelHandlerContext ctx, String reason) {
            lost.complete(new Loss("malformed frame: " + reason, true));
            ctx.close();
        }
    }

    /** An answer that was framed correctly but does not hold what was asked for. */
    static final class MalformedAnswerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedAnswerException(String message) {
            super(message);
        }
    }
}
