package onekey.telephony.agi;

import onekey.net.AddressFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import onekey.flows.Flow;
import onekey.flows.FlowHost;
import onekey.flows.FlowResult;
import onekey.flows.FlowRunner;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.MappingStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OneKey's FastAGI server: {@code AGI(agi://host:port/<flow>)} runs the ivr-flows flow of that name
 * on the channel. Each session runs on its own virtual thread, so a flow waiting on a prompt or a key
 * press holds no platform thread. If a flow is unknown or fails, the session ends without setting
 * ONEKEY_QUEUE and the dialplan's fail-open branch records and queues the call.
 *
 * <p>Only the configured Asterisk may open a session: a connection from an address outside
 * {@code agi.allowFrom} is closed before a byte is read (no call row, no flow). A recording path
 * handed over as an argument is taken only when it lies under the recordings folder; another is
 * dropped (the indexer then finds the call's file by its linkedid) and the call goes on.
 */
public final class AgiFlowServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgiFlowServer.class);

    /** What a session knows before its flow runs. */
    public record Session(String flow, String linkedid, String uniqueid, String channel, String callerNumber,
                          String dnis, String recordingFile, long startedAt, Long arrivedAt) {}

    /** The server side of a session: data for the flow, and what to do with its result. */
    public interface Binding {
        FlowHost open(Session session);

        void closed(Session session, FlowResult result);
    }

    private final Map<String, Flow> flows;
    private final Binding binding;
    private final FlowRunner runner = new FlowRunner();
    private final Server server;
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong recordingPathsRefused = new AtomicLong();
    private final AtomicLong headerTimeouts = new AtomicLong();
    private final Predicate<String> recordingPathAllowed;
    private Thread acceptor;

    /** Bound of the AGI environment's arrival when none is configured (agi.headerTimeoutSeconds). */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

    /** Any recording path, sessions from loopback only. */
    public AgiFlowServer(String bind, int port, Map<String, Flow> flows, Binding binding) throws IOException {
        this(bind, port, AddressFilter.parse(AddressFilter.LOOPBACK), p -> true, flows, binding, DEFAULT_HEADER_TIMEOUT);
    }

    /**
     * @param allowFrom            who may open a session (others are closed at once and logged)
     * @param recordingPathAllowed whether a recording path given by the dialplan may be used
     * @param headerTimeout        a connection whose AGI environment (up to its blank line) has not arrived within
     *                             this is closed; after it, nothing is bounded here (a flow waits for the caller)
     */
    public AgiFlowServer(String bind, int port, AddressFilter allowFrom, Predicate<String> recordingPathAllowed,
                         Map<String, Flow> flows, Binding binding, Duration headerTimeout) throws IOException {
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("agi.headerTimeoutSeconds must be > 0, got " + headerTimeout);
        }
        this.flows = Map.copyOf(flows);
        this.binding = binding;
        this.recordingPathAllowed = recordingPathAllowed;
        MappingStrategy mapping = (request, channel) -> this::service;
        this.server = new Server(mapping, allowFrom, refused, new HeadWatch(headerTimeout, headerTimeouts));
        server.setAddress(InetAddress.getByName(bind));
        server.setPort(port);
    }

    /** asterisk-java's server with its thread pool replaced by one virtual thread per session. */
    private static final class Server extends DefaultAgiServer {
        final java.util.concurrent.CompletableFuture<Void> bound = new java.util.concurrent.CompletableFuture<>();
        private final AddressFilter allowFrom;
        private final AtomicLong refused;
        private final HeadWatch headWatch;

        Server(MappingStrategy mapping, AddressFilter allowFrom, AtomicLong refused, HeadWatch headWatch) {
            super(mapping);
            this.allowFrom = allowFrom;
            this.refused = refused;
            this.headWatch = headWatch;
        }

        @Override
        protected org.asteriskjava.util.ServerSocketFacade createServerSocket() throws IOException {
            try {
                org.asteriskjava.util.ServerSocketFacade s = new Guarded(super.createServerSocket(), allowFrom, refused,
                        headWatch);
                bound.complete(null);
                return s;
            } catch (IOException e) {
                bound.completeExceptionally(e);
                throw e;
            }
        }

        @Override
        protected void execute(Runnable command) {
            if (isDie()) {
                throw new java.util.concurrent.RejectedExecutionException("AGI server is shutting down");
            }
            Thread.ofVirtual().name("agi-session").start(command);
        }
    }

    /**
     * The listening socket with the allow list in front: accept() hands asterisk-java only connections from
     * allowed addresses; any other is closed before its AGI request is read, and logged.
     */
    private record Guarded(org.asteriskjava.util.ServerSocketFacade inner, AddressFilter allowFrom, AtomicLong refused,
                           HeadWatch headWatch)
            implements org.asteriskjava.util.ServerSocketFacade {
        @Override
        public org.asteriskjava.util.SocketConnectionFacade accept() throws IOException {
            while (true) {
                org.asteriskjava.util.SocketConnectionFacade c = inner.accept();
                InetAddress from = c.getRemoteAddress();
                if (allowFrom.allows(from)) {
                    return headWatch.watch(c);
                }
                refused.incrementAndGet();
                log.warn("agi refused from={}:{} (not in agi.allowFrom={}): connection closed",
                        from == null ? "?" : from.getHostAddress(), c.getRemotePort(), allowFrom);
                try {
                    c.close();
                } catch (IOException | RuntimeException e) {
                    log.debug("agi refused connection close: {}", e.toString());
                }
            }
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }

        @Override
        public void setSocketReadTimeout(int socketReadTimeout) {
            inner.setSocketReadTimeout(socketReadTimeout);
        }
    }

    /**
     * Bounds the arrival of a session's AGI environment (issue 16: connections that sent nothing, or half an
     * environment, were held for good). Asterisk writes the whole environment at once on connecting, and the
     * dialplan itself gives up after 3 s, so a session that has not sent its blank line within the bound is not
     * Asterisk's: it is closed, which ends asterisk-java's read of the request. Only that phase is bounded: once the
     * blank line is read the watch is off, and a flow may wait as long as the caller takes to press a key.
     * A socket read timeout would not do: a trickle of lines would extend it, and it would also cut live flows.
     */
    private static final class HeadWatch {
        private final long millis;
        private final AtomicLong timeouts;
        private final java.util.concurrent.ScheduledExecutorService timer;

        HeadWatch(Duration timeout, AtomicLong timeouts) {
            this.millis = timeout.toMillis();
            this.timeouts = timeouts;
            java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name("agi-head-watch").daemon().factory());
            t.setRemoveOnCancelPolicy(true);
            this.timer = t;
        }

        org.asteriskjava.util.SocketConnectionFacade watch(org.asteriskjava.util.SocketConnectionFacade c) {
            Watched w = new Watched(c);
            try {
                w.deadline = timer.schedule(() -> expire(w), millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: the server is closing every session anyway
            }
            return w;
        }

        private long lastLine;
        private long quiet;

        private void expire(Watched w) {
            if (!w.expire()) {
                return;
            }
            timeouts.incrementAndGet();
            // a flood of such connections is logged once per 10 s with a count, not once per connection (timer thread)
            long now = System.currentTimeMillis();
            if (now - lastLine >= 10_000) {
                lastLine = now;
                InetAddress from = w.getRemoteAddress();
                log.warn("agi head-timeout from={}:{} lines={} ms={} alsoClosedSinceLastLine={}: no complete AGI"
                                + " environment in time, connection closed", from == null ? "?" : from.getHostAddress(),
                        w.getRemotePort(), w.lines, millis, quiet);
                quiet = 0;
            } else {
                quiet++;
            }
        }

        void close() {
            timer.shutdownNow();
        }
    }

    /** A session's connection that is closed unless its AGI environment is complete before the deadline. */
    private static final class Watched implements org.asteriskjava.util.SocketConnectionFacade {
        private final org.asteriskjava.util.SocketConnectionFacade inner;
        private volatile boolean headComplete;
        /** Closed here for want of an environment in time: what the reader sees next is not an environment's end. */
        private volatile boolean expired;
        private volatile int lines;
        volatile java.util.concurrent.ScheduledFuture<?> deadline;

        Watched(org.asteriskjava.util.SocketConnectionFacade inner) {
            this.inner = inner;
        }

        /** Closes the connection if its environment is still incomplete; true when it did. */
        boolean expire() {
            if (headComplete) {
                return false;
            }
            expired = true;
            try {
                inner.close();
            } catch (IOException | RuntimeException e) {
                log.debug("agi head-timeout close: {}", e.toString());
            }
            return true;
        }

        @Override
        public String readLine() throws IOException {
            String line = inner.readLine();
            if (!headComplete) {
                if (expired) {
                    // the end of stream our own close caused: no session may start on half an environment
                    throw new IOException("AGI environment not complete within the bound; connection closed");
                }
                if (line == null || line.isEmpty()) {
                    // the environment ends with a blank line (or the peer went away): the flow's phase begins
                    headComplete = true;
                    var d = deadline;
                    if (d != null) {
                        d.cancel(false);
                    }
                } else {
                    lines++;
                }
            }
            return line;
        }

        @Override
        public void write(String s) throws IOException {
            inner.write(s);
        }

        @Override
        public void flush() throws IOException {
            inner.flush();
        }

        @Override
        public void close() throws IOException {
            var d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            inner.close();
        }

        @Override
        public boolean isConnected() {
            return inner.isConnected();
        }

        @Override
        public InetAddress getLocalAddress() {
            return inner.getLocalAddress();
        }

        @Override
        public int getLocalPort() {
            return inner.getLocalPort();
        }

        @Override
        public InetAddress getRemoteAddress() {
            return inner.getRemoteAddress();
        }

        @Override
        public int getRemotePort() {
            return inner.getRemotePort();
        }
    }

    /** Binds and starts accepting; throws when the port cannot be bound. */
    public void start() throws IOException {
        acceptor = Thread.ofPlatform().name("agi-accept").daemon().start(() -> {
            try {
                server.startup();
            } catch (IOException e) {
                log.error("FastAGI server cannot listen on {}:{}: {}", server.getAddress(), server.getPort(), e.getMessage());
            }
        });
        try {
            server.bound.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the FastAGI server", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("FastAGI server cannot listen on " + server.getAddress() + ":" + server.getPort()
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
        log.info("FastAGI listening on {}:{} flows={} allowFrom={}", server.getAddress().getHostAddress(), server.getPort(),
                flows.keySet(), server.allowFrom);
    }

    private void service(AgiRequest request, AgiChannel channel) throws AgiException {
        sessions.incrementAndGet();
        active.incrementAndGet();
        long started = System.currentTimeMillis();
        String name = request.getScript() == null ? "" : request.getScript().replaceFirst("^/", "");
        try {
            Flow flow = flows.get(name);
            if (flow == null) {
                failures.incrementAndGet();
                log.error("agi unknown flow={} channel={}: the dialplan fails open", name, request.getChannel());
                return;
            }
            // OneKey's dialplan passes linkedid, dialled number, recording file and arrival time (ms) as
            // arguments, which saves round trips; a dialplan that does not is asked for the variables instead
            String[] args = request.getArguments();
            boolean given = args != null && args.length >= 3 && args[0] != null && !args[0].isEmpty();
            String linkedid = given ? args[0] : channel.getVariable("CHANNEL(linkedid)");
            String dnis = given ? args[1] : firstNonEmpty(channel.getVariable("ONEKEY_DNIS"), request.getExtension());
            String recfile = given ? args[2] : channel.getVariable("ONEKEY_RECFILE");
            Long arrived = null;
            if (given && args.length >= 4 && args[3] != null && args[3].matches("\\d{10,16}")) {
                arrived = Long.parseLong(args[3]);
            }
            recfile = emptyToNull(recfile);
            if (recfile != null && !recordingPathAllowed.test(recfile)) {
                // never served later: the indexer looks for <linkedid>.wav under the folder instead
                recordingPathsRefused.incrementAndGet();
                log.warn("agi call={} recording path refused (not under the recordings folder); the call goes on", linkedid);
                recfile = null;
            }
            Session s = new Session(name, linkedid, request.getUniqueId(), request.getChannel(),
                    request.getCallerIdNumber(), dnis, recfile, started, arrived);
            FlowHost host = binding.open(s);
            Map<String, String> vars = new HashMap<>();
            vars.put("CALLER", s.callerNumber() == null ? "" : s.callerNumber());
            vars.put("DNIS", dnis == null ? "" : dnis);
            vars.put("LINKEDID", linkedid == null ? "" : linkedid);
            FlowResult result = runner.run(flow, new AgiFlowChannel(channel), host, vars);
            if (result.failed()) {
                failures.incrementAndGet();
                log.error("agi flow={} call={} failed: {} (the dialplan fails open)", name, linkedid, result.reason());
            }
            binding.closed(s, result);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.error("agi flow={} channel={} failed (the dialplan fails open)", name, request.getChannel(), e);
        } finally {
            active.decrementAndGet();
        }
    }

    private static String firstNonEmpty(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public Map<String, Object> metrics() {
        return Map.of("sessions", sessions.get(), "active", active.get(), "failures", failures.get(),
                "refused", refused.get(), "recordingPathsRefused", recordingPathsRefused.get(),
                "headerTimeouts", headerTimeouts.get());
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IllegalStateException e) {
            log.debug("agi shutdown: {}", e.toString());
        }
        server.headWatch.close();
        if (acceptor != null) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
