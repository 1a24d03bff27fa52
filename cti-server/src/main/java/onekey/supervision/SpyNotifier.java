package onekey.supervision;

import onekey.events.EventHub;

/** Supervision's only publisher: a spy session's events go to its supervisor (and the supervisors watching). */
public final class SpyNotifier {

    private final EventHub hub;

    public SpyNotifier(EventHub hub) {
        this.hub = hub;
    }

    void publish(SpyEvents e) {
        hub.toAccount(e.session().supervisorId(), e);
    }
}
