package onekey.notices;

import onekey.events.DomainEvent;

/** What the notices tell a seat: a notice posted to it, its own acknowledgement. Published by {@link NoticeService} only. */
public sealed interface NoticeEvents extends DomainEvent {

    /** The notice as {@code username} sees it (acknowledged by them or not). */
    Notice notice();

    String username();

    record Posted(Notice notice, String username) implements NoticeEvents {}

    record Acked(Notice notice, String username) implements NoticeEvents {}
}
