package onekey.orders;

import onekey.elders.Elder;

/**
 * How an offer reaches a supplier (issue 21): {@link VoiceDispatch} (a call through the outbound service that speaks
 * the order and hears 1 or 2) and {@link WebhookDispatch} (a signed request to the supplier's own system) are the two
 * built here; each supplier is asked by the one its {@code dispatch} names. The answer comes back to
 * {@link OrderService} (the call's key, {@code POST /api/orders/{id}/supplier-update}).
 *
 * <p>The hook for supplier texts: an SMS notifier (onekey/sms, built in parallel) implements this interface and is
 * given to {@link OrderService} as one of its {@code alsoTell} notifiers, which are told of every offer besides the one
 * that asks (a text with the order beside the call); a failure there never holds up the offer.
 */
public interface SupplierNotifier {

    /** What an offer is about: the order, the offer row, the supplier asked, the elder served. */
    record Offer(Order order, Order.Offer offer, Supplier supplier, Elder elder) {}

    /** Asks the supplier (must not block: the work is done on the notifier's own threads). */
    void offer(Offer o);

    /** The offer ended without the supplier's answer through this notifier (a timeout, a cancel): stop trying. */
    default void withdraw(Offer o) {
    }
}
