package onekey.api;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the time a connection may take to deliver a request head (request line and headers), counted from the
 * moment the connection opens (TLS handshake included) or, on a keep-alive connection, from the first byte of
 * the next request. One deadline for the whole head: a client that trickles a header line every few seconds (slow
 * loris) does not extend it, as a read timeout would. A keep-alive connection that sends nothing after a response
 * is closed after {@link #KEEPALIVE_IDLE_MILLIS} (not counted as slow): longer than the JDK HTTP client keeps an idle
 * connection (30 s), so a client never sends a request into a connection the server is closing.
 *
 * <p>Sits after the HTTP decoder, so it sees a request once its head is complete; from then on the request is
 * not bounded here: a large body still arriving, a request being served and a WebSocket after its upgrade keep
 * their own rules (body size, the WebSocket's idle handler). Event loop only.
 */
final class RequestHeadTimeout extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestHeadTimeout.class);

    /** How long a keep-alive connection may stay idle between a response and the next request's first byte. */
    static final long KEEPALIVE_IDLE_MILLIS = 60_000;

    private final long timeoutMillis;
    /** The timer armed is the keep-alive idle one: the first byte of a request replaces it with the head bound. */
    private boolean idle;
    private final AtomicLong closedCount;
    private ScheduledFuture<?> timer;
    /** Requests whose head arrived and whose final response has not been written yet. */
    private int pending;
    /** The response being written is final (not 100 Continue). */
    private boolean finalResponse;
    /** This handler's context, once armed (the byte watch re-arms through it). */
    private ChannelHandlerContext head;
    /** Bytes of a request arrived since the timer was armed (set by {@link #byteWatch()}). */
    private boolean bytesSinceArm;
    /** A response was sent on this connection: a silence after it is a keep-alive connection left idle. */
    private boolean served;

    /**
     * A handler for the pipeline before the HTTP decoder: it notes that bytes arrived, so that an expired head is
     * told from an idle keep-alive connection (both are closed; only the first is counted and logged as slow).
     */
    io.netty.channel.ChannelInboundHandler byteWatch() {
        return byteWatch;
    }

    private final io.netty.channel.ChannelInboundHandler byteWatch = new io.netty.channel.ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (idle && head != null) {
                // a request begins on a kept-alive connection: its head has the head bound from now
                arm(head, timeoutMillis);
            }
            bytesSinceArm = true;
            super.channelRead(ctx, msg);
        }
    };

    RequestHeadTimeout(long timeoutMillis, AtomicLong closedCount) {
        this.timeoutMillis = timeoutMillis;
        this.closedCount = closedCount;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            pending++;
            disarm();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse resp) {
            HttpResponseStatus status = resp.status();
            if (status.equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                // a WebSocket from now on: its own idle rules apply
                disarm();
                if (ctx.pipeline().context(byteWatch) != null) {
                    ctx.pipeline().remove(byteWatch);
                }
                ctx.pipeline().remove(this);
                super.write(ctx, msg, promise);
                return;
            }
            finalResponse = status.code() >= 200;
        }
        if (msg instanceof LastHttpContent && finalResponse) {
            finalResponse = false;
            ChannelPromise p = promise.unvoid();
            super.write(ctx, msg, p);
            p.addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && ctx.channel().isActive() && !ctx.isRemoved()) {
                    served = true;
                    pending = Math.max(0, pending - 1);
                    if (pending == 0) {
                        arm(ctx, Math.max(KEEPALIVE_IDLE_MILLIS, timeoutMillis));
                        idle = true;
                    }
                }
            });
            return;
        }
        super.write(ctx, msg, promise);
    }

    private void arm(ChannelHandlerContext ctx) {
        arm(ctx, timeoutMillis);
    }

    private void arm(ChannelHandlerContext ctx, long millis) {
        disarm();
        head = ctx;
        idle = false;
        bytesSinceArm = false;
        timer = ctx.executor().schedule(() -> expired(ctx), millis, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        idle = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        if (pending == 0 && ctx.channel().isActive()) {
            if (bytesSinceArm || !served) {
                // a slow or silent client (slow loris): counted; a flood would be one line each, so debug
                closedCount.incrementAndGet();
                log.debug("api.head-timeout remote={} ms={}: no complete request head in time, connection closed",
                        HttpApiHandler.remoteAddress(ctx), timeoutMillis);
            } else {
                log.debug("api.keepalive-idle remote={} ms={}: connection closed", HttpApiHandler.remoteAddress(ctx),
                        Math.max(KEEPALIVE_IDLE_MILLIS, timeoutMillis));
            }
            ctx.close();
        }
    }
}
