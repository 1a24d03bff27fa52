package onekey.devices;

import onekey.events.EventHub;

/** The device room's one publisher (issue 24). */
final class DeviceNotifier {
    private final EventHub hub;

    DeviceNotifier(EventHub hub) {
        this.hub = hub;
    }

    void toSupervisors(DeviceEvents e) {
        hub.broadcast(e);
    }

    /**
     * The alarm's pop to the seat given (the hub also shows an event addressed to a seat to the supervisors), or, with
     * no seat ready, to the supervisors alone.
     */
    void alarm(DeviceEvents.AlarmRaised e, Long seat) {
        if (seat != null) {
            hub.toAccount(seat, e);
        } else {
            hub.broadcast(e);
        }
    }
}
