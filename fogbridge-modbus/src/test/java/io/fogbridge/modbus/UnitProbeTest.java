package io.fogbridge.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The scan's probe on raw Modbus TCP bytes ({@link RawModbusServer}). */
class UnitProbeTest {

    /**
     * Long enough that the raw server's thread answers in time on a loaded machine (200 ms failed CI once); the two
     * tests that wait for it to pass take that long.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void anAnswerWithDataIsAUnit() throws Exception {
        try (RawModbusServer server = new RawModbusServer(RawModbusServer.Behaviour.GOOD);
                UnitProbe probe = UnitProbe.connect("127.0.0.1", server.port(), TIMEOUT)) {
            assertThat(probe.read(1, 3)).isEqualTo(UnitProbe.Answer.DATA);
            assertThat(probe.read(2, 3)).isEqualTo(UnitProbe.Answer.DATA);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void noAnswerInTimeIsNoUnitAndTheNextUnitGetsAFreshConnection() throws Exception {
        try (RawModbusServer server =
                        new RawModbusServer(RawModbusServer.Behaviour.SILENT, RawModbusServer.Behaviour.GOOD);
                UnitProbe probe = UnitProbe.connect("127.0.0.1", server.port(), TIMEOUT)) {
            assertThat(probe.read(1, 3)).isEqualTo(UnitProbe.Answer.ABSENT);
            assertThat(probe.read(2, 3)).isEqualTo(UnitProbe.Answer.DATA);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void anAnswerToAnotherRequestIsNotTakenForThisOne() throws Exception {
        try (RawModbusServer server = new RawModbusServer(RawModbusServer.Behaviour.WRONG_TRANSACTION_ID);
                UnitProbe probe = UnitProbe.connect("127.0.0.1", server.port(), TIMEOUT)) {
            assertThat(probe.read(1, 3)).isEqualTo(UnitProbe.Answer.ABSENT);
        }
    }

    @Test
    void aClosedPortFailsTheConnect() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> UnitProbe.connect("127.0.0.1", port, TIMEOUT)).isInstanceOf(IOException.class);
    }
}
