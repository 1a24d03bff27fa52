package onekey.calls;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call ids from blocks reserved in the database (table id_blocks, V33; issue 23). A new call takes its id from the
 * block in memory without touching the database ({@link #take}), so its screen pop need not wait for the row's insert,
 * and the row's write can share a commit with others. The next block is reserved in the background when half of this
 * one is used, in a transaction of its own on a connection of its own (never inside the journal's batch: a rolled back
 * batch must not give a reserved block back). A reservation moves id_blocks.next_id past the block and past every id
 * in calls, so ids are never given twice, by this server or another, and a server that stops leaves a gap only.
 *
 * <p>With the database away no block can be reserved: {@link #take} then gives 0 and the call's row gets its id when
 * the journal writes it ({@link #takeNow}), as before this class.
 */
public final class CallIds {

    private static final Logger log = LoggerFactory.getLogger(CallIds.class);
    static final int BLOCK = 200;

    private final DataSource pool;
    private final int block;
    private final Object lock = new Object();
    /** The block in use: next id to give, and one past its last. Under {@link #lock}. */
    private long next;
    private long end;
    /** The block reserved ahead (0, 0: none yet). Under {@link #lock}. */
    private long aheadNext;
    private long aheadEnd;
    private final AtomicBoolean reserving = new AtomicBoolean();

    public CallIds(DataSource pool) {
        this(pool, BLOCK);
    }

    CallIds(DataSource pool, int block) {
        this.pool = pool;
        this.block = Math.max(2, block);
    }

    /** The next id without waiting for the database; 0 when no block is at hand (reserved in the background then). */
    public long take() {
        long id;
        boolean refill;
        synchronized (lock) {
            id = atHand();
            refill = aheadEnd == 0 && end - next < block / 2;
        }
        if (refill && reserving.compareAndSet(false, true)) {
            Thread.ofVirtual().name("call-ids").start(() -> {
                try {
                    long[] b = reserve(block);
                    synchronized (lock) {
                        install(b);
                    }
                } catch (SQLException | RuntimeException e) {
                    log.warn("call ids: no block reserved ({}): new calls get their id when their row is written",
                            e.toString());
                } finally {
                    reserving.set(false);
                }
            });
        }
        return id;
    }

    /** The next id, reserving a block now if none is at hand (the journal's writer, the database answering). */
    public long takeNow() throws SQLException {
        synchronized (lock) {
            long id = atHand();
            if (id != 0) {
                return id;
            }
        }
        long[] b = reserve(block);
        synchronized (lock) {
            install(b);
            return atHand();
        }
    }

    /** The next id of the block in use (the one reserved ahead once it is used up); 0: none. Under {@link #lock}. */
    private long atHand() {
        if (next >= end && aheadEnd > aheadNext) {
            next = aheadNext;
            end = aheadEnd;
            aheadNext = aheadEnd = 0;
        }
        return next < end ? next++ : 0;
    }

    /** A reserved block: in use if none is, else ahead (a block ahead already: this one's ids are left, a gap). */
    private void install(long[] b) {
        if (next >= end) {
            next = b[0];
            end = b[1];
        } else if (aheadEnd == 0) {
            aheadNext = b[0];
            aheadEnd = b[1];
        }
    }

    /** Reserves {@code n} ids: [first, end). One committed transaction on a connection of its own. */
    long[] reserve(int n) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = pool.getConnection()) {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    try (PreparedStatement up = c.prepareStatement("UPDATE id_blocks SET next_id = GREATEST(next_id,"
                            + " (SELECT COALESCE(MAX(id), 0) + 1 FROM calls)) + ? WHERE name = 'calls'")) {
                        up.setLong(1, n);
                        if (up.executeUpdate() != 1) {
                            throw new SQLException("id_blocks has no row for calls (migration V33)");
                        }
                    }
                    long after;
                    try (PreparedStatement q = c.prepareStatement("SELECT next_id FROM id_blocks WHERE name = 'calls'");
                         ResultSet rs = q.executeQuery()) {
                        rs.next();
                        after = rs.getLong(1);
                    }
                    c.commit();
                    return new long[] {after - n, after};
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(auto);
                }
            } catch (SQLException e) {
                // a conflict with another server's reservation (Galera certification, a lock wait) is tried again
                last = e;
            }
        }
        throw last;
    }
}
