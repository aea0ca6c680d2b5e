package io.fogbridge.adapters.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.net.SocketAddress;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One complete device request as the {@link RequestReader} assembled it, and the one way to answer it.
 *
 * <p>What the long poll relies on: {@link #watchClose} fires as soon as the connection is gone (the event loop
 * reads the peer's FIN or RST while the request waits), and {@link #respond} tells whether the response was written
 * and flushed to a connection that was still open. A device that gave up is never told it got a command. (What
 * stays open: a client that hangs up after the bytes left for its socket; HTTP has no acknowledgement to wait for.)
 *
 * <p>Thread-safety: the request side is immutable; {@link #respond} may be called from any thread, once.
 */
final class HttpCall {

    private final Channel channel;
    private final HttpRequest request;
    private final URI uri;
    private byte[] body;
    private final boolean bodyTooLarge;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final CompletableFuture<Void> answered = new CompletableFuture<>();
    private final AtomicBoolean responded = new AtomicBoolean();
    private final AtomicBoolean bodyReleased = new AtomicBoolean();
    private final Runnable releaseBody;

    /**
     * @param body         the whole body; empty when {@code bodyTooLarge}
     * @param bodyTooLarge the body exceeds the limit (declared or counted): answer 413, the connection is closed after
     * @param releaseBody  gives the body's bytes back to the {@link BodyBudget}; run once, when the body is taken or
     *                     the call answered, whichever comes first
     */
    HttpCall(Channel channel, HttpRequest request, byte[] body, boolean bodyTooLarge, Runnable releaseBody) {
        this.channel = channel;
        this.request = request;
        this.uri = URI.create(request.uri().startsWith("/") ? request.uri() : "/" + request.uri());
        this.body = body;
        this.bodyTooLarge = bodyTooLarge;
        this.releaseBody = releaseBody;
        answered.whenComplete((ignored, failure) -> releaseBody());
    }

    /** The body no longer counts against the budget (it was handed on, or will never be). Idempotent. */
    void releaseBody() {
        if (bodyReleased.compareAndSet(false, true)) {
            releaseBody.run();
        }
    }

    String getRequestMethod() {
        return request.method().name();
    }

    URI getRequestURI() {
        return uri;
    }

    /** The first value of a request header, or null. */
    String header(String name) {
        return request.headers().get(name);
    }

    SocketAddress getRemoteAddress() {
        return channel.remoteAddress();
    }

    boolean bodyTooLarge() {
        return bodyTooLarge;
    }

    /** The body, handed over once: the call does not keep it while a long poll waits. */
    byte[] takeBody() {
        byte[] taken = body;
        body = null;
        releaseBody(); // the uplink's own bound (the spool's append budget) covers it from here
        return taken;
    }

    /** The TLS client certificate chain; empty without TLS or without a client certificate. */
    List<X509Certificate> clientChain() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return List.of();
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return Arrays.stream(chain)
                    .filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // no client certificate: basic auth or anonymous
        }
    }

    Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** A watch on the connection's close; closing the watch stops it. */
    interface CloseWatch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs {@code onClose} on the event loop when the connection closes, whoever closes it (at once when it is closed
     * already). Close the watch when done: a keep-alive connection serves many calls, and a forgotten watch would
     * keep its call until the connection ends.
     */
    CloseWatch watchClose(Runnable onClose) {
        GenericFutureListener<Future<? super Void>> listener = future -> onClose.run();
        channel.closeFuture().addListener(listener);
        return () -> channel.closeFuture().removeListener(listener);
    }

    /** Completes when {@link #respond} finished, written or not: the next request on the connection may go. */
    CompletableFuture<Void> answered() {
        return answered;
    }

    /**
     * Writes the response and flushes it.
     *
     * @return true once it was written to the socket of a connection that was open; false when the client had gone
     *     (then nothing reached it)
     * @throws IllegalStateException when the call was answered already
     */
    CompletableFuture<Boolean> respond(int status, byte[] content) {
        claim();
        return write(status, content);
    }

    /**
     * Like {@link #respond}, for an answer a client that is gone must never be said to have got (a command): the
     * write waits for the event loop's next read of its connections, so a hang-up that had reached this host before
     * the answer was ready closes the connection first and the answer is not written.
     *
     * <p>Why a task scheduled from the loop: Netty runs a task handed to the loop from another thread in the batch it
     * is running, possibly before it reads the sockets again; a task the loop schedules for itself is taken only at
     * the start of the next batch, after the loop has selected and read its ready connections. Without it a command
     * handed over while the loop was busy went out to a connection whose FIN was waiting to be read, and counted as
     * delivered ({@code HttpLongPollIT}, found in CI).
     */
    CompletableFuture<Boolean> respondAfterPendingReads(int status, byte[] content) {
        claim();
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        Runnable writeNow =
                () -> write(status, content).whenComplete((ok, failure) -> written.complete(ok != null && ok));
        EventLoop loop = channel.eventLoop();
        // The adapter closing shuts the loop down: the task is refused, or cancelled with the loop's other scheduled
        // ones. Either way nothing was written, and the caller must hear so (it waits for the answer).
        try {
            loop.execute(() -> {
                try {
                    loop.schedule(writeNow, 0, TimeUnit.NANOSECONDS).addListener(scheduled -> {
                        if (scheduled.isCancelled()) {
                            notWritten(written);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    notWritten(written);
                }
            });
        } catch (RejectedExecutionException e) {
            notWritten(written);
        }
        return written;
    }

    private void notWritten(CompletableFuture<Boolean> written) {
        written.complete(false);
        answered.complete(null);
    }

    private void claim() {
        if (!responded.compareAndSet(false, true)) {
            throw new IllegalStateException("answered already");
        }
    }

    private CompletableFuture<Boolean> write(int status, byte[] content) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(content));
        HttpHeaders headers = response.headers();
        responseHeaders.forEach(headers::set);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !bodyTooLarge;
        if (!keepAlive) {
            // the rest of a too large body may still be on its way: only a new connection starts clean
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        if (!channel.isActive()) {
            response.release();
            written.complete(false);
            answered.complete(null);
            return written;
        }
        channel.writeAndFlush(response).addListener((ChannelFutureListener) future -> {
            written.complete(future.isSuccess());
            if (!future.isSuccess() || !keepAlive) {
                future.channel().close();
            }
            answered.complete(null);
        });
        return written;
    }
}
