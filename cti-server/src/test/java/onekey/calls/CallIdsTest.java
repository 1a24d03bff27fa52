package onekey.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onekey.lines.Service;
import onekey.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: a new call's id comes from a block reserved in the database beforehand, so the pop carries it without
 * waiting for the row's insert. Blocks never overlap (two servers, or a server restarted), start past every stored call,
 * and a call whose id is taken by a row inserted without one is still stored.
 */
class CallIdsTest {

    private static CallRecord call(String linkedid) {
        return CallRecord.arrived(linkedid, "PJSIP/trunk-" + linkedid, "13800000001", "1234901", Service.SOS, 10,
                1_000_000L, false);
    }

    private static long takeAtHand(CallIds ids) {
        long[] got = new long[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> (got[0] = ids.take()) != 0);
        return got[0];
    }

    @Test
    void idsAreTakenWithoutTheDatabaseFromBlocksThatNeverOverlap(@TempDir Path tmp) throws Exception {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4)) {
            JooqCallRepository repo = new JooqCallRepository(db);
            // rows stored before the blocks (as an older server did: the table's own counter)
            db.dsl().execute("INSERT INTO calls (linkedid, priority, arrived_at, outcome, fail_open) VALUES"
                    + " ('old.1', 0, 1, 'completed', FALSE), ('old.2', 0, 1, 'completed', FALSE)");
            long maxOld = ((Number) db.dsl().fetchValue("SELECT MAX(id) FROM calls")).longValue();

            CallIds a = new CallIds(db.dataSource(), 10);
            CallIds b = new CallIds(db.dataSource(), 10);
            assertThat(a.take()).as("no block at hand yet: 0, one reserved in the background").isZero();
            Set<Long> seen = new HashSet<>();
            List<Long> fromA = new ArrayList<>();
            fromA.add(takeAtHand(a));
            seen.add(fromA.getFirst());
            long firstB = takeAtHand(b);
            seen.add(firstB);
            for (int i = 0; i < 45; i++) {
                long x = a.take();
                long y = b.take();
                if (x == 0) {
                    x = takeAtHand(a); // the next block was still being reserved
                }
                if (y == 0) {
                    y = takeAtHand(b);
                }
                fromA.add(x);
                assertThat(seen.add(x)).as("id %d given twice", x).isTrue();
                assertThat(seen.add(y)).as("id %d given twice", y).isTrue();
            }
            assertThat(fromA.getFirst()).as("past every stored call").isGreaterThan(maxOld);
            assertThat(fromA).as("one server's ids rise").isSorted();
            assertThat(seen).doesNotContain(0L).hasSize(92);

            // takeNow reserves at once when nothing is at hand (the journal's writer)
            CallIds c = new CallIds(db.dataSource(), 10);
            long now = c.takeNow();
            assertThat(seen).doesNotContain(now);
            assertThat(now).isGreaterThan(maxOld);

            // a row stored under an id from a block, and its replay: one row, the same id
            long given = takeAtHand(a);
            CallRecord stored = repo.insertIfAbsent(call("L1").withId(given));
            assertThat(stored.id()).isEqualTo(given);
            assertThat(repo.insertIfAbsent(call("L1").withId(given)).id()).isEqualTo(given);
            assertThat(db.dsl().fetchCount(db.dsl().selectFrom("calls").where("linkedid = 'L1'"))).isEqualTo(1);
            assertThat(repo.get(given)).get().extracting(CallRecord::linkedid).isEqualTo("L1");

            // a call without an id gets one from a block, past the blocks given so far
            long fresh = repo.insertIfAbsent(call("L2")).id();
            assertThat(fresh).isNotIn(seen).isNotEqualTo(given).isNotEqualTo(now);
        }
    }

    @Test
    void aCallWhoseIdARowInsertedByHandHoldsIsStoredUnderAnother(@TempDir Path tmp) throws Exception {
        try (Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 4)) {
            JooqCallRepository repo = new JooqCallRepository(db);
            CallIds ids = new CallIds(db.dataSource(), 10);
            long given = takeAtHand(ids);
            db.dsl().execute("INSERT INTO calls (id, linkedid, priority, arrived_at, outcome, fail_open) VALUES (" + given
                    + ", 'by-hand', 0, 1, 'completed', FALSE)");
            CallRecord stored = repo.insertIfAbsent(call("L9").withId(given));
            assertThat(stored.id()).isNotEqualTo(given);
            assertThat(repo.byLinkedid("L9")).get().extracting(CallRecord::id).isEqualTo(stored.id());
            assertThat(repo.byLinkedid("by-hand")).get().extracting(CallRecord::id).isEqualTo(given);
        }
    }

    @Test
    void withTheDatabaseAwayNoIdIsGivenAndNothingThrows(@TempDir Path tmp) {
        Database db = onekey.testkit.H2Template.open(tmp.resolve("onekey"), "sa", 2);
        CallIds ids = new CallIds(db.dataSource(), 10);
        db.close();
        for (int i = 0; i < 5; i++) {
            assertThat(ids.take()).isZero();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(ids::takeNow).isInstanceOf(java.sql.SQLException.class);
    }
}
