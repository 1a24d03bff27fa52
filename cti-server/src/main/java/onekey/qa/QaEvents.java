package onekey.qa;

import onekey.events.DomainEvent;

/** What quality checking tells the agent scored: a score sheet saved, its acknowledgement. Published by {@link QaService} only. */
public sealed interface QaEvents extends DomainEvent {

    QaSheet sheet();

    record Scored(QaSheet sheet) implements QaEvents {}

    record Acked(QaSheet sheet) implements QaEvents {}
}
