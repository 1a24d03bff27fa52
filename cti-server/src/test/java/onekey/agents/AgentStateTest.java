package onekey.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentStateTest {

    /** The whole table, written out independently of the enum, so a changed transition is noticed. */
    private static final Map<AgentState, Set<AgentState>> EXPECTED = Map.of(
            AgentState.LOGGED_OUT, EnumSet.of(AgentState.NOT_READY, AgentState.READY),
            AgentState.READY, EnumSet.of(AgentState.NOT_READY, AgentState.ON_CALL, AgentState.LOGGED_OUT),
            AgentState.NOT_READY, EnumSet.of(AgentState.READY, AgentState.NOT_READY, AgentState.ON_CALL, AgentState.LOGGED_OUT),
            AgentState.ON_CALL, EnumSet.of(AgentState.WRAP_UP, AgentState.READY, AgentState.NOT_READY, AgentState.LOGGED_OUT),
            AgentState.WRAP_UP, EnumSet.of(AgentState.READY, AgentState.NOT_READY, AgentState.ON_CALL, AgentState.LOGGED_OUT));

    @Test
    void everyPairOfStatesIsAllowedExactlyAsSpecified() {
        for (AgentState from : AgentState.values()) {
            for (AgentState to : AgentState.values()) {
                assertThat(from.canGoTo(to)).as(from + " -> " + to).isEqualTo(EXPECTED.get(from).contains(to));
            }
        }
    }

    @Test
    void queueMembershipFollowsState() {
        assertThat(AgentState.LOGGED_OUT.inQueue()).isFalse();
        for (AgentState s : EnumSet.complementOf(EnumSet.of(AgentState.LOGGED_OUT))) {
            assertThat(s.inQueue()).as(s.name()).isTrue();
        }
        assertThat(EnumSet.allOf(AgentState.class).stream().filter(AgentState::paused))
                .containsExactlyInAnyOrder(AgentState.NOT_READY, AgentState.WRAP_UP);
        assertThat(AgentState.WRAP_UP.wire()).isEqualTo("wrap-up");
    }
}
