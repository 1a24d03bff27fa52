package onekey.reports;

import java.util.List;
import onekey.events.EventHub;

/** The reports' one publisher: figures carry no personal data, so every client may hear of a monthly report. */
public final class ReportNotifier {
    private final EventHub hub;

    public ReportNotifier(EventHub hub) {
        this.hub = hub;
    }

    void monthlyMade(String month, List<String> files) {
        hub.broadcast(new ReportEvents.MonthlyMade(month, List.copyOf(files)));
    }
}
