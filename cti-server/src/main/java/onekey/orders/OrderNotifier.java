package onekey.orders;

import onekey.events.EventHub;

/** The one publisher of {@link OrderEvents}: to dispatchers and supervisors (not addressed to one seat). */
final class OrderNotifier {
    private final EventHub hub;

    OrderNotifier(EventHub hub) {
        this.hub = hub;
    }

    void publish(OrderEvents e) {
        if (hub != null) {
            hub.broadcast(e);
        }
    }
}
