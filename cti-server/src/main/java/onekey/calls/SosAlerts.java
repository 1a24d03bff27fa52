package onekey.calls;

import java.util.function.LongSupplier;
import onekey.agents.AgentService;
import onekey.elders.PhoneNumbers;
import onekey.lines.Service;
import onekey.telephony.PbxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RULE (ARCHITECTURE "Faults": nobody ready, or an SOS call unanswered too long) — the supervisors are alerted at
 * once: an SOS call queues and no agent is ready, SOS calls waited through OneKey's absence, a call overflows to the
 * backup number.
 */
final class SosAlerts {
    private static final Logger log = LoggerFactory.getLogger(SosAlerts.class);

    private final CallNotifier notifier;
    private final AgentService agents;
    private final LongSupplier sosWaiting;

    SosAlerts(CallNotifier notifier, AgentService agents, LongSupplier sosWaiting) {
        this.notifier = notifier;
        this.agents = agents;
        this.sosWaiting = sosWaiting;
    }

    static boolean isSos(CallRecord r) {
        return r.line() == Service.SOS || r.priority() >= CallTracker.FAIL_OPEN_PRIORITY;
    }

    /** A call joined the queue: told at once (not after the lookup) when it is SOS and nobody is ready. */
    void queued(CallRecord r) {
        if (isSos(r) && agents.readyCount() == 0) {
            notifier.alert(new CallEvents.NoAgentReady(r, sosWaiting.getAsLong(), "SOS call waiting and no agent is ready"));
            log.warn("call={} SOS waiting and no agent ready: supervisors alerted", r.linkedid());
        }
    }

    /** After a resync: SOS calls that waited through OneKey's absence are as urgent as new ones. */
    void afterResync() {
        long waiting = sosWaiting.getAsLong();
        if (waiting > 0 && agents.readyCount() == 0) {
            notifier.alert(new CallEvents.NoAgentReady(null, waiting,
                    waiting + " SOS call(s) waited while OneKey was away and no agent is ready"));
            log.warn("sosWaiting={} learned after reconnect and no agent ready: supervisors alerted", waiting);
        }
    }

    /** A call waited its line's limit and is dialled out to the backup number ({@code call} null: not followed). */
    void overflow(PbxEvent.Overflow o, CallRecord call) {
        notifier.alert(new CallEvents.Overflow(o.linkedid(), call, o.waitedSeconds(), PhoneNumbers.mask(o.number()),
                "call unanswered for " + o.waitedSeconds() + " s: overflowing to the backup number"));
        log.warn("call={} overflow to the backup number after {} s service={}", o.linkedid(), o.waitedSeconds(), o.service());
    }
}
