package onekey.orders;

import onekey.events.DomainEvent;

/**
 * What the work orders tell dispatchers and supervisors (issue 21). Published by {@link OrderNotifier} only; every event
 * carries the order as it is after the change.
 */
public sealed interface OrderEvents extends DomainEvent {

    Order order();

    /** A work order was created (order.created). */
    record Created(Order order) implements OrderEvents {}

    /** Its state changed: dispatched, accepted, in service, done, called back, closed, cancelled (order.updated). */
    record Updated(Order order) implements OrderEvents {}

    /** A supplier is being asked (order.offered): by a voice call or its webhook. */
    record Offered(Order order) implements OrderEvents {}

    /** Nobody could take it: a dispatcher's task (order.failed). */
    record Failed(Order order) implements OrderEvents {}

    /** The elder's callback said not done or 不满意: a complaint task for a dispatcher (order.complaint). */
    record Complaint(Order order) implements OrderEvents {}
}
