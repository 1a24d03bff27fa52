package onekey.reports;

import java.util.List;
import onekey.events.DomainEvent;

/** What the reports tell the centre: a monthly report was made (issue 22). Published by {@link ReportNotifier} only. */
public sealed interface ReportEvents extends DomainEvent {

    /** The monthly report of {@code month} (yyyy-MM) is kept as {@code files} (downloadable by name). */
    record MonthlyMade(String month, List<String> files) implements ReportEvents {}
}
