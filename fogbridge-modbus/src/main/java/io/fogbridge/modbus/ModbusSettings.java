package io.fogbridge.modbus;

import java.time.Duration;
import java.util.List;

/**
 * {@code adapters.modbus.*} as read from the configuration ({@link ModbusSection}). Immutable.
 *
 * @param maxGap         unused bits or registers a read may span to join two tags into one request
 * @param reconnectDelay first wait before reconnecting a lost device; doubles up to {@code reconnectMax}, with jitter
 */
public record ModbusSettings(
        boolean enabled, int maxGap, Duration reconnectDelay, Duration reconnectMax, List<ModbusDevice> devices) {

    public ModbusSettings {
        devices = List.copyOf(devices);
    }

    @Override
    public String toString() {
        return "modbus: " + devices.size() + " device(s), maxGap " + maxGap;
    }
}
