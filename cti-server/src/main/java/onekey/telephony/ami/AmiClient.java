package onekey.telephony.ami;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.EventGeneratingAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.internal.OneKeyManagerConnection;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OneKey's connection to Asterisk's manager interface.
 *
 * <ul>
 * <li>The socket reader (asterisk-java's thread) never blocks: it only offers each event to a bounded
 *     queue. When the queue is full the event is counted as overflowed, logged, and a full re-read of
 *     live state from Asterisk is scheduled: nothing is dropped silently.</li>
 * <li>One dispatcher thread hands events to the {@link Listener} in arrival order.</li>
 * <li>Reconnects with exponential back-off (0.5 s … 10 s) on its own; asterisk-java's built-in fixed
 *     interval reconnect is switched off by logging the dead connection off. After every (re)connect
 *     the listener's {@link Listener#onConnected} re-reads channels, queues and members.</li>
 * </ul>
 */
public final class AmiClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmiClient.class);
    private static final long ACTION_TIMEOUT_MS = 5_000;
    private static final long PING_EVERY_MS = 5_000;
    /**
     * Event classes OneKey follows. Leaving out "dialplan" (Newexten, VarSet: several per dialplan
     * step of every call) keeps the reader and the dispatcher free for the events calls are made of.
     */
    static final String EVENT_MASK = "system,call,agent,user";

    /** Receives events and connection changes, always on the single dispatcher thread. */
    public interface Listener {
        /** Connected (first time or after a reconnect, or after an overflow): re-read live state. */
        void onConnected(AmiClient ami);

        /**
         * Asterisk announced {@code FullyBooted}: its modules are loaded (sent at login when it already was, later
         * when it was still starting). A listener whose re-read failed on the connect re-reads now.
         */
        default void onFullyBooted(AmiClient ami) {}

        void onDisconnected();

        /** An event OneKey follows, already in OneKey's words (see {@link AmiEvents}). */
        void onEvent(onekey.telephony.PbxEvent event);
    }

    private sealed interface Item permits EventItem, Signal {}

    private record EventItem(ManagerEvent event) implements Item {}

    private enum Signal implements Item { CONNECTED, DISCONNECTED, RESYNC, STOP }

    /**
     * Where Asterisk's manager interface is and who logs in; {@code eventQueueCapacity}: events held for the
     * dispatcher before the oldest are dropped and a resync is asked for. Telephony's own settings: the root
     * adapts the configuration to them.
     */
    public record Settings(String host, int port, String user, String secret, int eventQueueCapacity) {}

    private final Settings cfg;
    /** Given at {@link #start(Listener)}: the services that follow the PBX are built over this client first. */
    private volatile Listener listener;
    private final BlockingQueue<Item> queue;
    private final AtomicReference<ManagerConnection> current = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean resyncPending = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong maxDepth = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong lastConnectedAt = new AtomicLong();
    private volatile String lastError = "not connected yet";
    private volatile CountDownLatch disconnected = new CountDownLatch(0);
    private Thread supervisor;
    private Thread dispatcher;

    public AmiClient(Settings cfg) {
        this.cfg = cfg;
        this.queue = new ArrayBlockingQueue<>(cfg.eventQueueCapacity());
    }

    /** Connects (and reconnects) and hands everything to {@code listener}, on one dispatcher thread. */
    public void start(Listener listener) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        dispatcher = Thread.ofPlatform().name("ami-dispatch").daemon().start(this::dispatchLoop);
        supervisor = Thread.ofVirtual().name("ami-supervisor").start(this::superviseLoop);
    }

    public boolean connected() {
        ManagerConnection c = current.get();
        return c != null && c.getState() == ManagerConnectionState.CONNECTED;
    }

    /** Sends an action and waits for its response; throws {@link AmiException} on error or timeout. */
    public ManagerResponse send(ManagerAction action) {
        ManagerConnection c = requireConnection(action);
        try {
            ManagerResponse r = c.sendAction(action, ACTION_TIMEOUT_MS);
            if (r == null) {
                throw new AmiException(action.getAction() + ": no response within " + ACTION_TIMEOUT_MS + " ms");
            }
            if (r instanceof ManagerError) {
                throw new AmiException(action.getAction() + " failed: " + r.getMessage());
            }
            return r;
        } catch (AmiException e) {
            throw e;
        } catch (Exception e) {
            throw new AmiException(action.getAction() + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends an action that answers with a list of events (QueueStatus, CoreShowChannels, ...). */
    public List<ResponseEvent> sendForEvents(EventGeneratingAction action) {
        ManagerConnection c = requireConnection(action);
        try {
            ResponseEvents r = c.sendEventGeneratingAction(action, ACTION_TIMEOUT_MS * 2);
            if (r.getResponse() instanceof ManagerError) {
                throw new AmiException(action.getAction() + " failed: " + r.getResponse().getMessage());
            }
            return List.copyOf(r.getEvents());
        } catch (AmiException e) {
            throw e;
        } catch (Exception e) {
            throw new AmiException(action.getAction() + " failed: " + e.getMessage(), e);
        }
    }

    private ManagerConnection requireConnection(ManagerAction action) {
        ManagerConnection c = current.get();
        if (c == null || c.getState() != ManagerConnectionState.CONNECTED) {
            throw new AmiException(action.getAction() + ": not connected to Asterisk at " + cfg.host() + ":" + cfg.port());
        }
        return c;
    }

    /**
     * Asks for another {@link Listener#onConnected} pass after {@code delayMs}: used when re-reading
     * state failed, e.g. because Asterisk accepted the login before all its modules had loaded.
     */
    public void requestResync(long delayMs) {
        Thread.ofVirtual().name("ami-resync").start(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delayMs));
            if (running.get() && connected()) {
                enqueueSignal(Signal.RESYNC);
            }
        });
    }

    /** Figures for /api/health and the logs. */
    public Map<String, Object> metrics() {
        ManagerConnection c = current.get();
        long fast = c instanceof OneKeyManagerConnection ok ? ok.eventsBuiltFast() : 0;
        long slow = c instanceof OneKeyManagerConnection ok ? ok.eventsBuiltByAsteriskJava() : 0;
        long originates = c instanceof OneKeyManagerConnection ok ? ok.originatesWrittenFast() : 0;
        return Map.ofEntries(
                Map.entry("connected", connected()),
                Map.entry("host", cfg.host() + ":" + cfg.port()),
                Map.entry("eventsReceived", received.get()),
                Map.entry("eventsDispatched", dispatched.get()),
                Map.entry("eventsOverflowed", overflowed.get()),
                // this connection's events built by OneKey's factory / by asterisk-java's reflective builder
                Map.entry("eventsBuiltFast", fast),
                Map.entry("eventsBuiltByAsteriskJava", slow),
                // this connection's Originate actions written without asterisk-java's reflective builder
                Map.entry("originatesWrittenFast", originates),
                Map.entry("queueDepth", queue.size()),
                Map.entry("maxQueueDepth", maxDepth.get()),
                Map.entry("connects", connects.get()),
                Map.entry("lastConnectedAt", lastConnectedAt.get()),
                Map.entry("lastError", lastError));
    }

    // ---- connection supervision -------------------------------------------------------------------

    private void superviseLoop() {
        long backoff = 500;
        while (running.get()) {
            OneKeyManagerConnection c = new OneKeyManagerConnection(cfg.host(), cfg.port(), cfg.user(), cfg.secret());
            CountDownLatch gone = new CountDownLatch(1);
            disconnected = gone;
            AmiEvents.USER_EVENTS.forEach(c::registerUserEventClass);
            c.addEventListener(e -> onReaderEvent(c, gone, e));
            try {
                c.login(EVENT_MASK);
                current.set(c);
                connects.incrementAndGet();
                lastConnectedAt.set(System.currentTimeMillis());
                lastError = "";
                log.info("ami connected host={}:{} user={} version={}", cfg.host(), cfg.port(), cfg.user(), c.getVersion());
                enqueueSignal(Signal.CONNECTED);
                backoff = 500;
                watch(c, gone);
            } catch (AuthenticationFailedException e) {
                lastError = "login refused for user " + cfg.user() + " at " + cfg.host() + ":" + cfg.port()
                        + (cfg.secret().isBlank() ? " (ami.secret / ONEKEY_AMI_SECRET is not set: use this install's AMI secret)" : "");
                log.error("ami login failed host={}:{} user={}: {}", cfg.host(), cfg.port(), cfg.user(), e.getMessage());
            } catch (Exception e) {
                lastError = "cannot connect to " + cfg.host() + ":" + cfg.port() + ": " + e.getMessage();
                log.warn("ami connect failed host={}:{} error={}", cfg.host(), cfg.port(), e.toString());
            }
            boolean wasCurrent = current.compareAndSet(c, null);
            shutdown(c);
            if (wasCurrent) {
                enqueueSignal(Signal.DISCONNECTED);
            }
            if (!running.get()) {
                break;
            }
            log.info("ami reconnect in {} ms", backoff);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    /** Waits until the connection dies; pings so a half-open TCP connection is noticed too. */
    private void watch(ManagerConnection c, CountDownLatch gone) throws InterruptedException {
        int failedPings = 0;
        while (running.get() && !gone.await(PING_EVERY_MS, TimeUnit.MILLISECONDS)) {
            try {
                ManagerResponse r = c.sendAction(new PingAction(), ACTION_TIMEOUT_MS);
                failedPings = r == null ? failedPings + 1 : 0;
            } catch (Exception e) {
                failedPings++;
            }
            if (failedPings >= 2) {
                lastError = "Asterisk stopped answering pings";
                log.warn("ami ping failed twice host={}:{}; reconnecting", cfg.host(), cfg.port());
                return;
            }
        }
        if (gone.getCount() == 0) {
            lastError = "connection to " + cfg.host() + ":" + cfg.port() + " lost";
            log.warn("ami disconnected host={}:{}", cfg.host(), cfg.port());
        }
    }

    private static void shutdown(ManagerConnection c) {
        try {
            ManagerConnectionState s = c.getState();
            if (s == ManagerConnectionState.CONNECTED || s == ManagerConnectionState.RECONNECTING) {
                c.logoff();
            }
        } catch (RuntimeException e) {
            log.debug("ami logoff: {}", e.toString());
        }
    }

    /** Runs on asterisk-java's reader thread: must never block. */
    private void onReaderEvent(ManagerConnection c, CountDownLatch gone, ManagerEvent e) {
        if (e instanceof DisconnectEvent) {
            // stop asterisk-java's own reconnect loop: this client reconnects with back-off itself
            shutdown(c);
            gone.countDown();
            return;
        }
        if (e instanceof ConnectEvent) {
            return;
        }
        received.incrementAndGet();
        if (!queue.offer(new EventItem(e))) {
            long n = overflowed.incrementAndGet();
            if (resyncPending.compareAndSet(false, true)) {
                log.error("ami event queue full capacity={} overflowed={}: state will be re-read from Asterisk",
                        cfg.eventQueueCapacity(), n);
            }
            return;
        }
        long depth = queue.size();
        if (depth > maxDepth.get()) {
            maxDepth.accumulateAndGet(depth, Math::max);
        }
    }

    private void enqueueSignal(Signal s) {
        try {
            queue.put(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- dispatch -------------------------------------------------------------------------------

    private void dispatchLoop() {
        while (true) {
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                switch (item) {
                    case EventItem ei when ei.event() instanceof org.asteriskjava.manager.event.FullyBootedEvent -> {
                        listener.onFullyBooted(this);
                        dispatched.incrementAndGet();
                    }
                    case EventItem ei -> {
                        onekey.telephony.PbxEvent pe = AmiEvents.translate(ei.event());
                        if (pe != null) {
                            listener.onEvent(pe);
                        }
                        dispatched.incrementAndGet();
                    }
                    case Signal s when s == Signal.STOP -> {
                        return;
                    }
                    case Signal s when s == Signal.CONNECTED || s == Signal.RESYNC -> listener.onConnected(this);
                    case Signal s -> listener.onDisconnected();
                }
            } catch (RuntimeException ex) {
                log.error("ami listener failed on {}", describe(item), ex);
            }
            if (queue.isEmpty() && resyncPending.compareAndSet(true, false) && connected()) {
                listener.onConnected(this);
            }
        }
    }

    private static String describe(Item item) {
        return item instanceof EventItem ei ? ei.event().getClass().getSimpleName() : item.toString();
    }

    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        disconnected.countDown();
        ManagerConnection c = current.getAndSet(null);
        if (c != null) {
            shutdown(c);
        }
        if (supervisor != null) {
            supervisor.interrupt();
            join(supervisor);
        }
        queue.clear();
        enqueueSignal(Signal.STOP);
        join(dispatcher);
    }

    private static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
