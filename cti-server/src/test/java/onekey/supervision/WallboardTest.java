package onekey.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import onekey.agents.AgentState;
import onekey.agents.AgentStatus;
import onekey.auth.Account;
import onekey.auth.Role;
import onekey.calls.CallRecord;
import onekey.calls.CallTracker;
import onekey.lines.Service;
import org.junit.jupiter.api.Test;

class WallboardTest {

    static final long DAY = 1_000_000_000L;
    static final long NOW = DAY + 10 * 3_600_000L;

    static CallRecord call(long id, Service line, int priority, long arrived, Long queued, Long answered, Long ended,
                           String outcome) {
        return new CallRecord(id, "l" + id, "PJSIP/trunk-" + id, "0215555000" + id, "1234901", line, priority, null,
                answered == null ? null : 7L, answered == null ? null : "1001", arrived, queued, answered, ended,
                null, null, onekey.calls.CallOutcome.fromWire(outcome), null, null, false, null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void figuresThresholdsAbandonedHandleTimeAndSosFirst() {
        List<CallRecord> today = List.of(
                call(1, Service.SOS, 10, DAY + 1000, DAY + 1100, DAY + 1000 + 15_000, DAY + 1000 + 75_000, "completed"),
                call(2, Service.GENERAL, 1, DAY + 5000, DAY + 5100, DAY + 5000 + 15_001, DAY + 5000 + 45_001, "completed"),
                call(3, Service.TAXI, 5, DAY + 9000, DAY + 9100, DAY + 9000 + 180_000, null, "answered"),
                call(4, Service.SOS, 10, DAY + 20_000, DAY + 20_100, null, DAY + 50_000, "abandoned"),
                call(5, Service.CONSULT, 3, DAY + 30_000, DAY + 30_100, DAY + 30_000 + 200_000, DAY + 400_000, "completed"));
        List<CallTracker.LiveView> live = List.of(
                new CallTracker.LiveView(call(6, Service.GENERAL, 1, NOW - 40_000, NOW - 39_000, null, null, "queued"), "李"),
                // a fail-open call of unknown line waits at SOS priority: counted with SOS
                new CallTracker.LiveView(call(7, Service.GENERAL, 10, NOW - 70_000, NOW - 69_000, null, null, "queued"), null),
                new CallTracker.LiveView(call(3, Service.TAXI, 5, DAY + 9000, DAY + 9100, DAY + 189_000, null, "answered"), "王"));
        List<AgentStatus> agents = List.of(new AgentStatus(7, "1001", "1001", AgentState.ON_CALL, null, NOW - 5000),
                new AgentStatus(8, "1002", "1002", AgentState.LOGGED_OUT, null, NOW - 5000));
        Map<String, Object> w = Wallboard.compute(NOW, LocalDate.of(1970, 1, 12), DAY, today, live, agents,
                List.of(new Account(7, "1001", Role.AGENT, "1001", "s", "张坐席", true)));

        Map<String, Object> t = (Map<String, Object>) w.get("today");
        assertThat(t.get("offered")).isEqualTo(5L);
        assertThat(t.get("answered")).isEqualTo(4L);
        assertThat(t.get("answeredWithin15s")).isEqualTo(1L); // 15.000 s counts, 15.001 s does not
        assertThat(t.get("answeredWithin60s")).isEqualTo(2L);
        assertThat(t.get("answeredWithin180s")).isEqualTo(3L);
        assertThat(t.get("abandoned")).isEqualTo(1L);
        // handle time of the answered calls that ended: 60 s, 30 s, 170 s
        assertThat(t.get("averageHandleMs")).isEqualTo((60_000L + 30_000L + 170_000L) / 3);
        assertThat((List<?>) w.get("answerTimes")).hasSize(4);

        List<Map<String, Object>> queues = (List<Map<String, Object>>) w.get("queues");
        assertThat(queues.get(0)).containsEntry("line", "sos").containsEntry("waiting", 1L).containsEntry("longestWaitMs", 70_000L);
        assertThat(queues).filteredOn(q -> q.get("line").equals("general")).first()
                .satisfies(q -> assertThat(q).containsEntry("waiting", 1L).containsEntry("longestWaitMs", 40_000L));

        List<Map<String, Object>> agentRows = (List<Map<String, Object>>) w.get("agents");
        assertThat(agentRows).hasSize(1); // logged-out agents are not on the board
        assertThat(agentRows.get(0)).containsEntry("displayName", "张坐席").containsEntry("state", "on-call")
                .containsEntry("inStateMs", 5000L);

        List<Map<String, Object>> calls = (List<Map<String, Object>>) w.get("liveCalls");
        assertThat(calls).extracting(c -> c.get("state")).containsExactly("waiting", "talking", "waiting");
        assertThat(calls.get(1)).containsEntry("elder", "王").containsEntry("agent", "1001");
        assertThat((String) calls.get(0).get("callerNumber")).doesNotContain("021555500");
    }
}
