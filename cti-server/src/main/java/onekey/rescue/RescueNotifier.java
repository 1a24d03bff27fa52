package onekey.rescue;

import onekey.events.EventHub;

/** The rescue's only publisher: who hears of what ({@link RescueEvents}). */
public final class RescueNotifier {

    private final EventHub hub;

    public RescueNotifier(EventHub hub) {
        this.hub = hub;
    }

    /** To the incident's agent (supervisors see every agent's events); else to the supervisors. */
    void changed(RescueEvents.IncidentChanged e) {
        if (e.incident().agentId() != null) {
            hub.toAccount(e.incident().agentId(), e);
        } else {
            hub.broadcast(e);
        }
    }

    void taskAssigned(long assignee, Incident incident, String task) {
        hub.toAccount(assignee, new RescueEvents.TaskAssigned(incident, task));
    }

    void alert(RescueEvents.Alert a) {
        hub.broadcast(a);
    }

    void followUpPlanned(FollowUp f) {
        hub.broadcast(new RescueEvents.FollowUpPlanned(f));
    }

    void followUpUpdated(FollowUp f) {
        hub.broadcast(new RescueEvents.FollowUpUpdated(f));
    }

    void silent(long agentId, String linkedid, long silentMs, String action) {
        hub.toAccount(agentId, new RescueEvents.CallSilent(linkedid, silentMs, action));
    }
}
