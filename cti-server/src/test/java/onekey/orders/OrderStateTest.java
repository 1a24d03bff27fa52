package onekey.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import onekey.orders.OrderState.Event;
import org.junit.jupiter.api.Test;

/** Every (state, event) pair of a work order against the table the issue gives (issue 21), both ways. */
class OrderStateTest {

    /** "state event" → the state it leads to; every pair not listed is refused. Written from the issue, not the code. */
    static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("created dispatch", "dispatched"),
            Map.entry("created exhaust", "failed"),
            Map.entry("created cancel", "cancelled"),
            Map.entry("dispatched accept", "accepted"),
            Map.entry("dispatched decline", "dispatched"),
            Map.entry("dispatched no-answer", "dispatched"),
            Map.entry("dispatched exhaust", "failed"),
            Map.entry("dispatched cancel", "cancelled"),
            Map.entry("accepted start", "in-service"),
            Map.entry("accepted finish", "done"),
            Map.entry("accepted cancel", "cancelled"),
            Map.entry("in-service finish", "done"),
            Map.entry("in-service cancel", "cancelled"),
            Map.entry("done call-back", "called-back"),
            Map.entry("done close", "closed"),
            Map.entry("called-back close", "closed"),
            Map.entry("failed dispatch", "dispatched"),
            Map.entry("failed cancel", "cancelled"));

    @Test
    void everyStateAndEventPairIsAllowedExactlyAsTheTableSays() {
        int allowed = 0;
        for (OrderState s : OrderState.values()) {
            for (Event e : Event.values()) {
                Optional<OrderState> to = s.next(e);
                String key = s.wire() + " " + e.wire();
                if (ALLOWED.containsKey(key)) {
                    assertThat(to).as(key).contains(OrderState.of(ALLOWED.get(key)));
                    allowed++;
                } else {
                    assertThat(to).as(key + " is refused").isEmpty();
                }
            }
        }
        assertThat(allowed).isEqualTo(ALLOWED.size());
        assertThat(OrderState.values().length * Event.values().length).isEqualTo(9 * 10);
    }

    @Test
    void theIssuesStateNamesAreTheWireNamesAndTheEndsAreTerminal() {
        assertThat(java.util.Arrays.stream(OrderState.values()).map(OrderState::wire)).containsExactly("created",
                "dispatched", "accepted", "in-service", "done", "called-back", "closed", "cancelled", "failed");
        for (OrderState s : OrderState.values()) {
            boolean none = java.util.Arrays.stream(Event.values()).allMatch(e -> s.next(e).isEmpty());
            assertThat(none).as(s.wire() + " has no way out").isEqualTo(Set.of(OrderState.CLOSED, OrderState.CANCELLED).contains(s));
            assertThat(s.terminal()).isEqualTo(none);
        }
    }
}
