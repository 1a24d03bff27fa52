package onekey.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import io.netty.buffer.Unpooled;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.auth.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client (softphone or supervisor view). Events go out as {@code {"type","seq","at",...body}}, each
 * encoded once for every client by the {@link EventFanout}; commands come in as {@code {"type":"agent.ready"}} etc.
 *
 * <p>Live events start after the client's first frame, or {@value #RESUME_WINDOW_MS} ms after the hello, so
 * that a {@code resume} sent first gets the missed events and then the live ones, in seq order and without
 * duplicates (the hub replays and subscribes in one step). Writes never block the hub's publishing thread: a
 * client that stops reading is closed (1008) once {@value #MAX_PENDING_BYTES} bytes are queued for it or it
 * has been unwritable for {@value #MAX_UNWRITABLE_MS} ms.
 */
final class WsSession extends SimpleChannelInboundHandler<WebSocketFrame> implements EventFanout.Sink {
    private static final Logger log = LoggerFactory.getLogger(WsSession.class);

    static final long RESUME_WINDOW_MS = 1000;
    static final long MAX_PENDING_BYTES = 4L * 1024 * 1024;
    static final long MAX_UNWRITABLE_MS = 15_000;
    static final int PING_SECONDS = 30;
    static final int READ_IDLE_SECONDS = 95;

    private final ApiServer server;
    private final Account account;
    private final String token;
    private final long helloSeq;
    private volatile boolean ended;
    private volatile Channel channel;
    private volatile String pendingHello;
    private volatile Long pendingResume;
    // the fields below are touched on the channel's event loop only
    private boolean started;
    private volatile boolean closed; // read by ApiServer.otherSessions too
    private ScheduledFuture<?> startTimer;
    private ScheduledFuture<?> pinger;
    private volatile boolean attached;
    private volatile long unwritableSince;

    private WsSession(ApiServer server, Account account, String token, long helloSeq) {
        this.server = server;
        this.account = account;
        this.token = token;
        this.helloSeq = helloSeq;
    }

    /**
     * Authenticates ({@code ?token=} or {@code Authorization: Bearer}) and upgrades. Runs on a virtual thread;
     * the handshake itself runs on the channel's event loop. Returns the HTTP status for the access log.
     */
    static int upgrade(ApiServer server, ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder qs) {
        if (!req.method().equals(HttpMethod.GET)) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "WebSocket upgrade needs GET", null).header("Allow", "GET");
        }
        String token = HttpApiHandler.bearer(req.headers());
        if (token == null && qs.parameters().containsKey("token")) {
            token = qs.parameters().get("token").get(0);
        }
        Account account = HttpApiHandler.authenticate(server.ctx.tokens(), token);
        if (account.role() == onekey.auth.Role.DISTRICT) {
            // the live events carry elders' records and numbers: the district reads reports, not the stream
            throw ApiException.forbidden("role district may not open the event stream");
        }
        if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            throw ApiException.badRequest("not_websocket", "/ws expects a WebSocket upgrade request", null);
        }
        Long afterSeq = null;
        if (qs.parameters().containsKey("afterSeq")) {
            try {
                afterSeq = Long.parseLong(qs.parameters().get("afterSeq").get(0));
            } catch (NumberFormatException e) {
                afterSeq = -1L;
            }
            if (afterSeq < 0) {
                throw ApiException.badRequest("invalid_param", "\"afterSeq\" must be an integer >= 0", "afterSeq");
            }
        }
        AgentStatus agent = server.ctx.agentCommands().status(account.id()).orElse(null);
        long seq = server.ctx.hub().lastSeq();
        WsSession session = new WsSession(server, account, token, seq);
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", "hello");
        hello.put("seq", seq);
        hello.put("account", Json.account(account, false));
        hello.put("agent", agent == null ? null : Shapes.agent(agent));
        String helloText = Json.write(hello);
        // only a version Netty speaks is upgraded; anything else is answered 426 with the versions it does
        if (new WebSocketServerHandshakerFactory("ws://localhost/ws", null, false).newHandshaker(req) == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return 426;
        }
        Long resumeAt = afterSeq;
        int max = server.ctx.maxBodyBytes();
        // Netty's own WebSocket handlers: the handshake (wss:// behind TLS), close frames, pings answered with pongs,
        // pongs dropped, UTF-8 checked; /ws, /ws/ and /ws?token=… (the token was checked above); no subprotocol
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(true)
                .subprotocols(null)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(max).allowExtensions(false).build())
                .build();
        session.pendingHello = helloText;
        session.pendingResume = resumeAt;
        req.retain(); // released by the handshake handler
        ctx.executor().execute(() -> {
            session.channel = ctx.channel();
            ChannelPipeline p = ctx.pipeline();
            // the reader's silence closes (a pong counts: it is seen here, before the protocol handler drops it);
            // pings go out on a timer of their own (opened())
            p.addAfter(ctx.name(), "ws-idle", new IdleStateHandler(READ_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
            p.addAfter("ws-idle", "ws-protocol", new WebSocketServerProtocolHandler(config));
            p.addAfter("ws-protocol", "ws-aggregator", new WebSocketFrameAggregator(max));
            p.addAfter("ws-aggregator", "ws", session);
            ctx.fireChannelRead(req); // to the handshake handler, which answers 101 and fires HandshakeComplete
            p.remove(ctx.handler());
        });
        log.info("ws.open account={} role={}", account.username(), account.role().wire());
        return 101;
    }

    private void opened(String helloText, Long afterSeq) {
        channel.writeAndFlush(new TextWebSocketFrame(helloText));
        // A ping every 30 s whatever else is written: its pong is the client's sign of life. Pinging only when the
        // server had written nothing for 30 s (writer idle) sent no ping at all to a seat that got an event at least
        // every 30 s, and a client that only reads and answers pings (CtiClient, the console agent) was then closed
        // as silent after 95 s, in the middle of a pop (issue 16).
        pinger = channel.eventLoop().scheduleAtFixedRate(this::ping, PING_SECONDS, PING_SECONDS, TimeUnit.SECONDS);
        if (afterSeq != null) {
            start(afterSeq, true);
        } else {
            startTimer = channel.eventLoop().schedule(() -> start(helloSeq, false), RESUME_WINDOW_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Event loop only. */
    private void ping() {
        if (channel.isActive()) {
            channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
        } else if (pinger != null) {
            pinger.cancel(false); // closed before the timer was set
        }
    }

    /** Subscribes: replays retained events after {@code afterSeq}, then goes live. Event loop only. */
    private void start(long afterSeq, boolean resumed) {
        if (started || closed) {
            return;
        }
        started = true;
        if (startTimer != null) {
            startTimer.cancel(false);
        }
        EventFanout events = server.events();
        if (resumed) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "resumed");
            m.put("afterSeq", afterSeq);
            // false: events between afterSeq and the oldest retained one are gone; reload state over REST
            m.put("complete", events.complete(afterSeq));
            send(m); // on the event loop: written before the replay that attach queues after it
        }
        attached = true;
        events.attach(this, afterSeq);
    }

    String token() {
        return token;
    }


    boolean ended() {
        return ended || closed;
    }

    /** The token no longer resolves (revoked, expired, account disabled): no more events, close 4401. */
    void endSession() {
        if (ended) {
            return;
        }
        ended = true;
        server.events().detach(this);
        log.info("ws.session-ended account={} reason=token-revoked-expired-or-account-disabled", account.username());
        closeWith(4401, "session ended: token revoked or expired, or account disabled");
    }

    @Override
    public long accountId() {
        return account.id();
    }

    @Override
    public boolean seesAll() {
        return account.role() == Role.SUPERVISOR || account.role() == Role.ADMIN;
    }

    @Override
    public boolean seesOrders() {
        return account.role() == Role.DISPATCHER;
    }

    @Override
    public Account account() {
        return account;
    }

    /**
     * Called by the {@link EventFanout} on the hub's delivery (not under the hub's lock): queues the frame's bytes,
     * encoded once for every client, on this channel. Must not block.
     */
    @Override
    public boolean deliver(EventFanout.Frame f) {
        Channel ch = channel;
        if (!ch.isActive() || ended) {
            return false;
        }
        try {
            if (!ch.isWritable()) {
                long since = unwritableSince;
                long now = System.currentTimeMillis();
                if (since == 0) {
                    unwritableSince = now;
                } else if (now - since > MAX_UNWRITABLE_MS || ch.bytesBeforeWritable() > MAX_PENDING_BYTES) {
                    log.warn("ws.slow-client account={} seq={} pendingBytes={}", account.username(), f.seq(),
                            ch.bytesBeforeWritable());
                    closeWith(1008, "client too slow: events not read");
                    return false;
                }
            }
            ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(f.bytes())), ch.voidPromise());
            return true;
        } catch (RuntimeException ex) {
            // never let one client's problem reach the publisher
            log.warn("ws.deliver-failed account={} seq={} error={}", account.username(), f.seq(), ex.toString());
            return false;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            unwritableSince = 0;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame t -> onText(t.text());
            case PingWebSocketFrame p -> ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
            case PongWebSocketFrame p -> { }
            case BinaryWebSocketFrame b -> error(null, "binary frames are not supported; send JSON text");
            default -> { }
        }
    }

    private void onText(String text) {
        JsonNode msg;
        try {
            msg = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            startLive();
            error(null, Requests.translate(e).getMessage());
            return;
        }
        String type = msg != null && msg.isObject() && msg.path("type").isTextual() ? msg.get("type").asText() : null;
        if (type == null) {
            startLive();
            error(null, "a frame must be a JSON object with a string \"type\"");
            return;
        }
        switch (type) {
            case "resume" -> {
                JsonNode n = msg.get("afterSeq");
                if (n == null || !n.canConvertToExactIntegral() || n.asLong() < 0) {
                    error(type, "\"afterSeq\" must be an integer >= 0");
                } else if (started) {
                    error(type, "resume must be the first frame after connecting (or use /ws?afterSeq=)");
                } else {
                    start(n.asLong(), true);
                }
            }
            case "ping" -> {
                startLive();
                send(Map.of("type", "pong"));
            }
            default -> {
                startLive();
                WsCommands.Command command = WsCommands.TABLE.get(type);
                if (command == null) {
                    error(type, "unknown frame type \"" + type + "\"");
                    return;
                }
                String wrong = command.check(account, msg);
                if (wrong != null) {
                    error(type, wrong);
                    return;
                }
                run(type, command, msg);
            }
        }
    }

    private void startLive() {
        start(helloSeq, false);
    }

    /**
     * A command goes over AMI and the database: it runs on a virtual thread, and is answered when done with an ack
     * carrying what the service returned, or an error with the service's refusal.
     */
    private void run(String type, WsCommands.Command command, JsonNode msg) {
        try {
            server.workers().execute(() -> {
                try {
                    server.readYourWrites(); // the command reads what the calls' journal writes (the call's row)
                    Map<String, Object> fields = command.run(new WsCommands.Caller(this, account, server), msg);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    m.putAll(fields);
                    send(m);
                    log.info("ws.command account={} command={}{}", account.username(), type,
                            m.containsKey("state") ? " state=" + m.get("state") : "");
                } catch (RuntimeException e) {
                    if (WsCommands.refusal(e)) {
                        error(type, e.getMessage());
                    } else {
                        log.error("ws.command-failed account={} command={}", account.username(), type, e);
                        error(type, "internal error; see the server log");
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            error(type, "server is shutting down");
        }
    }

    private void error(String command, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "error");
        if (command != null) {
            m.put("command", command);
        }
        m.put("message", message);
        send(m);
    }

    private void send(Map<String, Object> m) {
        if (channel.isActive()) {
            channel.writeAndFlush(new TextWebSocketFrame(Json.write(m)), channel.voidPromise());
        }
    }

    /** Sends a close frame with a reason and closes (after 2 s at most, even if the client never reads it). */
    void closeWith(int code, String reason) {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        if (ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
            ch.eventLoop().schedule(() -> {
                ch.close();
            }, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            opened(pendingHello, pendingResume);
            ctx.channel().config().setAutoRead(true);
            return;
        }
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.info("ws.idle-close account={}", account.username());
                closeWith(1001, "no traffic for " + READ_IDLE_SECONDS + " s");
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        if (startTimer != null) {
            startTimer.cancel(false);
        }
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (attached) {
            server.events().detach(this);
        }
        log.info("ws.close account={}", account.username());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("ws.error account={} error={}", account.username(), cause.toString());
        ctx.close();
    }
}
