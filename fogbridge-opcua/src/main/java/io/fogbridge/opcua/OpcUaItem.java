package io.fogbridge.opcua;

/**
 * One monitored item as the config describes it: a node whose value changes become {@code values.<name>} in the
 * endpoint's records. Immutable.
 *
 * @param nodeId           the node in OPC UA text form ({@code ns=2;s=Tank.Level}, {@code i=2258})
 * @param samplingInterval how often the server samples the node, in ms; 0 asks for the fastest it can, -1 for the
 *                         publishing interval
 * @param queueSize        changes the server keeps per publishing interval (1 keeps the newest only)
 * @param deadband         the change that counts as a change, or null to report every change
 * @param writable         whether {@code write} commands may set the node ({@link WriteCommands})
 */
public record OpcUaItem(
        String name, String nodeId, double samplingInterval, int queueSize, Deadband deadband, boolean writable) {

    /** A DataChangeFilter deadband: {@code absolute} in the value's unit, {@code percent} of the node's EURange. */
    public record Deadband(Kind kind, double value) {

        public enum Kind {
            ABSOLUTE("absolute", 1),
            PERCENT("percent", 2);

            private final String id;
            private final int wire; // DeadbandType on the wire

            Kind(String id, int wire) {
                this.id = id;
                this.wire = wire;
            }

            public String id() {
                return id;
            }

            int wire() {
                return wire;
            }
        }
    }
}
