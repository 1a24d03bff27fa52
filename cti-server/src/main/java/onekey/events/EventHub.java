package onekey.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Numbers events and hands them to subscribers, knowing no feature (any {@link DomainEvent}). Keeps the last
 * {@code capacity} events so a subscriber can start with what it missed ({@link #subscribe} with {@code afterSeq}).
 *
 * <p>Numbering happens under the hub's lock and nothing else does: delivery runs outside it, in seq order, by
 * whichever publishing thread finds the delivery free (the others return at once; their events are delivered by
 * that thread before it lets go). So a publisher never waits on a subscriber, and every subscriber still sees the
 * events in seq order. Delivery to a subscriber must not block.
 */
public final class EventHub {

    /** A subscription; closing it stops delivery. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Sub(LongPredicate wantsAccount, boolean wantsBroadcast, Consumer<Event> sink) {}

    private final int capacity;
    private final Deque<Event> recent = new ArrayDeque<>();
    /** Numbered, not yet delivered; guarded by {@code this}. */
    private final Deque<Event> pending = new ArrayDeque<>();
    private final ReentrantLock delivery = new ReentrantLock();
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private long seq;

    public EventHub(int capacity) {
        this.capacity = capacity;
    }

    /** An event for one agent's sessions (and supervisors watching everything). */
    public Event toAccount(long accountId, DomainEvent event) {
        return publish(accountId, event);
    }

    /** An event not addressed to one agent (supervisor views). */
    public Event broadcast(DomainEvent event) {
        return publish(null, event);
    }

    private Event publish(Long accountId, DomainEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("no event");
        }
        Event e;
        synchronized (this) {
            e = new Event(++seq, System.currentTimeMillis(), accountId, event);
            recent.addLast(e);
            if (recent.size() > capacity) {
                recent.removeFirst();
            }
            pending.addLast(e);
        }
        drain();
        return e;
    }

    /** Delivers what is pending unless another thread is delivering (it will deliver ours too). */
    private void drain() {
        while (delivery.tryLock()) {
            try {
                deliverPending();
            } finally {
                delivery.unlock();
            }
            synchronized (this) {
                if (pending.isEmpty()) {
                    return; // nothing was added while we held the delivery: done
                }
            }
        }
    }

    /** Under {@link #delivery}. */
    private void deliverPending() {
        while (true) {
            Event e;
            synchronized (this) {
                e = pending.pollFirst();
            }
            if (e == null) {
                return;
            }
            for (Sub s : subs) {
                if (matches(s, e)) {
                    s.sink.accept(e);
                }
            }
        }
    }

    private static boolean matches(Sub s, Event e) {
        return e.accountId() == null ? s.wantsBroadcast : s.wantsAccount.test(e.accountId());
    }

    /**
     * Subscribes and first replays retained events with seq greater than {@code afterSeq}
     * (use a negative value for no replay), then goes live: in seq order, none twice, none missed.
     * {@code wantsAccount} selects per-agent events; {@code wantsBroadcast} selects events without a target.
     */
    public Subscription subscribe(LongPredicate wantsAccount, boolean wantsBroadcast, long afterSeq,
                                  Consumer<Event> sink) {
        Sub s = new Sub(wantsAccount, wantsBroadcast, sink);
        delivery.lock();
        try {
            deliverPending(); // what is retained is now delivered to everyone subscribed before us
            List<Event> replay;
            long deliveredUpTo;
            synchronized (this) {
                replay = afterSeq >= 0 ? new ArrayList<>(recent) : List.of();
                // events published meanwhile are pending: the drain below gives them to us with everyone else
                deliveredUpTo = pending.isEmpty() ? seq : pending.peekFirst().seq() - 1;
            }
            for (Event e : replay) {
                if (e.seq() > afterSeq && e.seq() <= deliveredUpTo && matches(s, e)) {
                    sink.accept(e);
                }
            }
            subs.add(s);
        } finally {
            delivery.unlock();
        }
        drain();
        return () -> subs.remove(s);
    }

    /** How many events are retained for subscribers that start late. */
    public int capacity() {
        return capacity;
    }

    public synchronized long lastSeq() {
        return seq;
    }

    /** The oldest seq still retained; a client whose last seq is older has missed events for good. */
    public synchronized long oldestRetainedSeq() {
        return recent.isEmpty() ? seq + 1 : recent.peekFirst().seq();
    }
}
