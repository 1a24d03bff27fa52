package onekey.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventHubTest {

    /** The hub knows no feature: any event will do. */
    record Ping(String what) implements DomainEvent {}

    @Test
    void eventsAreNumberedAndReachOnlyTheirTarget() {
        EventHub hub = new EventHub(10);
        List<Event> agent7 = new ArrayList<>();
        List<Event> supervisor = new ArrayList<>();
        hub.subscribe(id -> id == 7, false, -1, agent7::add);
        hub.subscribe(id -> true, true, -1, supervisor::add);
        hub.toAccount(7, new Ping("call.offered"));
        hub.toAccount(8, new Ping("call.offered"));
        hub.broadcast(new Ping("call.queued"));
        assertThat(agent7).extracting(Event::seq).containsExactly(1L);
        assertThat(supervisor).extracting(Event::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aReconnectingClientGetsWhatItMissedThenLiveEvents() {
        EventHub hub = new EventHub(3);
        for (int i = 0; i < 5; i++) {
            hub.toAccount(1, new Ping("agent.state"));
        }
        List<Event> got = new ArrayList<>();
        try (EventHub.Subscription s = hub.subscribe(id -> id == 1, false, 3, got::add)) {
            hub.toAccount(1, new Ping("call.ended"));
        }
        hub.toAccount(1, new Ping("after.close"));
        assertThat(got).extracting(Event::seq).containsExactly(4L, 5L, 6L);
        assertThat(hub.oldestRetainedSeq()).isEqualTo(5L);
    }
}
