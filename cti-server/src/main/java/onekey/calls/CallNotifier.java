package onekey.calls;

import onekey.events.EventHub;

/** The call model's only publisher: who hears of what ({@link CallEvents}). */
public final class CallNotifier {

    private final EventHub hub;

    public CallNotifier(EventHub hub) {
        this.hub = hub;
    }

    void queued(CallRecord call, String queue, int position) {
        hub.broadcast(new CallEvents.Queued(call, queue, position));
    }

    /** To the agent whose phone rings (and the supervisors watching). */
    void offered(long accountId, CallEvents.Offered pop) {
        hub.toAccount(accountId, pop);
    }

    void answered(long accountId, CallRecord call) {
        hub.toAccount(accountId, new CallEvents.Answered(call));
    }

    /** To the call's agent (if any), then to every supervisor. */
    void ended(Long agentId, CallRecord call) {
        if (agentId != null) {
            hub.toAccount(agentId, new CallEvents.Ended(call, null));
        }
        hub.broadcast(new CallEvents.Finished(call));
    }

    void transferredAway(long accountId, CallRecord call, String to) {
        hub.toAccount(accountId, new CallEvents.Ended(call, to));
    }

    void alert(CallEvents.NoAgentReady a) {
        hub.broadcast(a);
    }

    void alert(CallEvents.Overflow a) {
        hub.broadcast(a);
    }

    void alert(CallEvents.ConferenceAlone a) {
        hub.broadcast(a);
    }
}
