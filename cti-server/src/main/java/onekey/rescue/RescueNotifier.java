package onekey.rescue;

import onekey.events.EventHub;

/** The rescue's only publisher: who hears of what ({@link RescueEvents}). */
public final class RescueNotifier {

    private final EventHub hub;

    public RescueNotifier(EventHub hub) {
        this.hub = hub;
    }

    /** To the incident's agent and the seats holding its tasks (supervisors see every agent's events); else to the supervisors. */
    void changed(RescueEvents.IncidentChanged e) {
        if (e.incident().agentId() != null) {
            hub.toAccount(e.incident().agentId(), e);
            // seat B (or a seat handed a task) follows the incident too (issue 18 item 2, issue 19 item 2)
            e.incident().taskSeats().stream().filter(seat -> !seat.equals(e.incident().agentId()))
                    .forEach(seat -> hub.toAccount(seat, e));
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
