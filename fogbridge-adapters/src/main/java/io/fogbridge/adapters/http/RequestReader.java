package io.fogbridge.adapters.http;

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
 * <p>One instance per connection; all methods run on the connection's event loop.
 */
final class RequestReader extends ChannelInboundHandlerAdapter {

    private final long maxBodyBytes;
    private final Executor executor;
    private final Consumer<HttpCall> handler;

    private HttpRequest head;
    private ByteArrayOutputStream body;
    private boolean serving;
    private HttpCall waiting;

    RequestReader(long maxBodyBytes, Executor executor, Consumer<HttpCall> handler) {
        this.maxBodyBytes = maxBodyBytes;
        this.executor = executor;
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                begin(ctx, request);
            }
            if (msg instanceof HttpContent content && head != null) {
                collect(ctx, content.content());
                if (content instanceof LastHttpContent && head != null) {
                    end(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            refuseMalformed(ctx);
            return;
        }
        if (HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
            dispatch(ctx, new HttpCall(ctx.channel(), request, new byte[0], true));
            return; // head stays null: the body's content is discarded
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        head = request;
        body = new ByteArrayOutputStream();
    }

    private void collect(ChannelHandlerContext ctx, ByteBuf content) {
        if (body.size() + (long) content.readableBytes() > maxBodyBytes) { // chunked, without a Content-Length
            HttpRequest request = head;
            head = null;
            body = null;
            dispatch(ctx, new HttpCall(ctx.channel(), request, new byte[0], true));
            return;
        }
        body.writeBytes(ByteBufUtil.getBytes(content));
    }

    private void end(ChannelHandlerContext ctx) {
        HttpCall call = new HttpCall(ctx.channel(), head, body.toByteArray(), false);
        head = null;
        body = null;
        dispatch(ctx, call);
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
        }
    }

    /** Not HTTP at all: there is no request to count, only a connection to end. */
    private void refuseMalformed(ChannelHandlerContext ctx) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        head = null;
        body = null;
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
