package io.fogbridge.adapters.coap;

import io.fogbridge.adapters.AdapterMetrics;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.Connector;

/**
 * On a plain CoAP endpoint that takes no anonymous senders, answers every request 4.01 at once and keeps nothing:
 * the request is cancelled before Californium's matcher sees it, so it makes no exchange, no deduplicator entry and
 * no message-id tracker, and the answer goes straight to the connector. A refused request therefore costs the same
 * small, short-lived garbage however many arrive. (Through the normal path each one would stay in the deduplicator
 * for the exchange lifetime.)
 *
 * <p>A confirmable request gets the 4.01 piggy-backed in an ACK with its message id; a non-confirmable one a NON with
 * a message id of this endpoint's own (this endpoint sends nothing else, so the ids cannot clash). A retransmission
 * is simply refused again.
 *
 * <p>Thread-safe: runs on Californium's protocol threads.
 */
final class UnauthenticatedRefusal extends MessageInterceptorAdapter {

    static final String REASON = "use DTLS with a pre-shared key (identity device@tenant)";

    private final Connector connector;
    private final AdapterMetrics metrics;
    private final UdpDataSerializer serializer = new UdpDataSerializer();
    private final AtomicInteger messageIds = new AtomicInteger((int) (System.nanoTime() & 0xFFFF));

    UnauthenticatedRefusal(Connector connector, AdapterMetrics metrics) {
        this.connector = connector;
        this.metrics = metrics;
    }

    @Override
    public void receiveRequest(Request request) {
        request.cancel();
        Response response = new Response(ResponseCode.UNAUTHORIZED);
        response.setPayload(REASON);
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        response.setToken(request.getToken());
        if (request.isConfirmable()) {
            response.setType(Type.ACK);
            response.setMID(request.getMID());
        } else {
            response.setType(Type.NON);
            response.setMID(messageIds.getAndIncrement() & 0xFFFF);
        }
        response.setDestinationContext(request.getSourceContext());
        metrics.authFailed();
        metrics.answered(401);
        connector.send(serializer.serializeResponse(response));
    }
}
