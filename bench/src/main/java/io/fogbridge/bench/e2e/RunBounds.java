package io.fogbridge.bench.e2e;

import java.util.List;

/**
 * Where an as-fast-as-possible run stands, from figures of the same invocation: its rate against the MQTT ceilings of
 * the same load ({@link MqttCeiling}), and what the machine's cores could carry if the gateway's CPU were free
 * ({@link CpuBudget}): Kafka, the load generator and the consumer at the CPU per message they spent in this run.
 * Ratios and rates are null where the figure they need was not measured.
 *
 * @param kafkaCeiling                  the stock ProducerPerformance ceiling, records/s
 * @param mqttBare                      the bare MQTT ceiling's msg/s for this run's load
 * @param mqttInstantAck                the instant-ack MQTT ceiling's msg/s for this run's load
 * @param overMqttBare                  gateway msg/s ÷ {@code mqttBare}
 * @param overMqttInstantAck            gateway msg/s ÷ {@code mqttInstantAck}
 * @param boundIfGatewayFree            {@code cores × 1e6 / (Kafka + load generator + consumer µs per message)}
 * @param boundIfGatewayFreeOverKafkaCeiling that bound ÷ the Kafka ceiling
 * @param instantAckBrokerMicrosPerMsg  the instant-ack broker's CPU per message: the gateway's MQTT layer alone
 * @param boundWithMqttLayerOnly        the same bound with that MQTT layer paid for: what a gateway whose spool, fsync
 *                                      and Kafka client cost nothing could reach beside these processes
 * @param boundWithMqttLayerOnlyOverKafkaCeiling that bound ÷ the Kafka ceiling
 */
record RunBounds(
        int cores,
        Double kafkaCeiling,
        Double mqttBare,
        Double mqttInstantAck,
        Double overMqttBare,
        Double overMqttInstantAck,
        double gatewayMicrosPerMsg,
        double kafkaMicrosPerMsg,
        double loadgenMicrosPerMsg,
        double consumerMicrosPerMsg,
        Double boundIfGatewayFree,
        Double boundIfGatewayFreeOverKafkaCeiling,
        Double instantAckBrokerMicrosPerMsg,
        Double boundWithMqttLayerOnly,
        Double boundWithMqttLayerOnlyOverKafkaCeiling) {

    /**
     * The bounds of {@code run}; {@code kafkaCeiling}, {@code bare} and {@code instantAck} may each be null (not
     * measured). The MQTT ceilings must have run the same load ({@link MqttCeiling.Result#sameLoadAs}).
     */
    static RunBounds of(
            RunResult run, int cores, Double kafkaCeiling, MqttCeiling.Result bare, MqttCeiling.Result instantAck) {
        double rate = run.msgPerSecond();
        double gateway = CpuBudget.microsPerMessage(run.gatewayCpuPercent(), rate);
        double kafka = CpuBudget.microsPerMessage(run.kafkaCpuPercent(), rate);
        double loadgen = CpuBudget.microsPerMessage(run.loadgenCpuPercent(), rate);
        double consumer = CpuBudget.microsPerMessage(run.consumerCpuPercent(), rate);
        Double ifFree = CpuBudget.rateBound(cores, kafka, loadgen, consumer);
        Double mqttBare = bare == null ? null : bare.msgPerSecond();
        Double mqttInstantAck = instantAck == null ? null : instantAck.msgPerSecond();
        Double mqttLayer = instantAck == null ? null : instantAck.brokerMicrosPerMsg();
        Double withMqttLayer =
                mqttLayer == null ? null : CpuBudget.rateBound(cores, mqttLayer, kafka, loadgen, consumer);
        return new RunBounds(
                cores,
                kafkaCeiling,
                mqttBare,
                mqttInstantAck,
                CpuBudget.ratio(rate, mqttBare),
                CpuBudget.ratio(rate, mqttInstantAck),
                gateway,
                kafka,
                loadgen,
                consumer,
                ifFree,
                CpuBudget.ratio(ifFree, kafkaCeiling),
                mqttLayer,
                withMqttLayer,
                CpuBudget.ratio(withMqttLayer, kafkaCeiling));
    }

    /**
     * Every run with its ratio to the stock Kafka ceiling of its record size and, for as-fast-as-possible runs, its
     * {@link RunBounds} against the MQTT ceilings of the same load. Fixed-rate runs are returned as they are: their
     * rate is what was offered, so there is no ratio to speak of.
     */
    static List<RunResult> attach(
            List<RunResult> runs, List<Ceiling.Result> ceilings, List<MqttCeiling.Result> mqttCeilings, int cores) {
        return runs.stream()
                .map(run -> {
                    if (!run.spec().asFastAsPossible()) {
                        return run;
                    }
                    Double kafka = ceilings.stream()
                            .filter(c -> c.name().startsWith("stock-")
                                    && c.recordSize() == run.spec().size())
                            .map(Ceiling.Result::recordsPerSecond)
                            .findFirst()
                            .orElse(null);
                    MqttCeiling.Result bare = find(mqttCeilings, MqttCeilingBroker.Variant.BARE, run.spec());
                    MqttCeiling.Result instant = find(mqttCeilings, MqttCeilingBroker.Variant.INSTANT_ACK, run.spec());
                    return run.withCeilingRatio(CpuBudget.ratio(run.msgPerSecond(), kafka))
                            .withBounds(of(run, cores, kafka, bare, instant));
                })
                .toList();
    }

    private static MqttCeiling.Result find(
            List<MqttCeiling.Result> mqttCeilings, MqttCeilingBroker.Variant variant, RunSpec spec) {
        return mqttCeilings.stream()
                .filter(c -> c.variant().equals(variant.id()) && c.sameLoadAs(spec))
                .findFirst()
                .orElse(null);
    }
}
