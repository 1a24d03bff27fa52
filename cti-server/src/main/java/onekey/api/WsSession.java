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
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
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
    private WebSocketServerHandshaker handshaker;
    private Channel channel;
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
        String url = (server.secure() ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost") + "/ws";
        WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(url, null, false,
                server.ctx.maxBodyBytes());
        WebSocketServerHandshaker hs = factory.newHandshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return 426;
        }
        Long resumeAt = afterSeq;
        req.retain();
        ctx.executor().execute(() -> {
            try {
                session.handshaker = hs;
                session.channel = ctx.channel();
                ctx.pipeline().replace(ctx.handler(), "ws", session);
                hs.handshake(ctx.channel(), req).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        f.channel().close();
                        return;
                    }
                    f.channel().pipeline().addBefore("ws", "ws-aggregator",
                            new WebSocketFrameAggregator(server.ctx.maxBodyBytes()));
                    // only the reader's silence closes; pings go out on a timer of their own (opened())
                    f.channel().pipeline().addBefore("ws-aggregator", "ws-idle",
                            new IdleStateHandler(READ_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
                    session.opened(helloText, resumeAt);
                    f.channel().config().setAutoRead(true);
                });
            } finally {
                req.release();
            }
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
            case CloseWebSocketFrame c -> handshaker.close(ctx.channel(), c.retain());
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
            case "agent.ready", "agent.pause", "agent.logout" -> {
                startLive();
                JsonNode reason = msg.get("reason");
                if (reason != null && !reason.isNull() && !reason.isTextual()) {
                    error(type, "\"reason\" must be a string");
                    return;
                }
                JsonNode onExit = msg.get("onExit");
                command(type, reason == null || reason.isNull() ? null : reason.asText(),
                        onExit != null && onExit.asBoolean(false));
            }
            case "call.no-response" -> {
                startLive();
                JsonNode linkedid = msg.get("linkedid");
                if (linkedid == null || !linkedid.isTextual() || linkedid.asText().isBlank()) {
                    error(type, "\"linkedid\" (the call's, as in call.silent or call.offered) is required");
                    return;
                }
                noResponse(type, linkedid.asText());
            }
            case "incident.task-done" -> { // issue 18: as POST /api/incidents/{id}/tasks/{seq}/done
                startLive();
                JsonNode incident = msg.get("incident");
                JsonNode seq = msg.get("seq");
                if (incident == null || !incident.canConvertToLong() || seq == null || !seq.canConvertToInt()) {
                    error(type, "\"incident\" and \"seq\" (numbers) are required");
                    return;
                }
                taskDone(type, incident.asLong(), seq.asInt());
            }
            case "call.spy", "spy.mode", "spy.stop" -> {
                startLive();
                spy(type, msg);
            }
            case "follow-up.outcome" -> {
                startLive();
                followUpOutcome(type, msg);
            }
            default -> {
                startLive();
                error(type, "unknown frame type \"" + type + "\"");
            }
        }
    }

    private void startLive() {
        start(helloSeq, false);
    }

    /**
     * Agent commands go over AMI and the database: run them on a virtual thread, answer when done. A logout
     * {@code onExit} (the client program stops) applies only when no other WebSocket of the account is open: a second
     * copy of a seat that stops must not log out the live one (issue 16); the ack then says {@code "kept":true}.
     */
    private void command(String type, String reason, boolean onExit) {
        try {
            server.workers().execute(() -> {
                try {
                    int others = onExit && type.equals("agent.logout") ? server.otherSessions(account.id(), this) : 0;
                    if (others > 0) {
                        AgentStatus s = server.ctx.agentCommands().status(account.id()).orElse(null);
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("type", "ack");
                        m.put("command", type);
                        m.put("state", s == null || s.state() == null ? null : s.state().wire());
                        m.put("agent", s == null ? null : Shapes.agent(s));
                        m.put("kept", true);
                        m.put("message", "not logged out: " + others + " other session(s) of this account are open");
                        send(m);
                        log.info("ws.logout-kept account={} otherSessions={} state={}", account.username(), others,
                                m.get("state"));
                        return;
                    }
                    AgentStatus s = switch (type) {
                        case "agent.ready" -> server.ctx.agentCommands().ready(account);
                        case "agent.pause" -> server.ctx.agentCommands().pause(account, reason);
                        default -> server.ctx.agentCommands().logout(account);
                    };
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    m.put("state", s == null || s.state() == null ? null : s.state().wire());
                    m.put("agent", s == null ? null : Shapes.agent(s));
                    send(m);
                    log.info("ws.command account={} command={} state={}", account.username(), type, m.get("state"));
                } catch (IllegalStateException e) {
                    error(type, e.getMessage());
                } catch (RuntimeException e) {
                    log.error("ws.command-failed account={} command={}", account.username(), type, e);
                    error(type, "internal error; see the server log");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            error(type, "server is shutting down");
        }
    }

    /** A seat's task is done: the same service method as POST /api/incidents/{id}/tasks/{seq}/done. */
    private void taskDone(String type, long incident, int seq) {
        try {
            server.workers().execute(() -> {
                var rescue = server.ctx.rescue();
                if (rescue == null) {
                    error(type, "the rescue service is not running");
                    return;
                }
                try {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    m.put("incident", onekey.rescue.RescueService.shape(rescue.completeTask(incident, seq, account)));
                    send(m);
                } catch (SecurityException | IllegalArgumentException | IllegalStateException e) {
                    error(type, e.getMessage());
                } catch (RuntimeException e) {
                    log.error("ws.command-failed account={} command={}", account.username(), type, e);
                    error(type, "internal error; see the server log");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            error(type, "server is shutting down");
        }
    }

    /** The agent confirms the elder on its call does not respond: the same as POST /api/calls/{id}/no-response. */
    private void noResponse(String type, String linkedid) {
        try {
            server.workers().execute(() -> {
                try {
                    var rescue = server.ctx.rescue();
                    var call = server.ctx.calls().byLinkedid(linkedid).orElse(null);
                    if (rescue == null || call == null) {
                        error(type, rescue == null ? "the rescue service is not running" : "no such call: " + linkedid);
                        return;
                    }
                    if (account.role() == Role.AGENT && (call.agentId() == null || call.agentId() != account.id())) {
                        error(type, "call " + call.id() + " was taken by another agent");
                        return;
                    }
                    onekey.rescue.RescueService.Opened o;
                    try {
                        // an unregistered caller gets the same rescue on the calling number (as REST)
                        o = rescue.noResponseOnCall(call.elderId(), call.callerNumber(), call.id(), account, "no-response");
                    } catch (IllegalArgumentException e) {
                        error(type, e.getMessage());
                        return;
                    }
                    server.ctx.audit().record(account, o.created() ? "incident.open" : "incident.join",
                            o.incident().auditType(), o.incident().auditId(), "incident=" + o.incident().id() + " call="
                                    + call.id() + (call.elderId() == null ? " caller="
                                    + onekey.elders.PhoneNumbers.mask(o.incident().callerNumber()) : ""));
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    m.put("created", o.created());
                    m.put("incident", onekey.rescue.RescueService.shape(o.incident()));
                    send(m);
                } catch (RuntimeException e) {
                    log.error("ws.command-failed account={} command={}", account.username(), type, e);
                    error(type, "internal error; see the server log");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            error(type, "server is shutting down");
        }
    }

    /**
     * {@code follow-up.outcome {"incident":1,"reached":true,"condition":"…","satisfaction":4}} or {@code "reached":false}:
     * the same service method as POST /api/incidents/{id}/follow-up/outcome (issue 18); acked with the incident.
     */
    private void followUpOutcome(String type, JsonNode msg) {
        if (msg.has("followUp")) {
            callFollowUpOutcome(type, msg);
            return;
        }
        JsonNode id = msg.get("incident");
        JsonNode reached = msg.get("reached");
        JsonNode sat = msg.get("satisfaction");
        if (id == null || !id.canConvertToExactIntegral() || reached == null || !reached.isBoolean()
                || sat != null && !sat.isNull() && !sat.canConvertToExactIntegral()) {
            error(type, "\"incident\" (an id) and \"reached\" (true or false) are required; \"satisfaction\" is 1 to 5");
            return;
        }
        try {
            server.workers().execute(() -> {
                try {
                    var rescue = server.ctx.rescue();
                    var inc = rescue == null ? null : rescue.get(id.asLong()).orElse(null);
                    if (inc == null) {
                        error(type, rescue == null ? "the rescue service is not running" : "no such incident: " + id.asLong());
                        return;
                    }
                    if (account.role() == Role.AGENT && (inc.agentId() == null || inc.agentId() != account.id())) {
                        error(type, "incident " + inc.id() + " belongs to another agent");
                        return;
                    }
                    onekey.rescue.Incident done;
                    try {
                        done = rescue.followUpOutcome(inc.id(), account, new onekey.rescue.RescueService.FollowUpOutcome(
                                reached.asBoolean(), msg.path("condition").asText(null),
                                sat == null || sat.isNull() ? null : sat.asInt()));
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        error(type, e.getMessage());
                        return;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    m.put("incident", onekey.rescue.RescueService.shape(done));
                    send(m);
                } catch (RuntimeException e) {
                    log.error("ws.command-failed account={} command={}", account.username(), type, e);
                    error(type, "internal error; see the server log");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            error(type, "server is shutting down");
        }
    }

    /** {@code follow-up.outcome {"followUp":3,…}}: a call's follow-up, as POST /api/followups/{id}/outcome. */
    private void callFollowUpOutcome(String type, JsonNode msg) {
        JsonNode id = msg.get("followUp");
        JsonNode reached = msg.get("reached");
        JsonNode sat = msg.get("satisfaction");
        if (id == null || !id.canConvertToExactIntegral() || reached == null || !reached.isBoolean()
                || sat != null && !sat.isNull() && !sat.canConvertToExactIntegral()) {
            error(type, "\"followUp\" (an id) and \"reached\" (true or false) are required; \"satisfaction\" is 1 to 5");
            return;
        }
        try {
            server.workers().execute(() -> {
                try {
                    var rescue = server.ctx.rescue();
                    if (rescue == null) {
                        error(type, "the rescue service is not running");
                        return;
                    }
                    onekey.rescue.FollowUp done;
                    try {
                        done = rescue.callFollowUpOutcome(id.asLong(), account, new onekey.rescue.RescueService.FollowUpOutcome(
                                reached.asBoolean(), msg.path("condition").asText(null),
                                sat == null || sat.isNull() ? null : sat.asInt()));
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        error(type, e.getMessage());
                        return;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    m.put("followUp", onekey.rescue.RescueService.shape(done));
                    send(m);
                } catch (RuntimeException e) {
                    log.error("ws.command-failed account={} command={}", account.username(), type, e);
                    error(type, "internal error; see the server log");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            error(type, "server is shutting down");
        }
    }

    /**
     * Listen / whisper / barge, the same as POST /api/calls/{id}/spy, PUT and DELETE /api/spy/{session}:
     * {@code call.spy {"callId" or "linkedid","mode"}}, {@code spy.mode {"session","mode"}}, {@code spy.stop {"session"}}.
     */
    private void spy(String type, JsonNode msg) {
        if (account.role() != Role.SUPERVISOR && account.role() != Role.ADMIN) {
            error(type, "forbidden: only supervisors and admins may listen to, whisper into or barge into calls");
            return;
        }
        var spy = server.ctx.spy();
        if (spy == null) {
            error(type, "listening to calls is not available on this server");
            return;
        }
        JsonNode mode = msg.get("mode");
        JsonNode session = msg.get("session");
        JsonNode callId = msg.get("callId");
        JsonNode linkedid = msg.get("linkedid");
        if (mode != null && !mode.isNull() && !mode.isTextual()) {
            error(type, "\"mode\" must be a string: listen, whisper or barge");
            return;
        }
        if (!type.equals("call.spy") && (session == null || !session.isTextual() || session.asText().isBlank())) {
            error(type, "\"session\" (the id call.spy answered with) is required");
            return;
        }
        if (type.equals("call.spy") && !(callId != null && callId.canConvertToExactIntegral() && callId.asLong() > 0)
                && !(linkedid != null && linkedid.isTextual() && !linkedid.asText().isBlank())) {
            error(type, "\"callId\" (a positive integer) or \"linkedid\" is required");
            return;
        }
        try {
            server.workers().execute(() -> {
                try {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "ack");
                    m.put("command", type);
                    switch (type) {
                        case "call.spy" -> {
                            var parsed = onekey.supervision.SpyService.Mode.parse(mode == null ? null : mode.asText());
                            long id;
                            if (callId != null && callId.canConvertToExactIntegral()) {
                                id = callId.asLong();
                            } else {
                                var call = server.ctx.calls().byLinkedid(linkedid.asText()).orElse(null);
                                if (call == null) {
                                    error(type, "no such call: " + linkedid.asText());
                                    return;
                                }
                                id = call.id();
                            }
                            var started = spy.start(account, id, parsed);
                            m.put("created", started.created());
                            m.put("session", started.session().shape());
                        }
                        case "spy.mode" -> m.put("session", spy.change(account, session.asText(),
                                onekey.supervision.SpyService.Mode.parse(mode == null ? null : mode.asText())).shape());
                        default -> m.put("session", spy.stop(account, session.asText()).shape());
                    }
                    send(m);
                    log.info("ws.command account={} command={}", account.username(), type);
                } catch (onekey.supervision.SpyService.Refused e) {
                    error(type, e.getMessage());
                } catch (RuntimeException e) {
                    log.error("ws.command-failed account={} command={}", account.username(), type, e);
                    error(type, "internal error; see the server log");
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
