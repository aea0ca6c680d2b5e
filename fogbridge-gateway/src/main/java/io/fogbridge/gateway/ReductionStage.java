package io.fogbridge.gateway;

import io.fogbridge.api.Spool;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.pipeline.Pipeline;
import io.fogbridge.pipeline.reduction.Reduction;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;

/**
 * Builds the uplink pipeline, with the {@code reduction} stage when rules are configured. The stage is pushed onto
 * the started stages after the spool and the forwarder and before the adapters, so on close it stops after every
 * adapter stopped handing it messages and releases its open windows and held records into a spool that is still
 * open.
 */
final class ReductionStage {

    private ReductionStage() {}

    static Pipeline pipeline(
            GatewayConfig config, Spool spool, Clock clock, MeterRegistry registry, StartedStages stages) {
        if (config.reduction().isEmpty()) {
            return new Pipeline(
                    config.routeTable(),
                    config.enricher(),
                    spool,
                    config.devices().maxPayload(),
                    registry);
        }
        Reduction reduction = stages.push(new Reduction(config.reduction(), clock, registry));
        Pipeline pipeline = new Pipeline(
                config.routeTable(),
                config.enricher(),
                spool,
                config.devices().maxPayload(),
                registry,
                List.of(reduction));
        reduction.start(record -> pipeline.release(reduction, record), true);
        return pipeline;
    }
}
