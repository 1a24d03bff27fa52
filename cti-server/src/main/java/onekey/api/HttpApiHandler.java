package onekey.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import onekey.auth.Account;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty glue for one HTTP connection: hands each request to a virtual thread, authenticates, routes, writes
 * the reply. Reading is paused while a request is served, so replies leave in request order.
 * Logs method, path (never the query string: it may hold a phone number), status, time and username.
 */
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpApiHandler.class);

    private final ApiServer server;

    HttpApiHandler(ApiServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            writeError(ctx, false, ApiException.badRequest("bad_request", "malformed HTTP request", null));
            return;
        }
        ctx.channel().config().setAutoRead(false);
        req.retain();
        try {
            server.workers().execute(() -> {
                try {
                    serve(ctx, req);
                } finally {
                    req.release();
                }
            });
        } catch (RejectedExecutionException e) {
            req.release();
            ctx.close();
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
        long t0 = System.nanoTime();
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String path = qs.path();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        Account actor = null;
        int status;
        try {
            if (path.equals("/ws") || path.equals("/ws/")) {
                status = WsSession.upgrade(server, ctx, req, qs);
                actor = null;
            } else {
                Routes.Match m = server.routes.match(req.method(), path);
                String token = null;
                if (m.route().roles() != null) {
                    token = bearer(req.headers());
                    actor = authenticate(server.ctx.tokens(), token);
                    if (!m.route().roles().contains(actor.role())) {
                        throw ApiException.forbidden("role " + actor.role().wire() + " may not "
                                + req.method().name() + " " + path);
                    }
                }
                if (m.route().roles() != null) {
                    // an agent's, a supervisor's request reads the rows the calls' journal writes as they are now
                    server.readYourWrites();
                }
                Reply reply = m.route().handler().handle(new Req(req, qs, m.params(), actor, token,
                        remoteAddress(ctx)));
                status = write(ctx, keepAlive, reply);
            }
        } catch (ApiException e) {
            status = writeError(ctx, keepAlive, e);
        } catch (RuntimeException | Error e) {
            if (databaseAway(e)) {
                // nothing is broken here: the database cannot be reached now (docs/api.md: 503, try again)
                log.warn("api.database-unavailable method={} path={} error={}", req.method(), path, e.toString());
                status = writeError(ctx, keepAlive, new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "database_unavailable", "the database cannot be reached now; try again shortly", null)
                        .header("Retry-After", "5"));
            } else {
                log.error("api.failed method={} path={}", req.method(), path, e);
                status = writeError(ctx, keepAlive, new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                        "internal error; see the server log", null));
            }
        } catch (Exception e) {
            log.error("api.failed method={} path={}", req.method(), path, e);
            status = writeError(ctx, keepAlive, new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                    "internal error; see the server log", null));
        }
        if (log.isInfoEnabled()) {
            log.info("api method={} path={} status={} ms={} account={}", req.method(), path, status,
                    (System.nanoTime() - t0) / 1_000_000, actor == null ? "-" : actor.username());
        }
    }

    static String remoteAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "unknown";
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    static String bearer(HttpHeaders headers) {
        String h = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (h == null) {
            return null;
        }
        h = h.trim();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = h.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    /**
     * Whether {@code e} comes from a database that cannot be reached (no connection within the pool's timeout, a
     * connection refused or lost), as opposed to a fault in OneKey.
     */
    static boolean databaseAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException || t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    static Account authenticate(onekey.auth.TokenStore tokens, String token) {
        if (token == null) {
            throw ApiException.unauthorized("missing bearer token; POST /api/login first", false);
        }
        Optional<Account> a;
        try {
            a = tokens.resolve(token);
        } catch (onekey.auth.TokenStore.Unavailable e) {
            // not a 500: nothing is broken here, the database is away; the client retries (docs/api.md)
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "database_unavailable", e.getMessage(), null)
                    .header("Retry-After", "5");
        }
        if (a.isEmpty() || !a.get().enabled()) {
            throw ApiException.unauthorized("invalid or expired token", true);
        }
        return a.get();
    }

    private static int write(ChannelHandlerContext ctx, boolean keepAlive, Reply reply) throws IOException {
        return switch (reply) {
            case Reply.JsonReply j -> writeJson(ctx, keepAlive, j.status(), j.body(), j.headers());
            case Reply.FileReply f -> writeFile(ctx, keepAlive, f);
            case Reply.BytesReply b -> writeBytes(ctx, keepAlive, b);
        };
    }

    static int writeError(ChannelHandlerContext ctx, boolean keepAlive, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code);
        body.put("message", e.getMessage());
        body.put("field", e.field);
        return writeJson(ctx, keepAlive, e.status, body, e.headers);
    }

    static int writeJson(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body,
                         Map<String, String> headers) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(Json.writeBytes(body)));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        common(resp, headers, keepAlive);
        finish(ctx, ctx.writeAndFlush(resp), keepAlive);
        return status.code();
    }

    private static int writeBytes(ChannelHandlerContext ctx, boolean keepAlive, Reply.BytesReply b) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, b.status(), Unpooled.wrappedBuffer(b.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, b.contentType());
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        common(resp, b.headers(), keepAlive);
        finish(ctx, ctx.writeAndFlush(resp), keepAlive);
        return b.status().code();
    }

    private static int writeFile(ChannelHandlerContext ctx, boolean keepAlive, Reply.FileReply f) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, f.status());
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
        HttpUtil.setContentLength(resp, f.length());
        common(resp, f.headers(), keepAlive);
        // In clear: zero copy from the file to the socket. Over TLS the bytes must pass through the SslHandler,
        // which encrypts buffers only (a FileRegion fails there, and the client got headers and no body): the file
        // is read in chunks by the pipeline's ChunkedWriteHandler. Either way the file is closed once written.
        Object body = ctx.pipeline().get(ChunkedWriteHandler.class) != null
                ? chunks(f) : new DefaultFileRegion(f.file().getChannel(), f.offset(), f.length());
        ctx.write(resp);
        ctx.write(body).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        finish(ctx, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
        return f.status().code();
    }

    /** Size of one read from the file when it goes through TLS: a few TLS records per chunk. */
    static final int FILE_CHUNK_BYTES = 32 * 1024;

    private static ChunkedNioFile chunks(Reply.FileReply f) {
        try {
            return new ChunkedNioFile(f.file().getChannel(), f.offset(), f.length(), FILE_CHUNK_BYTES);
        } catch (IOException e) {
            try {
                f.file().close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void common(HttpResponse resp, Map<String, String> headers, boolean keepAlive) {
        // responses carry personal data: never cached by a proxy or the browser
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        resp.headers().set("X-Content-Type-Options", "nosniff");
        headers.forEach((k, v) -> resp.headers().set(k, v));
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private static void finish(ChannelHandlerContext ctx, ChannelFuture f, boolean keepAlive) {
        if (keepAlive) {
            f.addListener((ChannelFutureListener) fut -> {
                if (fut.isSuccess()) {
                    fut.channel().config().setAutoRead(true);
                } else {
                    fut.channel().close();
                }
            });
        } else {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("api.connection-error remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
