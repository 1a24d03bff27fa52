package onekey.reports;

import java.util.List;
import java.util.Map;
import onekey.events.EventHub;

/**
 * The reports' one publisher: figures carry no personal data, so every client may hear of a monthly report; and the
 * district's platform, when a push is configured ({@link ReportPush}).
 */
public final class ReportNotifier {
    private final EventHub hub;
    private final ReportPush push;

    public ReportNotifier(EventHub hub) {
        this(hub, null);
    }

    /** {@code push}: the signed push to the district's platform, or null for none. */
    public ReportNotifier(EventHub hub, ReportPush push) {
        this.hub = hub;
        this.push = push;
    }

    void monthlyMade(String month, List<String> files, Map<String, Object> summary) {
        hub.broadcast(new ReportEvents.MonthlyMade(month, List.copyOf(files)));
        if (push != null) {
            push.monthlyMade(month, files, summary);
        }
    }
}
