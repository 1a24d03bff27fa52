package onekey.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import onekey.auth.Account;
import onekey.events.Event;
import onekey.events.EventHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of the event hub: one subscription for all clients. Each event is encoded once
 * ({@link EventViews#frame}) and the same bytes are handed to every session that should receive it; the last
 * {@code capacity} frames are kept for sessions that resume. Runs on the hub's delivery (never under the hub's
 * numbering lock), so publishers never wait on clients; a session only queues the bytes on its channel.
 *
 * <p>Whatever must happen per delivery (the audit row of a screen pop) is a {@link DeliveryListener}.
 */
final class EventFanout implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventFanout.class);

    /** An encoded event: the bytes every receiving client gets. */
    record Frame(Event event, byte[] bytes) {
        long seq() {
            return event.seq();
        }
    }

    /** One client of the fanout. */
    interface Sink {
        long accountId();

        /** Supervisors and admins: every event. */
        boolean seesAll();

        /** Dispatchers (issue 21): the work orders' events, and none of the calls' (no pops of elders' records). */
        default boolean seesOrders() {
            return false;
        }

        /** Queues the frame on the client's connection; false when it was not written (closed, too slow). */
        boolean deliver(Frame f);

        Account account();
    }

    /** Told of every frame a client was given, with the client's account. Must not block. */
    interface DeliveryListener {
        void delivered(Frame f, Account to);
    }

    private final EventHub hub;
    private final int capacity;
    private final List<DeliveryListener> listeners;
    private final Deque<Frame> recent = new ArrayDeque<>();
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    private long lastSeq;
    private EventHub.Subscription subscription;
    private boolean started;

    EventFanout(EventHub hub, int capacity, List<DeliveryListener> listeners) {
        this.hub = hub;
        this.capacity = capacity;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Subscribes to the hub (retained events first). Not under this object's lock: the hub's delivery takes it
     * (hub delivery, then fanout), never the other way round.
     */
    void start() {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
        }
        EventHub.Subscription s = hub.subscribe(id -> true, true, 0, this::onEvent);
        synchronized (this) {
            subscription = s;
        }
    }

    private synchronized void onEvent(Event e) {
        Frame f;
        try {
            f = new Frame(e, EventViews.frame(e));
        } catch (RuntimeException ex) {
            log.error("ws.encode-failed seq={} event={} error={}", e.seq(), e.event().getClass().getSimpleName(),
                    ex.toString());
            return;
        }
        lastSeq = e.seq();
        recent.addLast(f);
        if (recent.size() > capacity) {
            recent.removeFirst();
        }
        for (Sink s : sinks) {
            send(s, f);
        }
    }

    private void send(Sink s, Frame f) {
        if (!wants(s, f.event())) {
            return;
        }
        if (s.deliver(f)) {
            for (DeliveryListener l : listeners) {
                try {
                    l.delivered(f, s.account());
                } catch (RuntimeException ex) {
                    log.warn("ws.delivery-listener-failed seq={} account={} error={}", f.seq(), s.account().username(),
                            ex.toString());
                }
            }
        }
    }

    private static boolean wants(Sink s, Event e) {
        if (s.seesOrders() && e.event() instanceof onekey.orders.OrderEvents) {
            return true;
        }
        return e.accountId() == null ? s.seesAll() : s.seesAll() || e.accountId() == s.accountId();
    }

    /**
     * Adds a client: first the retained frames after {@code afterSeq} that are for it, then live ones, in seq order
     * and none twice.
     */
    synchronized void attach(Sink s, long afterSeq) {
        for (Frame f : recent) {
            if (f.seq() > afterSeq) {
                send(s, f);
            }
        }
        sinks.add(s);
    }

    /** Whether every event after {@code afterSeq} is still retained (false: some were dropped; reload over REST). */
    synchronized boolean complete(long afterSeq) {
        long last = Math.max(lastSeq, hub.lastSeq());
        long oldest = recent.isEmpty() ? last + 1 : recent.peekFirst().seq();
        return afterSeq + 1 >= oldest || afterSeq >= last;
    }

    void detach(Sink s) {
        sinks.remove(s);
    }

    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        started = false;
        sinks.clear();
    }
}
