package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import onekey.lines.Service;
import onekey.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the screen pop's last calls of an elder read the newest rows of the elder's index and stop at the limit,
 * however often the elder has called (they read every call of the elder and sorted them).
 */
class CallQueriesTest {

    @Test
    void anEldersLastCallsAreReadNewestFirstFromTheIndex(@TempDir Path tmp) {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 2)) {
            JooqCallRepository calls = new JooqCallRepository(db);
            // 200 calls of elder 5 (two arriving in the same ms: the id orders them), 100 of elder 6
            for (int i = 0; i < 300; i++) {
                long elder = i % 3 == 2 ? 6L : 5L;
                long at = 1_000_000L + (i == 298 ? 297 : i) * 1_000L;
                calls.insertIfAbsent(CallRecord.arrived("L" + i, "PJSIP/trunk-" + i, "1380000" + i, "1234901", Service.SOS,
                        10, at, false).withElderId(elder));
            }
            String plan = String.valueOf(db.dsl().fetchValue("EXPLAIN ANALYZE "
                    + db.dsl().renderInlined(calls.findQuery(5L, null, null, 6))));
            assertThat(plan).contains("ix_calls_elder_arrived").contains("index sorted");
            java.util.regex.Matcher scanned = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
            assertThat(scanned.find()).as(plan).isTrue();
            assertThat(Integer.parseInt(scanned.group(1))).as("rows H2 read for 6 of the elder's 200 calls").isLessThanOrEqualTo(7);

            List<String> newest = new ArrayList<>();
            calls.find(5L, null, null, 4).forEach(c -> newest.add(c.linkedid()));
            // 297 and 298 arrived in the same ms (298 inserted later: a higher id) and are elder 5's newest
            assertThat(newest).containsExactly("L298", "L297", "L295", "L294");
            assertThat(calls.find(6L, null, null, 2)).extracting(CallRecord::linkedid).containsExactly("L299", "L296");
        }
    }
}
