package onekey.rescue;

import onekey.events.DomainEvent;

/**
 * What the rescue tells agents and supervisors about no-response incidents, their tasks and follow-ups, and
 * silent calls. Published by {@link RescueNotifier} only.
 */
public sealed interface RescueEvents extends DomainEvent {

    /** An incident changed: to its agent (and the supervisors), or to the supervisors when it has none. */
    sealed interface IncidentChanged extends RescueEvents {
        Incident incident();
    }

    record IncidentOpened(Incident incident) implements IncidentChanged {}

    record IncidentUpdated(Incident incident) implements IncidentChanged {}

    record IncidentResolved(Incident incident) implements IncidentChanged {}

    record IncidentEscalated(Incident incident) implements IncidentChanged {}

    /** A task for a person was opened on the incident. */
    record IncidentTask(Incident incident) implements IncidentChanged {}

    /** A step of the incident started or ended (a call, a task). */
    record IncidentStep(Incident incident) implements IncidentChanged {}

    record IncidentCancelled(Incident incident) implements IncidentChanged {}

    /** The task given to an agent other than the incident's own: to that agent. */
    record TaskAssigned(Incident incident, String task) implements RescueEvents {}

    /** Supervisors' alerts (queue.alert). */
    sealed interface Alert extends RescueEvents {
        Incident incident();
    }

    record EscalatedAlert(Incident incident) implements Alert {}

    record TaskAlert(String task, Incident incident) implements Alert {}

    record TaskNotTaken(int seq, String taskKind, Incident incident) implements Alert {}

    record FollowUpOverdue(int seq, String taskKind, Long dueAt, Incident incident) implements Alert {}

    /**
     * 紧急救援 raised (issue 18 item 2): with the seat given task B, or, with none ready, the message that seat A keeps
     * the elder (kind {@code emergency-no-seat-b}, urgent).
     */
    record EmergencyAlert(Incident incident, Long seatB, String message) implements Alert {}

    record FollowUpPlanned(FollowUp followUp) implements RescueEvents {}

    record FollowUpUpdated(FollowUp followUp) implements RescueEvents {}

    /** The elder on an agent's call has been silent this long: the agent may start the no-response rescue. */
    record CallSilent(String linkedid, long silentMs, String action) implements RescueEvents {}
}
