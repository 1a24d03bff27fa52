package onekey.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import onekey.calls.CallEvents;
import onekey.calls.CallOutcome;
import onekey.calls.CallRecord;
import onekey.events.Event;
import onekey.events.EventHub;
import onekey.lines.Service;

/**
 * The call counters of {@code /metrics}, fed by the call model's typed events as any other subscriber of the hub
 * (no call in the call path itself):
 * <ul>
 *   <li>{@code onekey_calls_offered_total{line}}: calls that reached the queue (first {@code Queued}; a call seen
 *       only when it ended, queued while OneKey was away, is counted then);</li>
 *   <li>{@code onekey_calls_answered_total{line}}: calls an agent answered (first {@code Answered}, or the answer
 *       time of the finished call: a transfer or a resync never counts a call twice);</li>
 *   <li>{@code onekey_calls_abandoned_total{line}}: queued calls whose caller left before an answer;</li>
 *   <li>{@code onekey_pop_latency_seconds}: from Asterisk ringing the agent's phone to the screen pop published.</li>
 * </ul>
 * Each call is counted once per counter, by linkedid (the last 20 000 calls are remembered).
 */
public final class CallMetricsFeed implements AutoCloseable {

    static final int REMEMBERED = 20_000;

    private final MeterRegistry registry;
    private final Map<Service, Counter> offered = new EnumMap<>(Service.class);
    private final Map<Service, Counter> answered = new EnumMap<>(Service.class);
    private final Map<Service, Counter> abandoned = new EnumMap<>(Service.class);
    private final Timer popLatency;
    /** linkedid → what was counted of it (bits); guarded by {@code this}. */
    private final Map<String, Integer> counted = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };
    private static final int OFFERED = 1;
    private static final int ANSWERED = 2;
    private static final int ABANDONED = 4;
    private EventHub.Subscription subscription;

    public CallMetricsFeed(MeterRegistry registry) {
        this.registry = registry;
        // every line from the start at 0: a query for a line without calls yet answers 0, not "no data"
        for (Service s : Service.values()) {
            counter(offered, s);
            counter(answered, s);
            counter(abandoned, s);
        }
        this.popLatency = Timer.builder("onekey.pop.latency")
                .description("From Asterisk ringing the agent's phone to the screen pop published (caller looked up, row stored)")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofMillis(2500))
                .register(registry);
    }

    private Counter counter(Map<Service, Counter> family, Service line) {
        return family.computeIfAbsent(line, l -> {
            String what = family == offered ? "offered" : family == answered ? "answered" : "abandoned";
            String help = switch (what) {
                case "offered" -> "Calls that reached the queue, by line";
                case "answered" -> "Calls an agent answered, by line";
                default -> "Queued calls whose caller hung up before an answer, by line";
            };
            return Counter.builder("onekey.calls." + what).description(help).tag("line", l.wire()).register(registry);
        });
    }

    /** Subscribes to every event of the hub (agents' and supervisors'), from now on. */
    public CallMetricsFeed start(EventHub hub) {
        subscription = hub.subscribe(a -> true, true, -1, this::accept);
        return this;
    }

    /** One event of the hub; must not block (it runs on the publisher's delivery). */
    public void accept(Event e) {
        switch (e.event()) {
            case CallEvents.Queued q -> once(q.call(), OFFERED, offered);
            case CallEvents.Answered a -> {
                once(a.call(), OFFERED, offered); // answered before OneKey saw it queued (a resync)
                once(a.call(), ANSWERED, answered);
            }
            case CallEvents.Offered o -> popLatency.record(Math.max(0, e.at() - o.amiEventAt()), TimeUnit.MILLISECONDS);
            case CallEvents.Finished f -> finished(f.call());
            default -> { }
        }
    }

    private void finished(CallRecord c) {
        if (c == null) {
            return;
        }
        if (c.queuedAt() != null || c.answeredAt() != null) {
            once(c, OFFERED, offered);
        }
        if (c.answeredAt() != null) {
            once(c, ANSWERED, answered);
        } else if (c.outcome() == CallOutcome.ABANDONED && c.queuedAt() != null) {
            once(c, ABANDONED, abandoned);
        }
    }

    private void once(CallRecord c, int what, Map<Service, Counter> family) {
        if (c == null || c.linkedid() == null) {
            return;
        }
        Counter counter;
        synchronized (this) {
            int done = counted.getOrDefault(c.linkedid(), 0);
            if ((done & what) != 0) {
                return;
            }
            counted.put(c.linkedid(), done | what);
            counter = counter(family, c.line() == null ? Service.GENERAL : c.line());
        }
        counter.increment();
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
