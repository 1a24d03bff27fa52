package onekey.events;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Numbers events and hands them to subscribers. Keeps the last {@code capacity} events so a client
 * that reconnects can replay what it missed ({@link #subscribe} with {@code afterSeq}).
 * Delivery to a subscriber must not block: WebSocket sinks write asynchronously.
 */
public final class EventHub {

    /** A subscriber: receives the events whose target matches {@code wants}. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private record Sub(LongPredicate wantsAccount, boolean wantsBroadcast, Consumer<Event> sink) {}

    private final int capacity;
    private final Deque<Event> recent = new ArrayDeque<>();
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private long seq;

    public EventHub(int capacity) {
        this.capacity = capacity;
    }

    /** An event for one agent's sessions (and supervisors watching everything). */
    public Event toAccount(long accountId, String type, Map<String, Object> body) {
        return publish(type, accountId, body);
    }

    /** An event not addressed to one agent (supervisor views). */
    public Event broadcast(String type, Map<String, Object> body) {
        return publish(type, null, body);
    }

    private Event publish(String type, Long accountId, Map<String, Object> body) {
        Event e;
        synchronized (this) {
            e = new Event(++seq, System.currentTimeMillis(), type, accountId, body);
            recent.addLast(e);
            if (recent.size() > capacity) {
                recent.removeFirst();
            }
            // delivered under the lock so every subscriber sees events in seq order
            for (Sub s : subs) {
                if (matches(s, e)) {
                    s.sink.accept(e);
                }
            }
        }
        return e;
    }

    private static boolean matches(Sub s, Event e) {
        return e.accountId() == null ? s.wantsBroadcast : s.wantsAccount.test(e.accountId());
    }

    /**
     * Subscribes and first replays retained events with seq greater than {@code afterSeq}
     * (use a negative value for no replay). {@code wantsAccount} selects per-agent events;
     * {@code wantsBroadcast} selects events without a target.
     */
    public Subscription subscribe(LongPredicate wantsAccount, boolean wantsBroadcast, long afterSeq,
                                  Consumer<Event> sink) {
        Sub s = new Sub(wantsAccount, wantsBroadcast, sink);
        synchronized (this) {
            if (afterSeq >= 0) {
                for (Event e : new ArrayList<>(recent)) {
                    if (e.seq() > afterSeq && matches(s, e)) {
                        sink.accept(e);
                    }
                }
            }
            subs.add(s);
        }
        return () -> subs.remove(s);
    }

    public synchronized long lastSeq() {
        return seq;
    }

    /** The oldest seq still retained; a client whose last seq is older has missed events for good. */
    public synchronized long oldestRetainedSeq() {
        return recent.isEmpty() ? seq + 1 : recent.peekFirst().seq();
    }
}
