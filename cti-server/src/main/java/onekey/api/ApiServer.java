package onekey.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST + WebSocket API on Netty. Two NIO threads do the I/O; every request that touches the database,
 * AMI or a file runs on its own virtual thread, so the event loop never blocks.
 *
 * <p>Given a {@link Tls} certificate and key it speaks only HTTPS and WSS (TLS 1.2 and 1.3): a client that
 * starts in clear is dropped during the handshake. Without one it serves plain HTTP, and refuses to start on
 * an address other than loopback unless told that clear text is allowed (issue 6, "Transport").
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /** A PEM certificate chain and its PKCS#8 private key (unencrypted), e.g. from {@code openssl req -x509}. */
    public record Tls(Path cert, Path key) {}

    final ApiContext ctx;
    final Routes routes;
    private final Tls tls;
    private final boolean allowPlaintext;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final EventFanout events;
    private EventLoopGroup group;
    private ExecutorService workers;
    private java.util.concurrent.ScheduledExecutorService sessionChecker;
    private volatile long lastCheckWarning;
    private Channel serverChannel;
    private volatile int boundPort = -1;
    public static final long DEFAULT_HEAD_TIMEOUT_MILLIS = 10_000;
    private long headTimeoutMillis = DEFAULT_HEAD_TIMEOUT_MILLIS;
    private final java.util.concurrent.atomic.AtomicLong headTimeouts = new java.util.concurrent.atomic.AtomicLong();

    /** Plain HTTP, on a loopback address only. */
    public ApiServer(ApiContext ctx) {
        this(ctx, null, false);
    }

    /**
     * {@code tls} null: plain HTTP, which {@link #start()} refuses on a non-loopback address unless
     * {@code allowPlaintext}.
     */
    public ApiServer(ApiContext ctx, Tls tls, boolean allowPlaintext) {
        this.ctx = ctx;
        this.routes = new RestApi(ctx, this::checkSessionsNow).routes();
        // one subscription to the hub for every WebSocket client; each pop delivered is audited
        this.events = new EventFanout(ctx.hub(), ctx.hub().capacity(),
                java.util.List.of(new PopAudit(ctx.security().deliveries())));
        this.tls = tls;
        this.allowPlaintext = allowPlaintext;
    }

    /** Adds the voice-broadcast endpoints (issue 9); call before {@link #start()}. */
    public ApiServer broadcasts(onekey.broadcast.BroadcastService service, onekey.broadcast.CampaignService campaigns,
                                java.time.ZoneId zone) {
        new BroadcastApi(ctx, service, campaigns, zone).addTo(routes);
        return this;
    }

    /** Issue 18 items 2 and 7: 紧急救援 (REST and the WebSocket's call.emergency) and an incident's seat calls. */
    public ApiServer emergency(onekey.rescue.EmergencyService service, onekey.calls.SeatCalls seatCalls) {
        this.emergency = service;
        new EmergencyApi(ctx, service, seatCalls).addTo(routes);
        return this;
    }

    private volatile onekey.rescue.EmergencyService emergency;

    /**
     * Read-your-writes (issue 23): run before every authenticated request and WebSocket command, so that what an agent
     * or a supervisor reads right after an action (the call's row, its agent, its QA) is in the database though the
     * calls' journal writes rows in groups; e.g. waits for the journal's ops appended so far.
     */
    private volatile Runnable readYourWrites = () -> { };

    public ApiServer readYourWrites(Runnable before) {
        this.readYourWrites = before;
        return this;
    }

    void readYourWrites() {
        readYourWrites.run();
    }

    /** The emergency service (null when not wired): the WebSocket's call.emergency calls it as REST does. */
    onekey.rescue.EmergencyService emergencyService() {
        return emergency;
    }

    /** Adds the supervisors' alerts (issue 19 item 1); call before {@link #start()}. */
    public ApiServer alerts(onekey.alerts.AlertService service) {
        new AlertsApi(service).addTo(routes);
        return this;
    }

    /** Adds the supervisors' incidents board and task hand-over (issue 19 item 2); call before {@link #start()}. */
    public ApiServer incidentBoard(onekey.board.IncidentBoard board, onekey.rescue.RescueService rescue) {
        new IncidentBoardApi(ctx, board, rescue).addTo(routes);
        return this;
    }

    /** Adds the device register and alarm intake (issue 24); call before {@link #start()}. */
    public ApiServer devices(onekey.devices.DeviceService devices, onekey.devices.AlarmService alarms,
                             Map<String, String> platformKeys) {
        new DevicesApi(devices, alarms, platformKeys).addTo(routes);
        return this;
    }

    /** Adds the 驿站 register and the elders' own reading ranges (issue 24); call before {@link #start()}. */
    public ApiServer stations(onekey.devices.StationService stations, onekey.devices.ElderThresholds thresholds,
                              onekey.elders.ElderRepository elders, onekey.auth.AuditLog audit) {
        new StationsApi(stations, thresholds, elders, audit).addTo(routes);
        return this;
    }

    /** Adds texts (issue 20): GET/POST /api/sms; call before {@link #start()}. */
    public ApiServer sms(onekey.sms.SmsService sms, onekey.rescue.RescueService rescue) {
        new SmsApi(sms, rescue, ctx.services() == null ? null : ctx.services().calls()).addTo(routes);
        return this;
    }

    /** Adds the district's reports, exports and monthly reports (issue 22); call before {@link #start()}. */
    public ApiServer reports(onekey.reports.ReportService reports) {
        new ReportsApi(ctx, reports).addTo(routes);
        return this;
    }

    /** Adds quality checking (issue 19 item 5); call before {@link #start()}. */
    public ApiServer qa(onekey.qa.QaService qa) {
        new QaApi(ctx, qa).addTo(routes);
        return this;
    }

    /** Adds suppliers and work orders (issue 21); call before {@link #start()}. */
    public ApiServer orders(onekey.orders.OrderService service, java.time.ZoneId zone) {
        new OrdersApi(service, zone).addTo(routes);
        return this;
    }

    /** Adds notices to seats, the per-agent workload, call history (issue 19 items 6, 7, 3); call before {@link #start()}. */
    public ApiServer desk(onekey.notices.NoticeService notices, onekey.workload.Workload workload,
                          onekey.history.CallHistory history, java.time.ZoneId zone) {
        new DeskApi(ctx, notices, workload, history, zone).addTo(routes);
        return this;
    }

    /**
     * Adds {@code GET /metrics} (issue 22): open without a login to the addresses of {@code allowFrom} (a comma list
     * of addresses and CIDR blocks), to admins from anywhere; call before {@link #start()}.
     */
    public ApiServer metrics(onekey.metrics.Metrics metrics, String allowFrom) {
        new MetricsApi(ctx, metrics, onekey.net.AddressFilter.parse(allowFrom)).addTo(routes);
        return this;
    }

    /**
     * How long a connection may take to send a complete request head (request line and headers), from its opening
     * or the previous response; a trickle of header lines does not extend it (issue 16). Call before
     * {@link #start()}; default {@link #DEFAULT_HEAD_TIMEOUT_MILLIS}.
     */
    public ApiServer headerTimeout(java.time.Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("http.headerTimeoutSeconds must be > 0, got " + timeout);
        }
        this.headTimeoutMillis = timeout.toMillis();
        return this;
    }

    /** Connections closed because their request head did not arrive in time. */
    public long headTimeouts() {
        return headTimeouts.get();
    }

    /** True when the API speaks HTTPS/WSS. */
    public boolean secure() {
        return tls != null;
    }

    /** Binds {@code bindHost:port} and returns once the server accepts connections. */
    public synchronized ApiServer start() {
        if (serverChannel != null) {
            throw new IllegalStateException("api server already started");
        }
        SslContext ssl = tls == null ? null : sslContext(tls);
        if (ssl == null) {
            if (!loopback(ctx.bindHost()) && !allowPlaintext) {
                throw new IllegalStateException("the API would listen in clear on " + ctx.bindHost()
                        + ", which is not a loopback address: give it a TLS certificate and key (http.tlsCert,"
                        + " http.tlsKey) or allow plain HTTP explicitly (http.allowPlaintext=true)");
            }
            if (!loopback(ctx.bindHost())) {
                log.warn("api.plaintext host={} port={} : PLAIN HTTP on a network address (http.allowPlaintext=true);"
                        + " login tokens and elders' records cross the network in clear. Set http.tlsCert and"
                        + " http.tlsKey for HTTPS/WSS", ctx.bindHost(), ctx.port());
            }
        }
        group = new NioEventLoopGroup(2, new DefaultThreadFactory("api-io", true));
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-req-", 0).factory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.closeFuture().addListener(f -> channels.remove(ch));
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        RequestHeadTimeout headTimeout = new RequestHeadTimeout(headTimeoutMillis, headTimeouts);
                        ch.pipeline().addLast("head-bytes", headTimeout.byteWatch())
                                .addLast("http", new HttpServerCodec());
                        if (ssl != null) {
                            // files are read in chunks that the SslHandler can encrypt (no zero copy through TLS)
                            ch.pipeline().addLast("chunked", new ChunkedWriteHandler());
                        }
                        ch.pipeline()
                                .addLast("head-timeout", headTimeout)
                                .addLast("aggregator", new BodyLimit(ctx.maxBodyBytes()))
                                .addLast("api", new HttpApiHandler(ApiServer.this));
                    }
                });
        try {
            serverChannel = b.bind(ctx.bindHost(), ctx.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownResources();
            throw new IllegalStateException("cannot bind api to " + ctx.bindHost() + ":" + ctx.port() + ": " + e.getMessage(), e);
        }
        boundPort = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        events.start();
        sessionChecker = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("api-sessions", true));
        long every = ctx.security().sessionCheckMillis();
        sessionChecker.scheduleWithFixedDelay(this::checkSessions, every, every, TimeUnit.MILLISECONDS);
        log.info("api.started host={} port={} scheme={}", ctx.bindHost(), boundPort, ssl != null ? "https" : "http");
        return this;
    }

    private static SslContext sslContext(Tls tls) {
        try {
            return SslContextBuilder.forServer(tls.cert().toFile(), tls.key().toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the API's TLS certificate " + tls.cert() + " and key "
                    + tls.key() + " (PEM certificate chain, PKCS#8 key \"-----BEGIN PRIVATE KEY-----\"): " + e, e);
        }
    }

    /** 127.0.0.0/8 or ::1 (a name must resolve only to those); 0.0.0.0 and :: are not. */
    static boolean loopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The bound port (the ephemeral one when configured with 0); -1 before {@link #start()}. */
    public int port() {
        return boundPort;
    }

    /** The WebSocket clients' one subscription to the event hub. */
    EventFanout events() {
        return events;
    }

    ExecutorService workers() {
        return workers;
    }

    /** Open WebSockets of the account other than {@code self}: a second copy of a seat (issue 16). */
    int otherSessions(long accountId, WsSession self) {
        int n = 0;
        for (Channel ch : channels) {
            WsSession ws = ch.pipeline().get(WsSession.class);
            if (ws != null && ws != self && ch.isActive() && ws.accountId() == accountId && !ws.ended()) {
                n++;
            }
        }
        return n;
    }

    /** Checks open WebSockets at once (after a logout, a revocation, an account disabled). */
    void checkSessionsNow() {
        var c = sessionChecker;
        if (c != null) {
            try {
                c.execute(this::checkSessions);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down: every session is closing anyway
            }
        }
    }

    /**
     * Closes (4401) every WebSocket whose token no longer resolves: revoked, expired, or its account disabled.
     * One query for all open sessions, every {@link ApiSecurity#sessionCheckMillis}. When the database cannot
     * answer, sessions stay open (a softphone keeps its feed through a database outage; nobody can revoke a
     * token then either) and the failure is logged.
     */
    private void checkSessions() {
        try {
            java.util.List<WsSession> open = new java.util.ArrayList<>();
            for (Channel ch : channels) {
                WsSession ws = ch.pipeline().get(WsSession.class);
                if (ws != null && ch.isActive()) {
                    open.add(ws);
                }
            }
            if (open.isEmpty()) {
                return;
            }
            Set<String> tokens = new java.util.HashSet<>();
            open.forEach(ws -> tokens.add(ws.token()));
            Set<String> valid = ctx.tokens().stillValid(tokens);
            for (WsSession ws : open) {
                if (!valid.contains(ws.token())) {
                    ws.endSession();
                }
            }
        } catch (RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastCheckWarning > 30_000) {
                lastCheckWarning = now;
                log.warn("api.session-check-failed error={} (open WebSockets stay open until it works)", e.toString());
            }
        }
    }

    /** Stops accepting, closes every connection (WebSocket clients get a 1001 close frame), stops all threads. */
    @Override
    public synchronized void close() {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        events.close();
        for (Channel ch : channels) {
            WsSession ws = ch.pipeline().get(WsSession.class);
            if (ws != null) {
                ws.closeWith(1001, "server shutting down");
            } else {
                ch.close();
            }
        }
        shutdownResources();
        serverChannel = null;
        log.info("api.stopped port={}", boundPort);
    }

    private void shutdownResources() {
        if (sessionChecker != null) {
            sessionChecker.shutdownNow();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The aggregator answers an oversized body with the API's JSON error (413) instead of an empty page. */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final int max;

        BodyLimit(int max) {
            super(max);
            this.max = max;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("error", "body_too_large");
            err.put("message", "request body exceeds " + max + " bytes");
            err.put("field", null);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(Json.writeBytes(err)));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            HttpUtil.setContentLength(resp, resp.content().readableBytes());
            // like HttpObjectAggregator: keep a keep-alive connection and discard the rest of the body, so the
            // client can read the answer instead of seeing a reset while it is still sending
            boolean keep = !(oversized instanceof io.netty.handler.codec.http.FullHttpMessage)
                    && (HttpUtil.is100ContinueExpected(oversized) || HttpUtil.isKeepAlive(oversized));
            if (!keep) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            log.info("api method={} status=413 max={}", oversized instanceof io.netty.handler.codec.http.HttpRequest r
                    ? r.method() : "?", max);
            var f = ctx.writeAndFlush(resp);
            f.addListener(keep ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        }
    }
}
