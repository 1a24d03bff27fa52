package onekey.ha;

import static onekey.store.jooq.Tables.INSTANCE_LEASE;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import onekey.store.Database;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active cti-server per database (issue 10: two instances on one cluster never both act on the same call or
 * job). The active instance holds the row {@code instance_lease('cti')} until {@code expires_at} and renews it every
 * third of the lease. A second instance (a hot standby on another machine) blocks in {@link #acquire} until the
 * lease has expired, then takes it and starts: within one lease period plus its own start after the active one
 * dies. The same instance ({@code owner} equal) restarting after a crash takes its own lease back at once.
 *
 * <p>Safety: every change is one conditional UPDATE (or the first INSERT, guarded by the primary key), so two
 * standbys cannot both win. An active instance that finds the lease taken by another (it was frozen or cut off
 * from the database longer than the lease) stops acting: {@code onLost} runs (the server exits, its supervisor
 * restarts it as a standby). While the database cannot be reached the lease is kept as it is: nobody else can
 * take it either without the database.
 */
public final class ActiveLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActiveLease.class);
    static final String NAME = "cti";

    private final DSLContext dsl;
    private final Clock clock;
    private final String owner;
    private final long leaseMillis;
    private final long renewMillis;
    /** What {@link #acquire} was told to run when the lease is lost. */
    private volatile Consumer<String> onLost = by -> { };
    private final ScheduledExecutorService renewer;
    private volatile boolean held;

    public ActiveLease(Database db, Clock clock, String owner, long leaseMillis) {
        this(db, clock, owner, leaseMillis, leaseMillis / 3);
    }

    /** {@code renewMillis}: how often the held lease is renewed (a third of the lease; a unit test renews by hand). */
    ActiveLease(Database db, Clock clock, String owner, long leaseMillis, long renewMillis) {
        this.dsl = db.dsl();
        this.clock = clock;
        this.owner = owner;
        this.leaseMillis = leaseMillis;
        this.renewMillis = renewMillis;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ha-lease");
            t.setDaemon(true);
            return t;
        });
    }

    public String owner() {
        return owner;
    }

    public boolean held() {
        return held;
    }

    /** One attempt: true when this instance holds the lease now (taken, renewed, or taken back after a crash). */
    public boolean tryAcquire() {
        long now = clock.millis();
        int n = dsl.update(INSTANCE_LEASE)
                .set(INSTANCE_LEASE.OWNER, owner)
                .set(INSTANCE_LEASE.ACQUIRED_AT, now)
                .set(INSTANCE_LEASE.EXPIRES_AT, now + leaseMillis)
                .where(INSTANCE_LEASE.NAME.eq(NAME))
                .and(INSTANCE_LEASE.OWNER.eq(owner).or(INSTANCE_LEASE.EXPIRES_AT.lt(now)))
                .execute();
        if (n == 1) {
            held = true;
            return true;
        }
        try {
            dsl.insertInto(INSTANCE_LEASE)
                    .set(INSTANCE_LEASE.NAME, NAME)
                    .set(INSTANCE_LEASE.OWNER, owner)
                    .set(INSTANCE_LEASE.ACQUIRED_AT, now)
                    .set(INSTANCE_LEASE.EXPIRES_AT, now + leaseMillis)
                    .execute();
            held = true;
            return true;
        } catch (DataAccessException e) {
            if (isDuplicate(e)) {
                return false; // the row exists and another instance holds it
            }
            throw e;
        }
    }

    private static boolean isDuplicate(DataAccessException e) {
        String state = e.sqlState();
        return state != null && state.startsWith("23");
    }

    /** Who holds the lease and until when ("owner until epoch-ms"), for the standby's log; empty when none. */
    public String holder() {
        var r = dsl.selectFrom(INSTANCE_LEASE).where(INSTANCE_LEASE.NAME.eq(NAME)).fetchOne();
        return r == null ? "" : r.getOwner() + " until " + java.time.Instant.ofEpochMilli(r.getExpiresAt());
    }

    /**
     * Blocks until this instance holds the lease (a standby waits here, trying every third of the lease), then
     * renews it every third of the lease; {@code onLost} runs once if another instance took it over meanwhile.
     */
    public void acquire(Consumer<String> onLost) throws InterruptedException {
        boolean said = false;
        while (true) {
            try {
                if (tryAcquire()) {
                    break;
                }
                if (!said) {
                    log.warn("ha.standby owner={} holder=\"{}\": another cti-server is active on this database; waiting to "
                            + "take over when its lease expires", owner, holder());
                    said = true;
                }
            } catch (DataAccessException e) {
                log.warn("ha.lease-unavailable owner={} error={}", owner, e.getMessage());
            }
            Thread.sleep(Math.max(500, leaseMillis / 3)); // a standby's poll interval, not a wait for a condition
        }
        log.info("ha.active owner={} leaseMs={}", owner, leaseMillis);
        this.onLost = onLost;
        renewer.scheduleWithFixedDelay(this::renew, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    }

    /** One renewal now (as the renewer's own); a unit test on its clock. */
    void renew() {
        if (!held) {
            return;
        }
        long now = clock.millis();
        try {
            int n = dsl.update(INSTANCE_LEASE)
                    .set(INSTANCE_LEASE.EXPIRES_AT, now + leaseMillis)
                    .where(INSTANCE_LEASE.NAME.eq(NAME)).and(INSTANCE_LEASE.OWNER.eq(owner))
                    .execute();
            if (n == 0) {
                held = false;
                String by = holder();
                log.error("ha.lease-lost owner={} holder=\"{}\": another cti-server took over; this one stops acting", owner, by);
                onLost.accept(by);
            }
        } catch (RuntimeException e) {
            // the database is away: keep acting (a standby cannot take the lease without the database either)
            log.warn("ha.renew-failed owner={} error={}", owner, e.toString());
        }
    }

    /** Gives the lease up (a clean stop): a standby takes over at its next try instead of after the expiry. */
    @Override
    public void close() {
        renewer.shutdownNow();
        if (held) {
            held = false;
            try {
                dsl.update(INSTANCE_LEASE).set(INSTANCE_LEASE.EXPIRES_AT, 0L)
                        .where(INSTANCE_LEASE.NAME.eq(NAME)).and(INSTANCE_LEASE.OWNER.eq(owner)).execute();
            } catch (RuntimeException e) {
                log.warn("ha.release-failed owner={} error={}", owner, e.toString());
            }
        }
    }
}
