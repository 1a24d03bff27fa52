package onekey.supervision;

import onekey.events.DomainEvent;

/** What supervision tells the supervisor who spies (never the agent). Published by {@link SpyNotifier} only. */
public sealed interface SpyEvents extends DomainEvent {

    SpyService.Session session();

    /** The supervisor answered and ChanSpy runs. */
    record Started(SpyService.Session session) implements SpyEvents {}

    record ModeChanged(SpyService.Session session) implements SpyEvents {}

    record Ended(SpyService.Session session) implements SpyEvents {}
}
