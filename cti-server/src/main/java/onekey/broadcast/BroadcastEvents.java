package onekey.broadcast;

import onekey.events.DomainEvent;

/** What the voice broadcast tells: a broadcast's progress, and the supervisors' alert when one failed. */
public sealed interface BroadcastEvents extends DomainEvent {

    Broadcast broadcast();

    /** A change of the broadcast: to the agent who scheduled it (and the supervisors), else to the supervisors. */
    sealed interface Changed extends BroadcastEvents {}

    record Scheduled(Broadcast broadcast) implements Changed {}

    record Cancelled(Broadcast broadcast) implements Changed {}

    record Updated(Broadcast broadcast) implements Changed {}

    record Calling(Broadcast broadcast) implements Changed {}

    record Confirmed(Broadcast broadcast) implements Changed {}

    record Transferred(Broadcast broadcast) implements Changed {}

    record Attempt(Broadcast broadcast) implements Changed {}

    record Failed(Broadcast broadcast) implements Changed {}

    record TaskDone(Broadcast broadcast) implements Changed {}

    /** A booking or reminder could not be confirmed: an agent must call the elder (queue.alert to supervisors). */
    record FailedAlert(String task, Broadcast broadcast) implements BroadcastEvents {}
}
