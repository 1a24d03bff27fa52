package onekey.telephony.agi;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
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
    private final Predicate<String> recordingPathAllowed;
    private Thread acceptor;

    /** Any recording path, sessions from loopback only. */
    public AgiFlowServer(String bind, int port, Map<String, Flow> flows, Binding binding) throws IOException {
        this(bind, port, AddressFilter.parse(AddressFilter.LOOPBACK), p -> true, flows, binding);
    }

    /**
     * @param allowFrom            who may open a session (others are closed at once and logged)
     * @param recordingPathAllowed whether a recording path given by the dialplan may be used
     */
    public AgiFlowServer(String bind, int port, AddressFilter allowFrom, Predicate<String> recordingPathAllowed,
                         Map<String, Flow> flows, Binding binding) throws IOException {
        this.flows = Map.copyOf(flows);
        this.binding = binding;
        this.recordingPathAllowed = recordingPathAllowed;
        MappingStrategy mapping = (request, channel) -> this::service;
        this.server = new Server(mapping, allowFrom, refused);
        server.setAddress(InetAddress.getByName(bind));
        server.setPort(port);
    }

    /** asterisk-java's server with its thread pool replaced by one virtual thread per session. */
    private static final class Server extends DefaultAgiServer {
        final java.util.concurrent.CompletableFuture<Void> bound = new java.util.concurrent.CompletableFuture<>();
        private final AddressFilter allowFrom;
        private final AtomicLong refused;

        Server(MappingStrategy mapping, AddressFilter allowFrom, AtomicLong refused) {
            super(mapping);
            this.allowFrom = allowFrom;
            this.refused = refused;
        }

        @Override
        protected org.asteriskjava.util.ServerSocketFacade createServerSocket() throws IOException {
            try {
                org.asteriskjava.util.ServerSocketFacade s = new Guarded(super.createServerSocket(), allowFrom, refused);
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
    private record Guarded(org.asteriskjava.util.ServerSocketFacade inner, AddressFilter allowFrom, AtomicLong refused)
            implements org.asteriskjava.util.ServerSocketFacade {
        @Override
        public org.asteriskjava.util.SocketConnectionFacade accept() throws IOException {
            while (true) {
                org.asteriskjava.util.SocketConnectionFacade c = inner.accept();
                InetAddress from = c.getRemoteAddress();
                if (allowFrom.allows(from)) {
                    return c;
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
                "refused", refused.get(), "recordingPathsRefused", recordingPathsRefused.get());
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IllegalStateException e) {
            log.debug("agi shutdown: {}", e.toString());
        }
        if (acceptor != null) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
