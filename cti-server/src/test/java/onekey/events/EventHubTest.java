package onekey.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventHubTest {

    @Test
    void eventsAreNumberedAndReachOnlyTheirTarget() {
        EventHub hub = new EventHub(10);
        List<Event> agent7 = new ArrayList<>();
        List<Event> supervisor = new ArrayList<>();
        hub.subscribe(id -> id == 7, false, -1, agent7::add);
        hub.subscribe(id -> true, true, -1, supervisor::add);
        hub.toAccount(7, "call.offered", Map.of());
        hub.toAccount(8, "call.offered", Map.of());
        hub.broadcast("call.queued", Map.of());
        assertThat(agent7).extracting(Event::seq).containsExactly(1L);
        assertThat(supervisor).extracting(Event::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aReconnectingClientGetsWhatItMissedThenLiveEvents() {
        EventHub hub = new EventHub(3);
        for (int i = 0; i < 5; i++) {
            hub.toAccount(1, "agent.state", Map.of("i", i));
        }
        List<Event> got = new ArrayList<>();
        try (EventHub.Subscription s = hub.subscribe(id -> id == 1, false, 3, got::add)) {
            hub.toAccount(1, "call.ended", Map.of());
        }
        hub.toAccount(1, "after.close", Map.of());
        assertThat(got).extracting(Event::seq).containsExactly(4L, 5L, 6L);
        assertThat(hub.oldestRetainedSeq()).isEqualTo(5L);
    }
}
