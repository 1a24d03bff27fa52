package onekey.alerts;

import onekey.events.DomainEvent;

/** What the supervisors' alert store tells: an alert stored with its id, an alert handled. Published by {@link AlertService} only. */
public sealed interface AlertEvents extends DomainEvent {

    Alert alert();

    /** A raised {@code queue.alert} / {@code system.alert} stored with its id (to the supervisors). */
    record Raised(Alert alert) implements AlertEvents {}

    /** An alert handled, by a supervisor or cleared by OneKey (to the supervisors). */
    record Acked(Alert alert) implements AlertEvents {}
}
