package onekey.recording;

import onekey.events.EventHub;

/** Recording's only publisher: system alerts to the supervisors (nothing when there is no hub). */
public final class RecordingNotifier {

    private final EventHub hub;

    public RecordingNotifier(EventHub hub) {
        this.hub = hub;
    }

    void alert(RecordingEvents e) {
        if (hub != null) {
            hub.broadcast(e);
        }
    }
}
