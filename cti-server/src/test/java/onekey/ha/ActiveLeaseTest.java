package onekey.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import onekey.store.Database;
import onekey.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease that keeps one cti-server active per database (issue 10), on a real H2 database, clock injected. */
class ActiveLeaseTest {
    @TempDir
    Path tmp;
    Database db;
    final TestClock clock = new TestClock(1_800_000_000_000L);

    @BeforeEach
    void up() {
        db = onekey.testkit.H2Template.open(tmp.resolve("lease"), "sa", 4);
    }

    @AfterEach
    void down() {
        db.close();
    }

    @Test
    void aStandbyWaitsUntilTheActiveLeaseExpiresAndTheActiveOneLearnsItLostIt() throws Exception {
        // renewed by hand on the test's clock (its own renewer runs on real time: a slow step would renew it late)
        ActiveLease a = new ActiveLease(db, clock, "cti-a", 3_000, 3_600_000);
        ActiveLease b = new ActiveLease(db, clock, "cti-b", 3_000);
        AtomicReference<String> lostTo = new AtomicReference<>();
        a.acquire(lostTo::set);
        assertThat(a.held()).isTrue();
        assertThat(b.tryAcquire()).as("a standby while the lease runs").isFalse();
        assertThat(b.holder()).startsWith("cti-a until ");
        clock.advance(2_999);
        assertThat(b.tryAcquire()).as("still within the lease").isFalse();

        // the active one stops renewing (frozen, cut off): once its lease has expired the standby takes over
        clock.advance(2);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.holder()).startsWith("cti-b until ");
        // ... and the old one, renewing again, learns it lost the lease and stops acting
        a.renew();
        assertThat(lostTo.get()).startsWith("cti-b");
        assertThat(a.held()).isFalse();
        a.close();
        b.close();
    }

    @Test
    void theSameInstanceRestartingTakesItsLeaseBackAtOnceAndAStopHandsItOver() throws Exception {
        ActiveLease first = new ActiveLease(db, clock, "host-1:4573", 10_000);
        assertThat(first.tryAcquire()).isTrue();
        // kill -9: no release; the same instance started again takes it back without waiting for the expiry
        ActiveLease again = new ActiveLease(db, clock, "host-1:4573", 10_000);
        assertThat(again.tryAcquire()).isTrue();
        ActiveLease standby = new ActiveLease(db, clock, "host-2:4573", 10_000);
        assertThat(standby.tryAcquire()).isFalse();
        // a clean stop releases the lease: the standby takes over at its next try
        again.close();
        assertThat(standby.tryAcquire()).isTrue();
        assertThat(new ActiveLease(db, clock, "host-1:4573", 10_000).tryAcquire()).as("now host-2 is active").isFalse();
        standby.close();
    }
}
