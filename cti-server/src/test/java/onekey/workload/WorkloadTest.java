package onekey.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 19 item 7: time in each state within a day, from the logged state changes. */
class WorkloadTest {

    @Test
    void timeInEachStateIsClippedToThePeriodAndNotReadyIsSplitByReason() {
        List<Workload.Row> rows = List.of(
                new Workload.Row("not-ready", "meal", 500),   // before the day: the state at its start
                new Workload.Row("ready", null, 1_500),
                new Workload.Row("on-call", null, 2_000),
                new Workload.Row("wrap-up", null, 5_000),
                new Workload.Row("not-ready", "training", 6_000),
                new Workload.Row("ready", null, 9_000));
        Map<String, Long> d = Workload.durations(rows, 1_000, 10_000);
        assertThat(d).containsEntry("not-ready:meal", 500L)
                .containsEntry("ready", 500L + 1_000L)
                .containsEntry("on-call", 3_000L)
                .containsEntry("wrap-up", 1_000L)
                .containsEntry("not-ready:training", 3_000L);
        assertThat(d.values().stream().mapToLong(Long::longValue).sum()).as("the whole period").isEqualTo(9_000L);
        assertThat(Workload.durations(List.of(), 0, 100)).isEmpty();
    }
}
