package io.fogbridge.adapters.http;

import io.fogbridge.adapters.AdapterMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Turns one connection's decoded HTTP messages into {@link HttpCall}s and hands each, complete, to the request
 * handler on the executor; one at a time per connection, so responses keep the order of the requests.
 *
 * <p>Only a complete request reaches the handler: a connection that closes, stays silent, or stops in the middle
 * of a request is never answered or counted (it is closed when idle). A body is collected up to the limit; a larger
 * one (declared, or counted while it arrives) is dispatched at once marked too large and the rest is discarded.
 * While a request is being served the connection keeps reading, so its close is seen at once; a pipelined request
 * waits (one at most: a client that sends more is cut off).
 *
 * <p>Bodies count against the adapter's {@link BodyBudget} from their first byte: a body that does not fit is
 * answered 503 with {@code Retry-After: 1}, before any handler sees it (counted as a request answered 503); the rest
 * of it is read and discarded, then the connection is closed (or when it goes silent, as any).
 *
 * <p>One instance per connection; all methods run on the connection's event loop.
 */
final class RequestReader extends ChannelInboundHandlerAdapter {

    private final long maxBodyBytes;
    private final BodyBudget budget;
    private final AdapterMetrics metrics;
    private final Executor executor;
    private final Consumer<HttpCall> handler;

    private HttpRequest head;
    private ByteArrayOutputStream body;
    /** Bytes of {@link #body} taken from the budget. */
    private long reserved;

    private boolean serving;
    private HttpCall waiting;
    /** A body was refused 503: the rest of it is discarded, then the connection closed. */
    private boolean closeAtEnd;

    RequestReader(
            long maxBodyBytes,
            BodyBudget budget,
            AdapterMetrics metrics,
            Executor executor,
            Consumer<HttpCall> handler) {
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.metrics = metrics;
        this.executor = executor;
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                begin(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                if (head != null) {
                    collect(ctx, content.content());
                    if (content instanceof LastHttpContent && head != null) {
                        end(ctx);
                    }
                }
                if (content instanceof LastHttpContent && closeAtEnd) {
                    ctx.close(); // the refused body is over: closing now resets nothing the client still sends
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        if (body != null) {
            dropBody(); // the codec ends every body first; should it not, the bytes still go back
        }
        if (request.decoderResult().isFailure()) {
            refuseMalformed(ctx);
            return;
        }
        if (HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
            dispatch(ctx, new HttpCall(ctx.channel(), request, new byte[0], true, () -> {}));
            return; // head stays null: the body's content is discarded
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        head = request;
        body = new ByteArrayOutputStream();
    }

    private void collect(ChannelHandlerContext ctx, ByteBuf content) {
        int bytes = content.readableBytes();
        if (body.size() + (long) bytes > maxBodyBytes) { // chunked, without a Content-Length
            HttpRequest request = head;
            dropBody();
            dispatch(ctx, new HttpCall(ctx.channel(), request, new byte[0], true, () -> {}));
            return;
        }
        if (!budget.take(bytes)) {
            dropBody();
            refuseBusy(ctx);
            return;
        }
        reserved += bytes;
        body.writeBytes(ByteBufUtil.getBytes(content));
    }

    private void end(ChannelHandlerContext ctx) {
        long held = reserved;
        HttpCall call = new HttpCall(ctx.channel(), head, body.toByteArray(), false, () -> budget.give(held));
        head = null;
        body = null;
        reserved = 0;
        dispatch(ctx, call);
    }

    /** Forgets the body being read and gives its bytes back. */
    private void dropBody() {
        head = null;
        body = null;
        budget.give(reserved);
        reserved = 0;
    }

    /** The bodies in memory are at their bound: this one is not read on, and its connection ends. */
    private void refuseBusy(ChannelHandlerContext ctx) {
        byte[] text = "too many request bodies in memory; send again later\n".getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(text));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, text.length);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        metrics.answered(503);
        closeAtEnd = true; // read on, discarding: a close now would reset the connection under the 503
        ctx.writeAndFlush(response);
    }

    private void dispatch(ChannelHandlerContext ctx, HttpCall call) {
        if (serving) {
            if (waiting != null) {
                ctx.close(); // deeper pipelining than one request: not a device we serve
                return;
            }
            waiting = call;
            return;
        }
        serving = true;
        call.answered().whenComplete((ignored, failure) -> ctx.executor().execute(() -> next(ctx)));
        executor.execute(() -> handler.accept(call));
    }

    private void next(ChannelHandlerContext ctx) {
        serving = false;
        HttpCall call = waiting;
        waiting = null;
        if (call != null && ctx.channel().isActive()) {
            dispatch(ctx, call);
        } else if (call != null) {
            call.releaseBody(); // never served: the connection is gone
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (body != null) {
            dropBody(); // closed in the middle of a body
        }
        super.channelInactive(ctx);
    }

    /** Not HTTP at all: there is no request to count, only a connection to end. */
    private void refuseMalformed(ChannelHandlerContext ctx) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (body != null) {
            dropBody();
        }
        head = null;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && !serving) {
            ctx.close(); // silent, or stuck in the middle of a request, and nothing of ours pending
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset, a TLS failure: the connection is over, a waiting request sees it closed
    }
}
