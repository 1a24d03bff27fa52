package onekey.telephony.ami;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import onekey.telephony.PbxEvent;
import onekey.telephony.PbxSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the PBX's events and connection changes go: events to every subscriber in declared order; after a
 * (re)connect each subscriber's resync in declared order, and when any fails, all of them again with back-off
 * (0.5 s … 10 s), or at once when Asterisk announces {@code FullyBooted} (it accepts a login before its modules are
 * loaded). One subscriber's failure never keeps the event or the resync from the others. Runs on the AMI client's
 * single dispatcher thread.
 */
public final class ResyncCoordinator implements AmiClient.Listener {
    private static final Logger log = LoggerFactory.getLogger(ResyncCoordinator.class);

    private final List<PbxSubscriber> subscribers;
    private int failedResyncs;
    private boolean lastFailed;
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong resyncFailures = new AtomicLong();
    private volatile long lastResyncAt;
    private volatile String lastFailure = "";

    public ResyncCoordinator(List<PbxSubscriber> subscribers) {
        this.subscribers = List.copyOf(subscribers);
    }

    @Override
    public void onConnected(AmiClient ami) {
        resync(ami::requestResync);
    }

    @Override
    public void onFullyBooted(AmiClient ami) {
        fullyBooted(ami::requestResync);
    }

    /** As {@link #onFullyBooted}: re-reads only when the last resync failed; {@code retryIn} asks for another pass. */
    void fullyBooted(java.util.function.LongConsumer retryIn) {
        if (lastFailed) {
            log.info("asterisk fully booted: re-reading its state now");
            resync(retryIn);
        }
    }

    /** Every subscriber's resync in order; when one failed, {@code retryIn} is asked for another pass with back-off. */
    void resync(java.util.function.LongConsumer retryIn) {
        boolean ok = true;
        for (PbxSubscriber s : subscribers) {
            try {
                s.resync();
            } catch (RuntimeException e) {
                ok = false;
                lastFailure = s.name() + ": " + e;
                log.error("{} not re-read after AMI connect: {}", s.name(), e.toString());
            }
        }
        resyncs.incrementAndGet();
        lastResyncAt = System.currentTimeMillis();
        lastFailed = !ok;
        if (ok) {
            failedResyncs = 0;
            lastFailure = "";
        } else {
            resyncFailures.incrementAndGet();
            long delay = Math.min(10_000, 500L << Math.min(failedResyncs++, 5));
            log.warn("re-reading Asterisk state again in {} ms (Asterisk may still be loading its modules)", delay);
            retryIn.accept(delay);
        }
    }

    @Override
    public void onDisconnected() {
        for (PbxSubscriber s : subscribers) {
            try {
                s.disconnected();
            } catch (RuntimeException e) {
                log.error("{} failed on the AMI disconnect: {}", s.name(), e.toString());
            }
        }
        log.warn("asterisk unreachable: calls still queue in Asterisk (fail-open); OneKey catches up on reconnect");
    }

    @Override
    public void onEvent(PbxEvent e) {
        for (PbxSubscriber s : subscribers) {
            try {
                s.onEvent(e);
            } catch (RuntimeException ex) {
                log.error("{} failed on {}", s.name(), e.getClass().getSimpleName(), ex);
            }
        }
    }

    /** Its own state for /api/health: resyncs run and failed, the last one's time and failure. */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resyncs", resyncs.get());
        m.put("resyncFailures", resyncFailures.get());
        m.put("lastResyncAt", lastResyncAt);
        m.put("lastResyncError", lastFailure);
        m.put("subscribers", subscribers.stream().map(PbxSubscriber::name).toList());
        return m;
    }
}
