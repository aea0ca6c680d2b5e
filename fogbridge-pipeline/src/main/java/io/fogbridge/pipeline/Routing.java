package io.fogbridge.pipeline;

import io.fogbridge.api.pipeline.Destination;
import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.api.pipeline.UplinkStage;
import io.fogbridge.api.pipeline.Verdict;

/**
 * The stage that asks the {@link RouteTable} where a message goes: no route → {@link Verdict#STAY} (default deny);
 * a route that cannot render a legal topic for this message → {@code 400} (reason {@code invalid-topic}); else the
 * record with its {@link Destination}, which fixes the guarantee the append applies (the route's QoS override, else
 * the sender's). Immutable and thread-safe.
 */
public final class Routing implements UplinkStage {

    private final RouteTable routes;

    public Routing(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public Verdict apply(UplinkRecord record) {
        return switch (routes.decide(record.message())) {
            case RouteDecision.Stay stay -> Verdict.STAY;
            case RouteDecision.Refuse refuse -> Verdict.refuse("invalid-topic", 400, refuse.reason());
            case RouteDecision.Forward forward -> record.routedTo(destination(record, forward));
        };
    }

    private static Destination destination(UplinkRecord record, RouteDecision.Forward forward) {
        Route route = forward.route();
        return new Destination(
                route.name(),
                forward.topic(),
                forward.key(),
                forward.tenant(),
                forward.device(),
                route.effectiveQos(record.message().qos()),
                route.lane(),
                forward.extraHeaders());
    }
}
