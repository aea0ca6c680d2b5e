package io.fogbridge.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's comparisons, from figures shaped like the quiet-machine scenario 1 run (2 cores, 20.4k msg/s). */
class RunBoundsTest {

    private static final int CORES = 2;

    @Test
    void theBoundIfTheGatewayWereFreeLeavesOutOnlyTheGatewaysCpu() {
        // gateway 102 %, Kafka 30 %, load generator 38 %, consumer 14 % of a core at 20,400 msg/s
        RunResult run = maxRun(100, 1, 20_400, 102, 30, 38, 14);

        RunBounds b = RunBounds.of(run, CORES, 400_000.0, null, null);

        assertThat(b.kafkaMicrosPerMsg()).isCloseTo(300_000 / 20_400.0, within(1e-9));
        assertThat(b.gatewayMicrosPerMsg()).isCloseTo(1_020_000 / 20_400.0, within(1e-9));
        // 2 × 1e6 / ((30 + 38 + 14) % × 1e6 / 20,400) = 2 × 100 × 20,400 / 82
        double expected = 2 * 100 * 20_400 / 82.0;
        assertThat(b.boundIfGatewayFree()).isCloseTo(expected, within(1e-6));
        assertThat(b.boundIfGatewayFreeOverKafkaCeiling()).isCloseTo(expected / 400_000, within(1e-12));
        // the gateway's own CPU must not enter the bound: doubling it changes nothing
        RunBounds heavier = RunBounds.of(maxRun(100, 1, 20_400, 204, 30, 38, 14), CORES, 400_000.0, null, null);
        assertThat(heavier.boundIfGatewayFree()).isCloseTo(expected, within(1e-6));
        assertThat(b.mqttBare()).isNull();
        assertThat(b.overMqttBare()).isNull();
        assertThat(b.boundWithMqttLayerOnly()).isNull();
    }

    @Test
    void mqttCeilingsGiveRatiosAndTheMqttLayerBound() {
        RunResult run = maxRun(100, 1, 20_000, 100, 30, 40, 10);
        MqttCeiling.Result bare = mqtt("bare", 100, 1, 80_000, 100);
        MqttCeiling.Result instant = mqtt("instant-ack", 100, 1, 50_000, 125); // 25 µs per message

        RunBounds b = RunBounds.of(run, CORES, 500_000.0, bare, instant);

        assertThat(b.overMqttBare()).isCloseTo(0.25, within(1e-12));
        assertThat(b.overMqttInstantAck()).isCloseTo(0.40, within(1e-12));
        assertThat(b.instantAckBrokerMicrosPerMsg()).isCloseTo(25.0, within(1e-9));
        // Kafka 15, load generator 20, consumer 5 µs per message at 20,000 msg/s; + the MQTT layer's 25 µs = 65 µs
        assertThat(b.boundIfGatewayFree()).isCloseTo(2e6 / 40, within(1e-6));
        assertThat(b.boundWithMqttLayerOnly()).isCloseTo(2e6 / 65, within(1e-6));
        assertThat(b.boundWithMqttLayerOnlyOverKafkaCeiling()).isCloseTo(2e6 / 65 / 500_000, within(1e-12));
    }

    @Test
    void eachRunIsComparedWithTheCeilingsOfItsOwnLoadOnly() {
        RunResult hundred = maxRun(100, 1, 20_000, 100, 30, 40, 10);
        RunResult ten = maxRun(10, 1, 10_000, 90, 20, 30, 10);
        RunResult fixed = fixedRun(100, 5_000);
        List<Ceiling.Result> kafka = List.of(
                new Ceiling.Result("forwarder-settings-200", 200, 900_000, 1, "", 2),
                new Ceiling.Result("stock-200", 200, 400_000, 1, "", 2));
        List<MqttCeiling.Result> mqtt = List.of(
                mqtt("bare", 10, 1, 40_000, 100),
                mqtt("instant-ack", 10, 1, 25_000, 100),
                mqtt("bare", 100, 1, 80_000, 100),
                mqtt("instant-ack", 100, 4, 99_000, 100)); // another window: not this run's load

        List<RunResult> out = RunBounds.attach(List.of(hundred, ten, fixed), kafka, mqtt, CORES);

        assertThat(out.get(0).ceilingRatio()).as("against the stock ceiling").isCloseTo(0.05, within(1e-12));
        assertThat(out.get(0).bounds().overMqttBare()).isCloseTo(0.25, within(1e-12));
        assertThat(out.get(0).bounds().mqttInstantAck())
                .as("window 4 is another load")
                .isNull();
        assertThat(out.get(1).bounds().overMqttBare()).isCloseTo(0.25, within(1e-12));
        assertThat(out.get(1).bounds().overMqttInstantAck()).isCloseTo(0.40, within(1e-12));
        assertThat(out.get(2).bounds())
                .as("a fixed rate has no bound to speak of")
                .isNull();
        assertThat(out.get(2).ceilingRatio()).isNull();
    }

    private static MqttCeiling.Result mqtt(String variant, int clients, int window, double rate, double brokerCpu) {
        return new MqttCeiling.Result(
                variant,
                clients,
                window,
                200,
                15,
                rate,
                (long) rate * 15,
                0,
                1,
                5,
                brokerCpu,
                50,
                CpuBudget.microsPerMessage(brokerCpu, rate),
                CpuBudget.microsPerMessage(50, rate),
                150);
    }

    private static RunResult maxRun(
            int clients, int window, double rate, double gwCpu, double kafkaCpu, double loadCpu, double consumerCpu) {
        RunSpec spec = new RunSpec("max-" + clients, clients, 200, 0, window, "group", 20, 10, 0, 0, 0);
        return result(spec, rate, gwCpu, kafkaCpu, loadCpu, consumerCpu);
    }

    private static RunResult fixedRun(int clients, double rate) {
        RunSpec spec = new RunSpec("fixed-" + clients, clients, 200, rate, 1, "group", 20, 10, 0, 0, 0);
        return result(spec, rate, 70, 20, 20, 10);
    }

    private static RunResult result(
            RunSpec spec, double rate, double gwCpu, double kafkaCpu, double loadCpu, double consumerCpu) {
        return new RunResult(
                spec,
                rate,
                0,
                0,
                0,
                0,
                0,
                0,
                1,
                2,
                3,
                4,
                1,
                3,
                1,
                2,
                190,
                190,
                gwCpu,
                kafkaCpu,
                loadCpu,
                consumerCpu,
                10,
                1000,
                null,
                null,
                null);
    }
}
