package onekey.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The surge bench's reference queues: the ideal one and the one that looks once a second, as app_queue does. */
class SurgeBenchTest {

    static SurgeBench.Call call(int priority, long queued, long ringMs, long talkMs) {
        SurgeBench.Call c = new SurgeBench.Call();
        c.priority = priority;
        c.queued = queued;
        c.firstOffered = queued; // ringMs() = answered - firstOffered
        c.answered = queued + ringMs;
        c.ended = c.answered + talkMs;
        return c;
    }

    @Test
    void oneAgentServesTheSosCallFirstAndThePolledQueueWaitsForItsNextLook() {
        SurgeBench.Call first = call(1, 0, 500, 1_000);      // holds the agent 0 → 1,500 (+ 200 wrap-up)
        SurgeBench.Call later = call(1, 100, 500, 1_000);
        SurgeBench.Call sos = call(10, 300, 500, 1_000);
        Map<SurgeBench.Call, long[]> ideal = SurgeBench.simulate(List.of(first, later, sos), 1, 200);
        assertThat(ideal.get(first)[1]).isZero();
        assertThat(ideal.get(sos)[1]).as("the SOS call goes before the earlier general call").isEqualTo(1_700 - 300);
        assertThat(ideal.get(later)[1]).isEqualTo(1_700 + 1_700 - 100);

        Map<SurgeBench.Call, long[]> polled = SurgeBench.simulate(List.of(first, later, sos), 1, 200, 1_000);
        assertThat(polled.get(first)[1]).as("a free agent at the join is taken at once").isZero();
        // the agent is free at 1,700; the SOS call looks at 300 + 1,000 k: at 2,300
        assertThat(polled.get(sos)[1]).isEqualTo(2_000);
        // free again at 2,300 + 1,700 = 4,000; the general call looks at 100 + 1,000 k: at 4,100
        assertThat(polled.get(later)[1]).isEqualTo(4_000);
        assertThat(polled.get(sos)[0]).as("wait to the answer = to the ring + the ring").isEqualTo(2_500);
    }
}
