package onekey.broadcast;

import onekey.events.EventHub;

/** The broadcast's only publisher: who hears of what ({@link BroadcastEvents}). */
public final class BroadcastNotifier {

    private final EventHub hub;

    public BroadcastNotifier(EventHub hub) {
        this.hub = hub;
    }

    /** To the agent who booked it (supervisors see every agent's events); else to the supervisors. */
    void changed(BroadcastEvents.Changed e) {
        if (e.broadcast().accountId() != null) {
            hub.toAccount(e.broadcast().accountId(), e);
        } else {
            hub.broadcast(e);
        }
    }

    void alert(BroadcastEvents.FailedAlert a) {
        hub.broadcast(a);
    }
}
