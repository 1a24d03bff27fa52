package onekey.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import onekey.testkit.ManualScheduler;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.Test;

/** Writes that wait for the database: kept in order while it is away, written with back-off once it answers. */
class PatientWritesTest {

    final TestClock clock = new TestClock(Instant.parse("2026-06-01T02:00:00Z"));
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final List<String> written = new CopyOnWriteArrayList<>();
    final AtomicBoolean away = new AtomicBoolean();

    Runnable write(String s) {
        return () -> {
            if (away.get()) {
                throw new IllegalStateException("Connection refused");
            }
            written.add(s);
        };
    }

    @Test
    void writesWaitInOrderWhileTheDatabaseIsAwayAndGoWhenItAnswers() {
        PatientWrites w = new PatientWrites("test", scheduler, clock, 100);
        w.submit("a", write("a"));
        scheduler.runDue();
        assertThat(written).containsExactly("a");

        away.set(true);
        w.submit("b", write("b"));
        w.submit("c", write("c"));
        scheduler.runDue();
        assertThat(w.pending()).isEqualTo(2);
        scheduler.advance(30_000); // tried again and again, kept
        assertThat(w.pending()).isEqualTo(2);
        assertThat(written).containsExactly("a");

        away.set(false);
        scheduler.advance(10_000); // the back-off is at most 10 s
        assertThat(written).containsExactly("a", "b", "c");
        assertThat(w.pending()).isZero();
    }

    @Test
    void beyondItsBoundTheOldestIsDroppedNotTheNewest() {
        PatientWrites w = new PatientWrites("test", scheduler, clock, 2);
        away.set(true);
        w.submit("a", write("a"));
        w.submit("b", write("b"));
        w.submit("c", write("c"));
        away.set(false);
        scheduler.advance(10_000);
        assertThat(written).containsExactly("b", "c");
    }

    @Test
    void inBatchesARunOfWritesIsOneTransactionAndAFailedRunIsTriedAgainWholeInOrder() {
        List<Integer> runs = new CopyOnWriteArrayList<>();
        PatientWrites w = new PatientWrites("test", scheduler, clock, 100).inBatches(all -> {
            int before = written.size();
            try {
                all.run();
            } catch (RuntimeException e) {
                written.subList(before, written.size()).clear(); // rolled back
                throw e;
            }
            runs.add(written.size() - before);
        }, 20);
        w.submit("a", write("a"));
        w.submit("b", write("b"));
        w.submit("c", write("c"));
        scheduler.advance(19);
        assertThat(written).isEmpty(); // waiting 20 ms for company
        scheduler.advance(1);
        assertThat(runs).containsExactly(3); // one transaction for the three
        assertThat(written).containsExactly("a", "b", "c");

        away.set(true);
        w.submit("d", write("d"));
        w.submit("e", write("e"));
        scheduler.advance(20);
        assertThat(w.pending()).isEqualTo(2);
        scheduler.advance(30_000); // tried again and again, kept
        assertThat(w.pending()).isEqualTo(2);
        away.set(false);
        scheduler.advance(10_000);
        assertThat(written).containsExactly("a", "b", "c", "d", "e");
        assertThat(runs).containsExactly(3, 2);
        assertThat(w.pending()).isZero();
    }
}
